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
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code kubectl supervisorctl}: supervisorctl's commands for the SupervisedPrograms of a
 * namespace, in supervisorctl's output format and exit codes. stop holds the processes named
 * stopped in their program's spec ({@code spec.stoppedProcesses}, or {@code spec.state: stopped}
 * when it is all of them), start releases them, restart is stop then start; each waits for the
 * operator's answer in the status. tail reads the process pod's log.
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
            "Commands: status [NAME...], start|stop|restart NAME... (NAME: PROCESS, GROUP:PROCESS, GROUP:*, all, or "
                + "a SupervisedProgram's name for all its processes), tail [-f] [-BYTES] NAME [stdout|stderr], avail.",
            "",
            "stop holds the processes stopped in their program's spec (spec.stoppedProcesses; spec.state: stopped when "
                + "it is all of them) and start releases them, so the operator stops or starts those processes and "
                + "leaves the others alone; restart is stop, then start. Each waits for the result, start for RUNNING.",
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

    /** supervisord's RUNNING_STATES: {@code start} says "already started", {@code stop} acts. */
    private static final List<String> RUNNING_STATES = List.of("STARTING", "RUNNING", "BACKOFF");
    /** supervisord's STOPPED_STATES: where a stop ends. */
    private static final List<String> STOPPED_STATES = List.of("STOPPED", "EXITED", "FATAL");
    /** Patches refused because the program changed meanwhile are tried again this many times. */
    private static final int CONFLICT_TRIES = 10;

    /** One process of a program, as its status shows it. */
    record Proc(SupervisedProgram program, String group, String name, ProcessStatus status) {
        String namespec() {
            return Namespec.of(group, name).toString();
        }

        String resource() {
            return program.getMetadata().getName();
        }

        boolean running() {
            return RUNNING_STATES.contains(status.state);
        }
    }

    private static List<Proc> procs(List<SupervisedProgram> programs) {
        List<Proc> out = new ArrayList<>();
        for (SupervisedProgram p : programs) {
            for (ProcessStatus ps : p.getStatus() == null ? List.<ProcessStatus>of() : p.getStatus().processes) {
                out.add(new Proc(p, groupOf(p), ps.name, ps));
            }
        }
        out.sort(Comparator.comparing(Proc::namespec));
        return out;
    }

    /**
     * What a name picks, as supervisorctl reads it: {@code all}, {@code GROUP:*}, {@code GROUP:NAME},
     * {@code NAME} (the process NAME of group NAME); and kubectl's name of a program for all its
     * processes. {@code group}: results are said only for the processes acted on, as supervisord's
     * group calls do. {@code error}: why nothing is picked, in supervisorctl's words.
     */
    record Pick(List<Proc> procs, boolean group, String error) {
    }

    static Pick pick(List<SupervisedProgram> programs, String name) {
        List<Proc> all = procs(programs);
        if (name.equals("all")) {
            return new Pick(all, true, null);
        }
        Namespec n = Namespec.parse(name);
        if (n.isWholeGroup()) {
            List<Proc> group = all.stream().filter(p -> p.group().equals(n.group())).toList();
            if (!group.isEmpty()) {
                return new Pick(group, true, null);
            }
            return new Pick(List.of(), true, unseen(programs).anyMatch(p -> groupOf(p).equals(n.group()))
                    ? notSeen(name) : n.group() + ": ERROR (no such group)");
        }
        List<Proc> one = all.stream().filter(p -> p.group().equals(n.group()) && p.name().equals(n.process())).toList();
        if (!one.isEmpty()) {
            return new Pick(one, false, null);
        }
        List<Proc> program = all.stream().filter(p -> p.resource().equals(name)).toList();
        if (!program.isEmpty()) {
            return new Pick(program, true, null);
        }
        boolean unseen = unseen(programs).anyMatch(p -> p.getMetadata().getName().equals(name)
                || groupOf(p).equals(n.group()));
        return new Pick(List.of(), false, unseen ? notSeen(name) : name + ": ERROR (no such process)");
    }

    /** Programs without processes in their status: the operator has not seen them (yet). */
    private static java.util.stream.Stream<SupervisedProgram> unseen(List<SupervisedProgram> programs) {
        return programs.stream().filter(p -> p.getStatus() == null || p.getStatus().processes.isEmpty());
    }

    /** A program the operator has not written a status for: its processes are not known yet. */
    private static String notSeen(String name) {
        return name + ": ERROR (no status yet: is the kupervisor operator running?)";
    }

    private int startOrStop(boolean start) throws KubectlFailure, InterruptedException {
        String verb = start ? "start" : "stop";
        if (args.isEmpty()) {
            out.println("Error: " + verb + " requires a process name");
            String v = start ? "Start" : "Stop";
            out.println(verb + " <name>\t\t" + v + " a process");
            out.println(verb + " <gname>:*\t\t" + v + " all processes in a group");
            out.println(verb + " <name> <name>\t" + v + " multiple processes or groups");
            out.println(verb + " all\t\t" + v + " all processes");
            // supervisorctl: 2 for start, 1 for stop
            return start ? picocli.CommandLine.ExitCode.USAGE : 1;
        }
        return act(start);
    }

    private int restart() throws KubectlFailure, InterruptedException {
        if (args.isEmpty()) {
            out.println("Error: restart requires a process name");
            out.println("restart <name>\t\tRestart a process");
            out.println("restart <gname>:*\tRestart all processes in a group");
            out.println("restart <name> <name>\tRestart multiple processes or groups");
            out.println("restart all\t\tRestart all processes");
            out.println("Note: restart does not reread config files. For that, see reread and update.");
            return 1;
        }
        // supervisorctl's restart is its stop, then its start, of the same names
        int stopped = act(false);
        int started = act(true);
        return started != 0 ? started : stopped;
    }

    /**
     * supervisorctl start or stop of each name in turn (all: everything at once), each waiting for
     * its result. The exit status is that of the last failure, as supervisorctl's.
     */
    private int act(boolean start) throws KubectlFailure, InterruptedException {
        int exit = 0;
        for (String name : args.contains("all") ? List.of("all") : args) {
            Pick pick = pick(programs(), name);
            int e;
            if (pick.error() != null) {
                out.println(pick.error());
                // an unknown group is a usage error for start (2), any other unknown name a failure (1)
                e = start && pick.group() ? picocli.CommandLine.ExitCode.USAGE : 1;
            } else {
                e = start ? start(pick) : stop(pick);
            }
            exit = e != 0 ? e : exit;
        }
        out.flush();
        return exit;
    }

    /** supervisorctl stop: the process is held stopped by the spec, and the operator stops it. */
    private int stop(Pick pick) throws KubectlFailure, InterruptedException {
        List<Proc> targets = new ArrayList<>();
        for (Proc p : pick.procs()) {
            if (p.running()) {
                targets.add(p);
            } else if (!pick.group()) {
                out.println(p.namespec() + ": ERROR (not running)");
            }
        }
        if (targets.isEmpty()) {
            return 0;
        }
        hold(targets, true);
        int exit = 0;
        for (Map.Entry<Proc, String> r : await(targets, SupervisorctlPlugin::stopResult).entrySet()) {
            out.println(r.getKey().namespec() + ": " + r.getValue());
            exit = r.getValue().startsWith("ERROR") ? 1 : exit;
        }
        return exit;
    }

    /**
     * supervisorctl start: the process is released from the spec's hold, and the operator starts
     * it; then the wait for RUNNING. A process the spec does not hold (EXITED, FATAL, or never
     * started by autostart) is held first, so that its release is a start the operator sees.
     */
    private int start(Pick pick) throws KubectlFailure, InterruptedException {
        List<Proc> targets = new ArrayList<>();
        for (Proc p : pick.procs()) {
            if (!p.running()) {
                targets.add(p);
            } else if (!pick.group()) {
                out.println(p.namespec() + ": ERROR (already started)");
            }
        }
        if (targets.isEmpty()) {
            return 0;
        }
        List<Proc> free = targets.stream().filter(p -> !Holds.held(p.program(), names(p.program())).contains(p.name()))
                .toList();
        Map<Proc, String> failed = new java.util.LinkedHashMap<>();
        if (!free.isEmpty()) {
            hold(free, true);
            await(free, ps -> ps == null || Boolean.TRUE.equals(ps.heldStopped) ? "held" : null).forEach((p, r) -> {
                if (!r.equals("held")) {
                    failed.put(p, r);
                }
            });
        }
        List<Proc> go = targets.stream().filter(p -> !failed.containsKey(p)).toList();
        Map<Proc, String> results = new java.util.TreeMap<>(Comparator.comparing(Proc::namespec));
        results.putAll(failed);
        if (!go.isEmpty()) {
            hold(go, false);
            results.putAll(await(go, SupervisorctlPlugin::startResult));
        }
        int exit = 0;
        for (Map.Entry<Proc, String> r : results.entrySet()) {
            out.println(r.getKey().namespec() + ": " + r.getValue());
            exit = r.getValue().startsWith("ERROR") ? UNREACHABLE : exit;
        }
        return exit;
    }

    /** A stop has ended once the operator holds the process and it reached a stopped state. */
    static String stopResult(ProcessStatus ps) {
        if (ps == null || Boolean.TRUE.equals(ps.heldStopped) && STOPPED_STATES.contains(ps.state)) {
            return "stopped";
        }
        return null;
    }

    /**
     * A start, once the operator released the process: RUNNING is started; a start that failed
     * (BACKOFF, FATAL: supervisord's spawnerr) a spawn error; a stopped state with nothing pending
     * an abnormal termination (supervisord's words for each).
     */
    static String startResult(ProcessStatus ps) {
        if (ps == null) {
            return "ERROR (no such process)";
        }
        if (Boolean.TRUE.equals(ps.heldStopped)) {
            return null;
        }
        if ("RUNNING".equals(ps.state)) {
            return "started";
        }
        if ("BACKOFF".equals(ps.state) || "FATAL".equals(ps.state)) {
            return "ERROR (spawn error)";
        }
        if (("STOPPED".equals(ps.state) || "EXITED".equals(ps.state)) && ps.pendingAfterStop == null) {
            return "ERROR (abnormal termination)";
        }
        return null;
    }

    private static List<String> names(SupervisedProgram p) {
        return p.getStatus() == null ? List.of() : p.getStatus().processes.stream().map(ps -> ps.name).toList();
    }

    /**
     * Holds (or releases) the processes in their programs' specs: one merge patch per program,
     * conditional on the version read, read again and redone when the program changed meanwhile.
     */
    private void hold(List<Proc> procs, boolean hold) throws KubectlFailure, InterruptedException {
        Map<String, List<String>> byProgram = new java.util.LinkedHashMap<>();
        procs.forEach(p -> byProgram.computeIfAbsent(p.resource(), k -> new ArrayList<>()).add(p.name()));
        for (Map.Entry<String, List<String>> e : byProgram.entrySet()) {
            for (int attempt = 1; ; attempt++) {
                SupervisedProgram p = Serialization.unmarshal(kubectl(List.of("get", "supervisedprograms.kupervisor.io",
                        e.getKey(), "-o", "json")).out(), SupervisedProgram.class);
                Optional<String> patch = hold ? Holds.patch(p, names(p), e.getValue(), List.of())
                        : Holds.patch(p, names(p), List.of(), e.getValue());
                if (patch.isEmpty()) {
                    break;
                }
                Kubectl.Result r;
                try {
                    r = kubectl.run(List.of("patch", "supervisedprograms.kupervisor.io", e.getKey(), "--type", "merge",
                            "-p", patch.get()));
                } catch (java.io.IOException ex) {
                    throw new KubectlFailure("error: cannot run kubectl (" + ex.getMessage() + ")", true);
                }
                if (r.exit() == 0) {
                    break;
                }
                if (!r.err().contains("(Conflict)") || attempt == CONFLICT_TRIES) {
                    throw new KubectlFailure(Kubectl.lastWords(r.err()), Kubectl.unreachable(r.err()));
                }
            }
        }
    }

    /**
     * Waits as supervisorctl does, up to --timeout: {@code result} gives each process's result from
     * its status (null: not yet; the status is read again every half second).
     */
    private Map<Proc, String> await(List<Proc> procs, java.util.function.Function<ProcessStatus, String> result)
            throws KubectlFailure, InterruptedException {
        Map<Proc, String> results = new java.util.TreeMap<>(Comparator.comparing(Proc::namespec));
        Instant deadline = Instant.now().plus(Duration.ofSeconds(timeoutSeconds));
        while (true) {
            List<SupervisedProgram> programs = programs();
            for (Proc p : procs) {
                if (results.containsKey(p)) {
                    continue;
                }
                ProcessStatus ps = programs.stream().filter(x -> x.getMetadata().getName().equals(p.resource()))
                        .flatMap(x -> x.getStatus() == null ? java.util.stream.Stream.empty() : x.getStatus().processes.stream())
                        .filter(s -> s.name.equals(p.name())).findFirst().orElse(null);
                String r = result.apply(ps);
                if (r != null) {
                    results.put(p, r);
                }
            }
            if (results.size() == procs.size()) {
                return results;
            }
            if (!Instant.now().isBefore(deadline)) {
                break;
            }
            Thread.sleep(500);
        }
        for (Proc p : procs) {
            results.putIfAbsent(p, "ERROR (timed out after " + timeoutSeconds + " s)");
        }
        return results;
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
