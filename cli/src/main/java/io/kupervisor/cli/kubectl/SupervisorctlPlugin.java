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
        mixinStandardHelpOptions = true,
        versionProvider = io.kupervisor.cli.common.Version.class,
        header = "supervisorctl for SupervisedPrograms: status, start, stop, restart, tail [-f], avail.",
        description = {
            "supervisorctl's commands for the SupervisedPrograms of a namespace, with supervisorctl's output and "
                + "exit statuses. On the PATH as kubectl-supervisorctl (bin/) it is 'kubectl supervisorctl ...', "
                + "and it talks to the cluster through kubectl, with kubectl's kubeconfig, context and namespace.",
            "",
            "Commands: status [NAME...], start|stop|restart NAME... (NAME: a program, GROUP:*, GROUP:PROCESS or "
                + "all), tail [-f] [-BYTES] NAME [stdout|stderr], avail.",
            "",
            "Exit status: 0 done; 1 an error; 2 a usage error; 3 status shows a process not running; 4 status of an "
                + "unknown name; 7 no cluster reached, or a start that ended in a spawn error."})
public final class SupervisorctlPlugin implements Callable<Integer> {
    /** supervisorctl's exit status when the server cannot be reached (and for a failed start). */
    static final int UNREACHABLE = 7;

    @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = "The namespace (default: kubectl's).")
    String namespace;

    @Option(names = "--context", paramLabel = "CTX", description = "The kubeconfig context (default: kubectl's).")
    String context;

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "The kubeconfig file (default: kubectl's).")
    String kubeconfig;

    @Option(names = "--kubectl", paramLabel = "PATH", description = "The kubectl to run (default: $KUBECTL, else kubectl on the PATH).")
    String kubectlBinary;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "How long start, stop and restart wait for the state, in seconds (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Parameters(index = "0", arity = "0..1", paramLabel = "COMMAND", description = "status, start, stop, restart, tail or avail.")
    String command;

    @Parameters(index = "1..*", paramLabel = "ARGS", description = "The command's arguments.")
    List<String> args = new ArrayList<>();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private Kubectl kubectl;
    private final PrintStream out = System.out;

    /** kubectl could not do what was asked; its own words, for one line on stderr. */
    static final class KubectlFailure extends Exception {
        final boolean unreachable;

        KubectlFailure(String message, boolean unreachable) {
            super(message, null, false, false);
            this.unreachable = unreachable;
        }
    }

    @Override
    public Integer call() {
        if (command == null) {
            java.io.PrintWriter err = spec.commandLine().getErr();
            err.println("kubectl-supervisorctl: a command is needed (status, start, stop, restart, tail, avail)");
            spec.commandLine().usage(err);
            err.flush();
            return picocli.CommandLine.ExitCode.USAGE;
        }
        try {
            return dispatch();
        } catch (KubectlFailure e) {
            // one line, as kubectl says it
            System.err.println(e.getMessage());
            return e.unreachable ? UNREACHABLE : 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private int dispatch() throws KubectlFailure, InterruptedException {
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
                System.err.println("kubectl-supervisorctl: unknown command '" + command
                        + "' (status, start, stop, restart, tail, avail)");
                yield picocli.CommandLine.ExitCode.USAGE;
            }
        };
    }

    /** Runs kubectl; a failure becomes a {@link KubectlFailure} with kubectl's own last words. */
    private Kubectl.Result kubectl(List<String> args) throws KubectlFailure, InterruptedException {
        Kubectl.Result r;
        try {
            r = kubectl.run(args);
        } catch (java.io.IOException e) {
            throw new KubectlFailure("error: cannot run kubectl (" + e.getMessage() + "); put kubectl on the PATH, "
                    + "or set KUBECTL or --kubectl", true);
        }
        if (r.exit() != 0) {
            throw new KubectlFailure(Kubectl.lastWords(r.err()), Kubectl.unreachable(r.err()));
        }
        return r;
    }

    // ---- reading ----

    private List<SupervisedProgram> programs() throws KubectlFailure, InterruptedException {
        Kubectl.Result r = kubectl(List.of("get", "supervisedprograms.kupervisor.io", "-o", "json"));
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

    private int status() throws KubectlFailure, InterruptedException {
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

    private int avail() throws KubectlFailure, InterruptedException {
        for (SupervisedProgram p : programs()) {
            String auto = p.getSpec().autostart == null || p.getSpec().autostart ? "auto" : "manual";
            out.println(String.format("%-32s %-9s %-9s %s", groupOf(p), "in use", auto,
                    p.getSpec().priority + ":" + p.getSpec().priority));
        }
        return 0;
    }

    // ---- acting ----

    /**
     * The programs named (a program, GROUP:*, all), and in {@code partial} the names that pick one
     * process of a program that has several: the operator starts and stops whole programs
     * ({@code spec.state}), so those are refused rather than widened to the whole program.
     */
    private List<SupervisedProgram> targets(List<String> names, List<String> unknown, List<String> partial)
            throws KubectlFailure, InterruptedException {
        List<SupervisedProgram> all = programs();
        if (names.contains("all")) {
            return all;
        }
        List<SupervisedProgram> out = new ArrayList<>();
        List<Line> lines = lines(all);
        for (String n : names) {
            List<Line> matched = lines.stream().filter(l -> matches(l, n)).toList();
            if (matched.isEmpty()) {
                unknown.add(n);
                continue;
            }
            for (SupervisedProgram p : matched.stream().map(Line::program).distinct().toList()) {
                long processes = lines.stream().filter(l -> l.program() == p).count();
                long picked = matched.stream().filter(l -> l.program() == p).count();
                if (picked < processes && !n.equals(p.getMetadata().getName()) && !n.equals(groupOf(p))) {
                    partial.add(n);
                } else if (!out.contains(p)) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    private int refusals(List<String> unknown, List<String> partial) {
        for (String u : unknown) {
            out.println(u + ": ERROR (no such process)");
        }
        for (String p : partial) {
            out.println(p + ": ERROR (one process of a program with several: the operator starts and stops"
                    + " whole programs; name the program or GROUP:*)");
        }
        return unknown.isEmpty() && partial.isEmpty() ? 0 : 1;
    }

    private int startOrStop(boolean start) throws KubectlFailure, InterruptedException {
        String verb = start ? "start" : "stop";
        if (args.isEmpty()) {
            out.println("Error: " + verb + " requires a process name");
            out.println(verb + " <name>\t\t" + (start ? "Start" : "Stop") + " a process");
            out.println(verb + " <gname>:*\t\t" + (start ? "Start" : "Stop") + " all processes in a group");
            out.println(verb + " all\t\t\t" + (start ? "Start" : "Stop") + " all processes");
            return picocli.CommandLine.ExitCode.USAGE;
        }
        List<String> unknown = new ArrayList<>();
        List<String> partial = new ArrayList<>();
        List<SupervisedProgram> targets = targets(args, unknown, partial);
        int exit = refusals(unknown, partial);
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
            kubectl(List.of("patch", "supervisedprograms.kupervisor.io", p.getMetadata().getName(),
                    "--type", "merge", "-p", "{\"spec\":{\"state\":\"" + (start ? "running" : "stopped") + "\"}}"));
            String result = await(p.getMetadata().getName(), start);
            out.println(groupOf(p) + ": " + result);
            if (result.startsWith("ERROR")) {
                exit = start ? UNREACHABLE : 1;
            }
        }
        return exit;
    }

    private int restart() throws KubectlFailure, InterruptedException {
        if (args.isEmpty()) {
            out.println("Error: restart requires a process name");
            out.println("restart <name>\t\tRestart a process");
            out.println("restart <gname>:*\tRestart all processes in a group");
            out.println("restart all\t\tRestart all processes");
            return picocli.CommandLine.ExitCode.USAGE;
        }
        List<String> unknown = new ArrayList<>();
        List<String> partial = new ArrayList<>();
        List<SupervisedProgram> targets = targets(args, unknown, partial);
        int exit = refusals(unknown, partial);
        for (SupervisedProgram p : targets) {
            kubectl(List.of("annotate", "--overwrite", "supervisedprograms.kupervisor.io",
                    p.getMetadata().getName(), SupervisedProgram.RESTART_ANNOTATION + "=" + Instant.now()));
            out.println(groupOf(p) + ": stopped");
            String result = await(p.getMetadata().getName(), true);
            out.println(groupOf(p) + ": " + result);
            if (result.startsWith("ERROR")) {
                exit = UNREACHABLE;
            }
        }
        return exit;
    }

    /** supervisorctl's default: the last 1600 bytes of the log. */
    static final int TAIL_BYTES = 1600;

    private int tail() throws KubectlFailure, InterruptedException {
        boolean follow = false;
        long bytes = TAIL_BYTES;
        String name = null;
        String channel = "stdout";
        for (String a : args) {
            if (a.equals("-f")) {
                follow = true;
            } else if (a.matches("-[0-9]+")) {
                bytes = Long.parseLong(a.substring(1));
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
        String process = processName(line);
        String pod = line.program().getStatus() == null ? null : line.program().getStatus().processes.stream()
                .filter(ps -> ps.name.equals(process)).map(ps -> ps.pod).filter(java.util.Objects::nonNull)
                .findFirst().orElse(null);
        if (pod == null) {
            // EXITED, FATAL, STOPPED: the last run's pod is kept, terminated, with its log
            pod = lastPod(line.program().getMetadata().getName(), process);
        }
        if (pod == null) {
            out.println(name + ": ERROR (no log file)");
            return 1;
        }
        // a pod's log holds stdout and stderr together (Kubernetes keeps no separate stderr)
        List<String> cmd = new ArrayList<>(List.of("logs", pod));
        if (follow) {
            out.println("==> Press Ctrl-C to exit <==");
            out.flush();
            cmd.add("-f");
            cmd.add("--tail=" + Math.max(1, bytes / 80)); // about supervisorctl's 1600 bytes, then what comes
            try {
                return kubectl.inherit(cmd) == 0 ? 0 : 1;
            } catch (java.io.IOException e) {
                throw new KubectlFailure("error: cannot run kubectl (" + e.getMessage() + ")", true);
            }
        }
        // the END of the log, as supervisorctl's tail: at least `bytes` lines hold at least `bytes` bytes
        cmd.add("--tail=" + Math.max(1, bytes));
        String log = kubectl(cmd).out();
        out.print(lastBytes(log, bytes));
        out.flush();
        return 0;
    }

    /** The last {@code n} bytes of a text, as UTF-8 (a character cut at the start is dropped). */
    static String lastBytes(String text, long n) {
        byte[] b = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (b.length <= n) {
            return text;
        }
        int from = (int) (b.length - n);
        while (from < b.length && (b[from] & 0xC0) == 0x80) {
            from++; // not in the middle of a character
        }
        return new String(b, from, b.length - from, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String processName(Line line) {
        String spec = line.namespec();
        int colon = spec.indexOf(':');
        return colon < 0 ? spec : spec.substring(colon + 1);
    }

    /** The newest pod of a process (highest spawn), running or kept after it terminated. */
    private String lastPod(String program, String process) throws KubectlFailure, InterruptedException {
        Kubectl.Result r = kubectl(List.of("get", "pods", "-l", "kupervisor.io/program=" + program, "-o", "json"));
        io.fabric8.kubernetes.api.model.PodList pods = Serialization.unmarshal(r.out(),
                io.fabric8.kubernetes.api.model.PodList.class);
        return pods.getItems().stream()
                .filter(p -> process.equals(p.getMetadata().getAnnotations() == null ? null
                        : p.getMetadata().getAnnotations().get("kupervisor.io/process-name")))
                .max(Comparator.comparingLong(p -> spawnOf(p)))
                .map(p -> p.getMetadata().getName()).orElse(null);
    }

    private static long spawnOf(io.fabric8.kubernetes.api.model.Pod p) {
        String s = p.getMetadata().getLabels() == null ? null : p.getMetadata().getLabels().get("kupervisor.io/spawn");
        try {
            return s == null ? 0 : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static boolean isRunningSet(SupervisedProgram p) {
        List<ProcessStatus> ps = p.getStatus() == null ? List.of() : p.getStatus().processes;
        return ps.stream().anyMatch(s -> List.of("STARTING", "RUNNING", "BACKOFF").contains(s.state));
    }

    private static String stateOf(SupervisedProgram p) {
        return p.getSpec().state == null ? "running" : p.getSpec().state.toString().toLowerCase(java.util.Locale.ROOT);
    }

    /** Waits as supervisorctl does: until RUNNING (or a failure) for start, a stopped state for stop. */
    private String await(String resource, boolean start) throws KubectlFailure, InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(timeoutSeconds));
        while (Instant.now().isBefore(deadline)) {
            Kubectl.Result r = kubectl(List.of("get", "supervisedprograms.kupervisor.io", resource, "-o", "json"));
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
