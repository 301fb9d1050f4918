package io.kupervisor.cli.kubectl;

import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kupervisor.api.v1alpha1.ProcessStatus;
import io.kupervisor.api.v1alpha1.SupervisedProgram;
import io.kupervisor.core.config.Namespec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code kubectl supervisorctl}: supervisorctl's commands for the SupervisedPrograms of a
 * namespace, in supervisorctl's output format and exit codes. start/stop set the program's desired
 * state ({@code spec.state}), restart sets the restart annotation, tail reads the process pod's log.
 */
@Command(name = "kubectl-supervisorctl",
        description = {"supervisorctl for SupervisedPrograms: status, start, stop, restart, tail [-f], avail.",
            "Installed as kubectl-supervisorctl on the PATH it is `kubectl supervisorctl ...`."})
public final class SupervisorctlPlugin implements Callable<Integer> {
    @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = "namespace (default: kubectl's)")
    String namespace;

    @Option(names = "--context", paramLabel = "CTX", description = "kubeconfig context")
    String context;

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "kubeconfig file")
    String kubeconfig;

    @Option(names = "--kubectl", paramLabel = "PATH", description = "the kubectl to use (default: $KUBECTL, else kubectl on PATH)")
    String kubectlBinary;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "how long start/stop wait for the state (default ${DEFAULT-VALUE})")
    long timeoutSeconds;

    @Parameters(index = "0", paramLabel = "COMMAND", description = "status, start, stop, restart, tail, avail")
    String command;

    @Parameters(index = "1..*", paramLabel = "ARGS")
    List<String> args = new ArrayList<>();

    private Kubectl kubectl;
    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        List<String> global = new ArrayList<>();
        if (kubeconfig != null) {
            global.addAll(List.of("--kubeconfig", kubeconfig));
        }
        if (context != null) {
            global.addAll(List.of("--context", context));
        }
        if (namespace != null) {
            global.addAll(List.of("-n", namespace));
        }
        kubectl = new Kubectl(kubectlBinary != null ? kubectlBinary : Kubectl.find(), global);
        return switch (command) {
            case "status" -> status();
            case "start" -> startOrStop(true);
            case "stop" -> startOrStop(false);
            case "restart" -> restart();
            case "tail" -> tail();
            case "avail" -> avail();
            default -> {
                out.println("*** Unknown syntax: " + command);
                yield 1;
            }
        };
    }

    // ---- reading ----

    private List<SupervisedProgram> programs() throws Exception {
        Kubectl.Result r = kubectl.run(List.of("get", "supervisedprograms.kupervisor.io", "-o", "json"));
        if (r.exit() != 0) {
            throw new IllegalStateException(r.err().strip());
        }
        @SuppressWarnings("unchecked")
        KubernetesResourceList<SupervisedProgram> list = Serialization.unmarshal(r.out(), SupervisedProgramList.class);
        List<SupervisedProgram> items = new ArrayList<>(list.getItems());
        items.sort(Comparator.comparing(SupervisorctlPlugin::groupOf).thenComparing(p -> p.getMetadata().getName()));
        return items;
    }

    /** One line of supervisorctl status: the namespec, the state, the description. */
    record Line(String namespec, String state, String description, SupervisedProgram program) {
    }

    /**
     * The status's description; for a RUNNING process supervisorctl's uptime is added from its start
     * time (the operator does not rewrite the status every second to count it).
     */
    static String describe(ProcessStatus ps) {
        String d = ps.description == null ? "" : ps.description;
        if (!"RUNNING".equals(ps.state) || ps.startTime == null || ps.pod == null || !d.startsWith("pod " + ps.pod)) {
            return d;
        }
        long up = Math.max(0, java.time.Instant.now().getEpochSecond() - java.time.Instant.parse(ps.startTime).getEpochSecond());
        return "pod " + ps.pod + ", uptime " + io.kupervisor.core.status.ProcessDescription.uptime(up)
                + d.substring(("pod " + ps.pod).length());
    }

    private List<Line> lines(List<SupervisedProgram> programs) {
        List<Line> lines = new ArrayList<>();
        for (SupervisedProgram p : programs) {
            String group = groupOf(p);
            List<ProcessStatus> processes = p.getStatus() == null ? List.of() : p.getStatus().processes;
            if (processes.isEmpty()) {
                lines.add(new Line(group, "STOPPED", "Not started", p));
            }
            for (ProcessStatus ps : processes) {
                String spec = group.equals(ps.name) ? ps.name : group + ":" + ps.name;
                lines.add(new Line(spec, ps.state == null ? "UNKNOWN" : ps.state, describe(ps), p));
            }
        }
        lines.sort(Comparator.comparing(Line::namespec));
        return lines;
    }

    private static List<Line> select(List<Line> all, List<String> names, List<String> unknown) {
        if (names.isEmpty() || names.contains("all")) {
            return all;
        }
        List<Line> out = new ArrayList<>();
        for (String n : names) {
            List<Line> matched = all.stream().filter(l -> matches(l, n)).toList();
            if (matched.isEmpty()) {
                unknown.add(n);
            }
            out.addAll(matched);
        }
        return out;
    }

    private static boolean matches(Line l, String name) {
        Namespec n = Namespec.parse(name);
        if (n.isWholeGroup()) {
            return groupOf(l.program()).equals(n.group());
        }
        return l.namespec().equals(name) || l.program().getMetadata().getName().equals(name);
    }

    private int status() throws Exception {
        List<Line> all = lines(programs());
        List<String> unknown = new ArrayList<>();
        List<Line> shown = select(all, args, unknown);
        int width = Math.max(30, shown.stream().mapToInt(l -> l.namespec().length()).max().orElse(0)) + 3;
        int exit = 0;
        for (String u : unknown) {
            out.println(u + ": ERROR (no such process)");
            exit = 4;
        }
        for (Line l : shown) {
            out.println(String.format("%-" + width + "s%-10s%s", l.namespec(), l.state(), l.description()).stripTrailing());
            if (exit == 0 && List.of("STOPPED", "EXITED", "FATAL", "UNKNOWN").contains(l.state())) {
                exit = 3;
            }
        }
        return exit;
    }

    private int avail() throws Exception {
        for (SupervisedProgram p : programs()) {
            String auto = p.getSpec().autostart == null || p.getSpec().autostart ? "auto" : "manual";
            out.println(String.format("%-32s %-9s %-9s %s", groupOf(p), "in use", auto,
                    p.getSpec().priority + ":" + p.getSpec().priority));
        }
        return 0;
    }

    // ---- acting ----

    private List<SupervisedProgram> targets(List<String> names, List<String> unknown) throws Exception {
        List<SupervisedProgram> all = programs();
        if (names.contains("all")) {
            return all;
        }
        List<SupervisedProgram> out = new ArrayList<>();
        List<Line> lines = lines(all);
        for (String n : names) {
            List<SupervisedProgram> matched = lines.stream().filter(l -> matches(l, n)).map(Line::program)
                    .distinct().toList();
            if (matched.isEmpty()) {
                unknown.add(n);
            }
            matched.stream().filter(p -> !out.contains(p)).forEach(out::add);
        }
        return out;
    }

    private int startOrStop(boolean start) throws Exception {
        String verb = start ? "start" : "stop";
        if (args.isEmpty()) {
            out.println("Error: " + verb + " requires a process name");
            return 2;
        }
        List<String> unknown = new ArrayList<>();
        List<SupervisedProgram> targets = targets(args, unknown);
        int exit = 0;
        for (String u : unknown) {
            out.println(u + ": ERROR (no such process)");
            exit = 1;
        }
        for (SupervisedProgram p : targets) {
            boolean running = isRunningSet(p);
            if (start && running && "running".equals(stateOf(p))) {
                out.println(groupOf(p) + ": ERROR (already started)");
                continue;
            }
            if (!start && !running) {
                out.println(groupOf(p) + ": ERROR (not running)");
                continue;
            }
            Kubectl.Result r = kubectl.run(List.of("patch", "supervisedprograms.kupervisor.io", p.getMetadata().getName(),
                    "--type", "merge", "-p", "{\"spec\":{\"state\":\"" + (start ? "running" : "stopped") + "\"}}"));
            if (r.exit() != 0) {
                out.println(groupOf(p) + ": ERROR (" + r.err().strip() + ")");
                exit = 1;
                continue;
            }
            String result = await(p.getMetadata().getName(), start);
            out.println(groupOf(p) + ": " + result);
            if (result.startsWith("ERROR")) {
                exit = 7;
            }
        }
        return exit;
    }

    private int restart() throws Exception {
        if (args.isEmpty()) {
            out.println("Error: restart requires a process name");
            return 2;
        }
        List<String> unknown = new ArrayList<>();
        List<SupervisedProgram> targets = targets(args, unknown);
        int exit = unknown.isEmpty() ? 0 : 1;
        unknown.forEach(u -> out.println(u + ": ERROR (no such process)"));
        for (SupervisedProgram p : targets) {
            Kubectl.Result r = kubectl.run(List.of("annotate", "--overwrite", "supervisedprograms.kupervisor.io",
                    p.getMetadata().getName(), SupervisedProgram.RESTART_ANNOTATION + "=" + Instant.now()));
            if (r.exit() != 0) {
                out.println(groupOf(p) + ": ERROR (" + r.err().strip() + ")");
                exit = 1;
                continue;
            }
            out.println(groupOf(p) + ": stopped");
            String result = await(p.getMetadata().getName(), true);
            out.println(groupOf(p) + ": " + result);
        }
        return exit;
    }

    private int tail() throws Exception {
        boolean follow = false;
        String name = null;
        String channel = "stdout";
        for (String a : args) {
            if (a.equals("-f")) {
                follow = true;
            } else if (a.startsWith("-")) {
                out.println("Error: bad argument " + a);
                return 1;
            } else if (name == null) {
                name = a;
            } else {
                channel = a;
            }
        }
        if (name == null) {
            out.println("Error: too few arguments");
            return 1;
        }
        if (!channel.equals("stdout") && !channel.equals("stderr")) {
            out.println("Error: bad channel '" + channel + "'");
            return 1;
        }
        List<Line> lines = lines(programs());
        String n = name;
        Line line = lines.stream().filter(l -> l.namespec().equals(n)).findFirst()
                .or(() -> lines.stream().filter(l -> matches(l, n)).findFirst()).orElse(null);
        if (line == null) {
            out.println(name + ": ERROR (no such process name)");
            return 1;
        }
        String pod = line.program().getStatus().processes.stream()
                .filter(ps -> line.namespec().endsWith(ps.name)).map(ps -> ps.pod).findFirst().orElse(null);
        if (pod == null) {
            out.println(name + ": ERROR (no log file)");
            return 1;
        }
        // a pod's log holds stdout and stderr together (Kubernetes keeps no separate stderr)
        List<String> cmd = new ArrayList<>(List.of("logs", pod));
        if (follow) {
            out.println("==> Press Ctrl-C to exit <==");
            cmd.add("-f");
            return kubectl.inherit(cmd) == 0 ? 0 : 1;
        }
        cmd.add("--limit-bytes=1600");
        Kubectl.Result r = kubectl.run(cmd);
        out.println(r.out());
        return r.exit() == 0 ? 0 : 1;
    }

    private static boolean isRunningSet(SupervisedProgram p) {
        List<ProcessStatus> ps = p.getStatus() == null ? List.of() : p.getStatus().processes;
        return ps.stream().anyMatch(s -> List.of("STARTING", "RUNNING", "BACKOFF").contains(s.state));
    }

    private static String stateOf(SupervisedProgram p) {
        return p.getSpec().state == null ? "running" : p.getSpec().state.toString().toLowerCase(java.util.Locale.ROOT);
    }

    /** Waits as supervisorctl does: until RUNNING (or a failure) for start, a stopped state for stop. */
    private String await(String resource, boolean start) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(timeoutSeconds));
        while (Instant.now().isBefore(deadline)) {
            Kubectl.Result r = kubectl.run(List.of("get", "supervisedprograms.kupervisor.io", resource, "-o", "json"));
            if (r.exit() == 0) {
                SupervisedProgram p = Serialization.unmarshal(r.out(), SupervisedProgram.class);
                List<ProcessStatus> ps = p.getStatus() == null ? List.of() : p.getStatus().processes;
                if (!ps.isEmpty()) {
                    if (start && ps.stream().allMatch(s -> "RUNNING".equals(s.state))) {
                        return "started";
                    }
                    if (start && ps.stream().anyMatch(s -> "FATAL".equals(s.state))) {
                        return "ERROR (spawn error)";
                    }
                    if (!start && ps.stream().allMatch(s -> List.of("STOPPED", "EXITED", "FATAL").contains(s.state))) {
                        return "stopped";
                    }
                }
            }
            Thread.sleep(500);
        }
        return "ERROR (timed out after " + timeoutSeconds + " s)";
    }

    /** supervisorctl's group of a program: [group:x] (spec.group), else the program's own name. */
    static String groupOf(SupervisedProgram p) {
        if (p.getSpec().group != null && !p.getSpec().group.isBlank()) {
            return p.getSpec().group;
        }
        return p.getSpec().programName != null ? p.getSpec().programName : p.getMetadata().getName();
    }

    /** The list type kubectl returns. */
    public static final class SupervisedProgramList
            extends io.fabric8.kubernetes.api.model.DefaultKubernetesResourceList<SupervisedProgram> {
    }

}
