package io.kupervisor.supervisord.rpc;

import io.kupervisor.core.config.ConfigException;
import io.kupervisor.core.config.LogFile;
import io.kupervisor.core.config.LogSettings;
import io.kupervisor.core.config.Namespec;
import io.kupervisor.core.config.ProcessConfig;
import io.kupervisor.core.config.ProcessGroupConfig;
import io.kupervisor.core.state.Outcome;
import io.kupervisor.core.state.ProcessEvent;
import io.kupervisor.core.state.ProcessSnapshot;
import io.kupervisor.core.state.ProcessState;
import io.kupervisor.core.state.Signals;
import io.kupervisor.core.status.ProcessDescription;
import io.kupervisor.supervisord.GroupDiff;
import io.kupervisor.supervisord.Supervisor;
import io.kupervisor.supervisord.SupervisorState;
import io.kupervisor.supervisord.log.LogReader;
import io.kupervisor.supervisord.log.MainLog;
import io.kupervisor.supervisord.process.ExecResolver;
import io.kupervisor.supervisord.process.ProcessGroup;
import io.kupervisor.supervisord.process.Subprocess;

import java.io.IOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * supervisord's {@code SupervisorNamespaceRPCInterface} (supervisor 4.2.5 {@code rpcinterface.py})
 * on kupervisor's daemon: same methods, same checks in the same order, same fault codes and texts,
 * same result structs. Every method's work runs on the daemon's loop thread; the deferred answers
 * of supervisord ({@code startProcess} with wait, group and all variants) are futures completed
 * on the loop when the state machine gets there.
 */
final class SupervisorNamespace {
    static final String API_VERSION = "3.0";
    static final String SUPERVISOR_VERSION = "4.2.5";
    /** The largest log slice one call returns (supervisord has no bound). */
    static final long MAX_LOG_READ = 8L * 1024 * 1024;
    /** How long answers of a group call are gathered before they are reported in process order. */
    static final Duration POLL_WINDOW = Duration.ofMillis(50);

    private final Supervisor sup;
    private final ZoneId zone;
    private final StdinWriter stdin = new StdinWriter();

    SupervisorNamespace(Supervisor sup, ZoneId zone) {
        this.sup = sup;
        this.zone = zone;
    }

    /** The methods in rpcinterface.py's order. */
    List<RpcMethod> methods() {
        List<RpcMethod> m = new ArrayList<>();
        m.add(RpcMethod.of("getAPIVersion", 0, a -> loop(() -> {
            update();
            return API_VERSION;
        })));
        m.add(RpcMethod.of("getVersion", 0, a -> loop(() -> {
            update();
            return API_VERSION;
        })));
        m.add(RpcMethod.of("getSupervisorVersion", 0, a -> loop(() -> {
            update();
            return SUPERVISOR_VERSION;
        })));
        m.add(RpcMethod.of("getIdentification", 0, a -> loop(() -> {
            update();
            return sup.config().supervisord().identifier();
        })));
        m.add(RpcMethod.of("getState", 0, a -> loop(() -> {
            update();
            SupervisorState mood = sup.mood();
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("statecode", mood.code());
            s.put("statename", mood.name());
            return s;
        })));
        m.add(RpcMethod.of("getPID", 0, a -> loop(() -> {
            update();
            return (int) ProcessHandle.current().pid();
        })));
        m.add(RpcMethod.of("readLog", 2, a -> readLog(a.get(0), a.get(1))));
        m.add(RpcMethod.of("readMainLog", 2, a -> readLog(a.get(0), a.get(1))));
        m.add(RpcMethod.of("clearLog", 0, a -> loop(this::clearLog)));
        m.add(RpcMethod.of("shutdown", 0, a -> loop(() -> {
            update();
            sup.shutdown();
            return true;
        })));
        m.add(RpcMethod.of("restart", 0, a -> loop(() -> {
            update();
            sup.restart();
            return true;
        })));
        m.add(RpcMethod.of("reloadConfig", 0, a -> reloadConfig()));
        m.add(RpcMethod.of("addProcessGroup", 1, a -> loop(() -> addProcessGroup(a.get(0)))));
        m.add(RpcMethod.of("removeProcessGroup", 1, a -> loop(() -> removeProcessGroup(a.get(0)))));
        m.add(RpcMethod.of("startProcess", 1, 2, a -> loop(() -> startProcess(str(a.get(0)), wait(a, 1)))));
        m.add(RpcMethod.of("startProcessGroup", 1, 2, a -> loop(() -> startProcessGroup(str(a.get(0)), wait(a, 1)))));
        m.add(RpcMethod.of("startAllProcesses", 0, 1, a -> loop(() -> startAllProcesses(wait(a, 0)))));
        m.add(RpcMethod.of("stopProcess", 1, 2, a -> loop(() -> stopProcess(str(a.get(0)), wait(a, 1)))));
        m.add(RpcMethod.of("stopProcessGroup", 1, 2, a -> loop(() -> stopProcessGroup(str(a.get(0)), wait(a, 1)))));
        m.add(RpcMethod.of("stopAllProcesses", 0, 1, a -> loop(() -> stopAllProcesses(wait(a, 0)))));
        m.add(RpcMethod.of("signalProcess", 2, a -> loop(() -> signalProcess(str(a.get(0)), a.get(1)))));
        m.add(RpcMethod.of("signalProcessGroup", 2, a -> loop(() -> signalProcessGroup(str(a.get(0)), a.get(1)))));
        m.add(RpcMethod.of("signalAllProcesses", 1, a -> loop(() -> signalAllProcesses(a.get(0)))));
        m.add(RpcMethod.of("getAllConfigInfo", 0, a -> loop(this::getAllConfigInfo)));
        m.add(RpcMethod.of("getProcessInfo", 1, a -> loop(() -> {
            update();
            return getProcessInfo(str(a.get(0)));
        })));
        m.add(RpcMethod.of("getAllProcessInfo", 0, a -> loop(this::getAllProcessInfo)));
        m.add(RpcMethod.of("readProcessStdoutLog", 3, a -> readProcessLog(a, "stdout")));
        m.add(RpcMethod.of("readProcessLog", 3, a -> readProcessLog(a, "stdout")));
        m.add(RpcMethod.of("readProcessStderrLog", 3, a -> readProcessLog(a, "stderr")));
        m.add(RpcMethod.of("tailProcessStdoutLog", 3, a -> tailProcessLog(a, "stdout")));
        m.add(RpcMethod.of("tailProcessLog", 3, a -> tailProcessLog(a, "stdout")));
        m.add(RpcMethod.of("tailProcessStderrLog", 3, a -> tailProcessLog(a, "stderr")));
        m.add(RpcMethod.of("clearProcessLogs", 1, a -> loop(() -> {
            update();
            return clearProcessLogs(str(a.get(0)));
        })));
        m.add(RpcMethod.of("clearProcessLog", 1, a -> loop(() -> {
            update();
            return clearProcessLogs(str(a.get(0)));
        })));
        m.add(RpcMethod.of("clearAllProcessLogs", 0, a -> loop(this::clearAllProcessLogs)));
        m.add(RpcMethod.of("sendProcessStdin", 2, a -> loop(() -> sendProcessStdin(a.get(0), a.get(1)))));
        m.add(RpcMethod.of("sendRemoteCommEvent", 2, a -> loop(() -> {
            // no mood check, as in supervisord; events are not delivered yet (no event listeners)
            sup.log(io.kupervisor.core.config.LogLevel.DEBUG, "kupervisor: REMOTE_COMMUNICATION event of type "
                    + PyValues.str(a.get(0)) + " not delivered: event listeners are not implemented");
            return true;
        })));
        return m;
    }

    // ---- plumbing ----

    /** Runs on the daemon's loop and waits; faults pass through. */
    private Object loop(Callable<Object> work) {
        try {
            return sup.call(work);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** supervisord's {@code _update}: every call fails with SHUTDOWN_STATE while stopping. */
    private void update() {
        SupervisorState mood = sup.mood();
        if (mood == SupervisorState.RESTARTING || mood == SupervisorState.SHUTDOWN) {
            throw RpcFault.of(Faults.SHUTDOWN_STATE);
        }
    }

    /** A name argument; Python fails on anything but a string (with a 500), kupervisor with a fault. */
    static String str(Object arg) {
        if (arg instanceof String s) {
            return s;
        }
        throw RpcFault.of(Faults.INCORRECT_PARAMETERS);
    }

    private static boolean wait(List<Object> args, int index) {
        return args.size() <= index || PyValues.truthy(args.get(index));
    }

    private static long intArg(Object arg) {
        try {
            return PyValues.toInt(arg);
        } catch (IllegalArgumentException e) {
            throw RpcFault.of(Faults.INCORRECT_PARAMETERS);
        }
    }


    private record Target(ProcessGroup group, Subprocess process) {
    }

    /** {@code _getGroupAndProcess}: BAD_NAME with the name as given. */
    private Target groupAndProcess(String name) {
        Namespec gp = Namespec.parse(name);
        ProcessGroup g = sup.group(gp.group());
        if (g == null) {
            throw RpcFault.of(Faults.BAD_NAME, name);
        }
        if (gp.process() == null) {
            return new Target(g, null);
        }
        Subprocess p = g.process(gp.process());
        if (p == null) {
            throw RpcFault.of(Faults.BAD_NAME, name);
        }
        return new Target(g, p);
    }

    /** Processes by (group priority, group order), then (process priority, name): supervisord's order. */
    private List<Subprocess> allByPriority() {
        List<Subprocess> all = new ArrayList<>();
        for (ProcessGroup g : sup.orderedGroups()) {
            all.addAll(g.processes());
        }
        return all;
    }

    /** Processes by group name, then process name. */
    private List<Subprocess> allLexical() {
        List<ProcessGroup> groups = new ArrayList<>(sup.groups().values());
        groups.sort(Comparator.comparing(ProcessGroup::name));
        List<Subprocess> all = new ArrayList<>();
        for (ProcessGroup g : groups) {
            List<Subprocess> ps = new ArrayList<>(g.processes());
            ps.sort(Comparator.comparing(Subprocess::name));
            all.addAll(ps);
        }
        return all;
    }

    private static Map<String, Object> result(Subprocess p, int status, String description) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("name", p.name());
        r.put("group", p.config().groupName());
        r.put("status", status);
        r.put("description", description);
        return r;
    }

    /**
     * supervisord's {@code make_allfunc}: {@code func} for every process the predicate takes;
     * immediate answers first, in order, then the deferred ones as they complete.
     */
    private Object allFunc(List<Subprocess> processes, Predicate<Subprocess> predicate,
                           Function<String, Object> func) {
        List<Map<String, Object>> results = new ArrayList<>();
        List<Map.Entry<Subprocess, CompletableFuture<?>>> pending = new ArrayList<>();
        for (Subprocess p : processes) {
            if (!predicate.test(p)) {
                continue;
            }
            Object r;
            try {
                r = func.apply(p.namespec());
            } catch (RpcFault f) {
                results.add(result(p, f.code(), f.text()));
                continue;
            }
            if (r instanceof CompletableFuture<?> f) {
                pending.add(Map.entry(p, f));
            } else {
                results.add(result(p, Faults.SUCCESS, "OK"));
            }
        }
        if (pending.isEmpty()) {
            return results;
        }
        CompletableFuture<Object> all = new CompletableFuture<>();
        // supervisord polls the pending answers every 50 ms and takes those done in process order;
        // answers completing within one such window are likewise reported in process order
        boolean[] pollScheduled = {false};
        Runnable poll = () -> {
            pollScheduled[0] = false;
            for (java.util.Iterator<Map.Entry<Subprocess, CompletableFuture<?>>> it = pending.iterator(); it.hasNext(); ) {
                Map.Entry<Subprocess, CompletableFuture<?>> e = it.next();
                if (!e.getValue().isDone()) {
                    continue;
                }
                it.remove();
                try {
                    e.getValue().join();
                    results.add(result(e.getKey(), Faults.SUCCESS, "OK"));
                } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException ex) {
                    Throwable cause = ex.getCause() == null ? ex : ex.getCause();
                    if (cause instanceof RpcFault f) {
                        results.add(result(e.getKey(), f.code(), f.text()));
                    } else {
                        results.add(result(e.getKey(), Faults.FAILED, "FAILED: " + cause));
                    }
                }
            }
            if (pending.isEmpty()) {
                all.complete(results);
            }
        };
        for (Map.Entry<Subprocess, CompletableFuture<?>> e : List.copyOf(pending)) {
            e.getValue().whenComplete((v, ex) -> {
                if (!pollScheduled[0]) {
                    pollScheduled[0] = true;
                    sup.schedule(poll, POLL_WINDOW);
                }
            });
        }
        return all;
    }

    // ---- status and control of supervisord ----

    private Object readLog(Object offset, Object length) {
        Path path = (Path) loop(() -> {
            update();
            MainLog log = sup.mainLog();
            Path p = log == null ? null : log.path();
            if (p == null) {
                throw RpcFault.of(Faults.NO_FILE);
            }
            return p;
        });
        return read(path, offset, length);
    }

    private Object clearLog() {
        update();
        MainLog log = sup.mainLog();
        if (log == null || log.path() == null) {
            throw RpcFault.of(Faults.NO_FILE);
        }
        try {
            log.clear();
        } catch (NoSuchFileException e) {
            throw RpcFault.of(Faults.NO_FILE);
        } catch (IOException e) {
            throw RpcFault.of(Faults.FAILED);
        }
        return true;
    }

    private Object reloadConfig() {
        loop(() -> {
            update();
            return null;
        });
        GroupDiff diff;
        try {
            diff = sup.reread();
        } catch (ConfigException e) {
            throw RpcFault.of(Faults.CANT_REREAD, e.supervisordMessage());
        } catch (IOException e) {
            throw RpcFault.of(Faults.CANT_REREAD, e.getMessage());
        }
        List<Object> added = new ArrayList<>(diff.added().stream().map(ProcessGroupConfig::name).toList());
        List<Object> changed = new ArrayList<>(diff.changed().stream().map(ProcessGroupConfig::name).toList());
        List<Object> removed = new ArrayList<>(diff.removed().stream().map(ProcessGroupConfig::name).toList());
        return List.of(List.of(added, changed, removed));
    }

    private Object addProcessGroup(Object nameArg) {
        update();
        String name = str(nameArg);
        boolean added;
        try {
            added = sup.addProcessGroup(name);
        } catch (IllegalArgumentException e) {
            throw RpcFault.of(Faults.BAD_NAME, name);
        }
        if (!added) {
            throw RpcFault.of(Faults.ALREADY_ADDED, name);
        }
        return true;
    }

    private Object removeProcessGroup(Object nameArg) {
        update();
        String name = str(nameArg);
        if (sup.group(name) == null) {
            throw RpcFault.of(Faults.BAD_NAME, name);
        }
        if (!sup.removeProcessGroup(name)) {
            throw RpcFault.of(Faults.STILL_RUNNING, name);
        }
        return true;
    }

    // ---- starting and stopping ----

    private Object startProcess(String name, boolean wait) {
        update();
        Target t = groupAndProcess(name);
        if (t.process() == null) {
            return startProcessGroup(Namespec.parse(name).group(), wait);
        }
        Subprocess p = t.process();
        ProcessConfig c = p.config();
        try {
            ExecResolver.resolve(c.command(), c.environment(), sup.environment(), sup.cwd());
        } catch (ExecResolver.SpawnError e) {
            throw RpcFault.of(e.kind() == ExecResolver.SpawnError.Kind.NOT_FOUND ? Faults.NO_FILE : Faults.NOT_EXECUTABLE,
                    e.getMessage());
        }
        if (p.state().isRunning()) {
            throw RpcFault.of(Faults.ALREADY_STARTED, name);
        }
        if (p.state() == ProcessState.UNKNOWN) {
            throw RpcFault.of(Faults.FAILED, name + " is in an unknown process state");
        }
        Outcome outcome = p.handle(new ProcessEvent.StartRequested()).outcome();
        if (outcome == Outcome.SHUTTING_DOWN) {
            throw RpcFault.of(Faults.SHUTDOWN_STATE);
        }
        if (p.snapshot().spawnerr() != null) {
            throw RpcFault.of(Faults.SPAWN_ERROR, name);
        }
        if (wait && p.state() != ProcessState.RUNNING) {
            CompletableFuture<Object> f = new CompletableFuture<>();
            sup.whenTrue(() -> p.snapshot().spawnerr() != null || p.state() != ProcessState.STARTING, () -> {
                if (p.snapshot().spawnerr() != null) {
                    f.completeExceptionally(RpcFault.of(Faults.SPAWN_ERROR, name));
                } else if (p.state() == ProcessState.RUNNING) {
                    f.complete(true);
                } else {
                    f.completeExceptionally(RpcFault.of(Faults.ABNORMAL_TERMINATION, name));
                }
            });
            return f;
        }
        return true;
    }

    private Object startProcessGroup(String name, boolean wait) {
        update();
        ProcessGroup g = sup.group(name);
        if (g == null) {
            throw RpcFault.of(Faults.BAD_NAME, name);
        }
        return allFunc(g.processes(), p -> !p.state().isRunning(), n -> startProcess(n, wait));
    }

    private Object startAllProcesses(boolean wait) {
        update();
        return allFunc(allByPriority(), p -> !p.state().isRunning(), n -> startProcess(n, wait));
    }

    private Object stopProcess(String name, boolean wait) {
        update();
        Target t = groupAndProcess(name);
        if (t.process() == null) {
            return stopProcessGroup(Namespec.parse(name).group(), wait);
        }
        Subprocess p = t.process();
        if (!p.state().isRunning()) {
            ProcessSnapshot s = p.snapshot();
            if (s.state() == ProcessState.EXITED && s.delay() != null) {
                // kupervisor's throttled autorestart is pending: the stop cancels it
                p.handle(new ProcessEvent.StopRequested());
            }
            throw RpcFault.of(Faults.NOT_RUNNING, name);
        }
        p.handle(new ProcessEvent.StopRequested());
        if (p.state() == ProcessState.UNKNOWN) {
            throw RpcFault.of(Faults.FAILED, "unknown problem killing " + p.name());
        }
        if (wait && !p.state().isStopped()) {
            CompletableFuture<Object> f = new CompletableFuture<>();
            sup.whenTrue(() -> p.state().isStopped(), () -> f.complete(true));
            return f;
        }
        return true;
    }

    private Object stopProcessGroup(String name, boolean wait) {
        update();
        ProcessGroup g = sup.group(name);
        if (g == null) {
            throw RpcFault.of(Faults.BAD_NAME, name);
        }
        return allFunc(g.processes(), p -> p.state().isRunning(), n -> stopProcess(n, wait));
    }

    private Object stopAllProcesses(boolean wait) {
        update();
        return allFunc(allByPriority(), p -> p.state().isRunning(), n -> stopProcess(n, wait));
    }

    // ---- signals ----

    /** supervisord's {@code signal_number}: a number, or a name with or without SIG. */
    static int signalNumber(Object signal) {
        int num;
        switch (signal) {
            case String s -> num = Signals.parse(s);
            case Integer i -> num = i;
            case Long l -> num = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, l));
            case Boolean b -> num = b ? 1 : 0;
            case Double d -> num = (int) (double) d;
            case null, default -> throw new IllegalArgumentException("not a signal");
        }
        if (!Signals.isValidNumber(num)) {
            throw new IllegalArgumentException("not a valid signal number");
        }
        return num;
    }

    private Object signalProcess(String name, Object signal) {
        update();
        Target t = groupAndProcess(name);
        if (t.process() == null) {
            return signalProcessGroup(Namespec.parse(name).group(), signal);
        }
        Subprocess p = t.process();
        int sig;
        try {
            sig = signalNumber(signal);
        } catch (IllegalArgumentException e) {
            throw RpcFault.of(Faults.BAD_SIGNAL, signal);
        }
        if (!p.state().isSignallable()) {
            throw RpcFault.of(Faults.NOT_RUNNING, name);
        }
        long pid = p.snapshot().pid();
        Outcome outcome = p.handle(new ProcessEvent.SignalRequested(sig)).outcome();
        switch (outcome) {
            case NOT_RUNNING -> throw RpcFault.of(Faults.NOT_RUNNING, name);
            case FAILED -> throw RpcFault.of(Faults.FAILED, "attempted to send " + p.name() + " sig "
                    + Signals.name(sig) + " but it wasn't running");
            default -> {
            }
        }
        if (p.state() == ProcessState.UNKNOWN) {
            throw RpcFault.of(Faults.FAILED, "unknown problem sending sig " + p.name() + " (" + pid + ")");
        }
        return true;
    }

    private Object signalProcessGroup(String name, Object signal) {
        ProcessGroup g = sup.group(name);
        update();
        if (g == null) {
            throw RpcFault.of(Faults.BAD_NAME, name);
        }
        Object result = allFunc(g.processes(), p -> p.state().isSignallable(), n -> signalProcess(n, signal));
        update();
        return result;
    }

    private Object signalAllProcesses(Object signal) {
        Object result = allFunc(allByPriority(), p -> p.state().isSignallable(), n -> signalProcess(n, signal));
        update();
        return result;
    }

    // ---- information ----

    private Object getAllConfigInfo() {
        update();
        List<Map<String, Object>> info = new ArrayList<>();
        for (ProcessGroupConfig gc : sup.availableGroups()) {
            ProcessGroup active = sup.group(gc.name());
            boolean inuse = active != null;
            boolean sameObjects = active != null && active.config() == gc;
            for (ProcessConfig pc : gc.processes()) {
                Subprocess running = sameObjects ? active.process(pc.name()) : null;
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("autostart", pc.autostart());
                d.put("directory", orNone(pc.directory()));
                d.put("uid", pc.user() == null || pc.user().uid() == null ? "none" : pc.user().uid());
                d.put("command", pc.command());
                d.put("exitcodes", new ArrayList<Object>(pc.exitcodes()));
                d.put("group", gc.name());
                d.put("group_prio", gc.priority());
                d.put("inuse", inuse);
                d.put("killasgroup", pc.killasgroup());
                d.put("name", pc.name());
                d.put("process_prio", pc.priority());
                d.put("redirect_stderr", pc.redirectStderr());
                d.put("startretries", pc.startretries());
                d.put("startsecs", pc.startsecs());
                channel(d, "stdout", pc.stdout(), running == null ? null : running.stdoutLogPath(), true);
                d.put("stopsignal", pc.stopsignal());
                d.put("stopwaitsecs", pc.stopwaitsecs());
                channel(d, "stderr", pc.stderr(), running == null ? null : running.stderrLogPath(), false);
                d.put("serverurl", orNone(pc.serverurl()));
                info.add(d);
            }
        }
        info.sort(Comparator.comparing(d -> (String) d.get("name")));
        return info;
    }

    private static void channel(Map<String, Object> d, String ch, LogSettings s, Path autoPath, boolean stdout) {
        d.put(ch + "_capture_maxbytes", number(s.captureMaxbytes()));
        d.put(ch + "_events_enabled", s.eventsEnabled());
        d.put(ch + "_logfile", switch (s.logfile()) {
            case LogFile.None n -> "none";
            case LogFile.File f -> f.path();
            case LogFile.Auto a -> autoPath != null ? autoPath.toString() : "auto";
        });
        d.put(ch + "_logfile_backups", s.logfileBackups());
        d.put(ch + "_logfile_maxbytes", number(s.logfileMaxbytes()));
        d.put(ch + "_syslog", s.syslog());
    }

    private static Object number(long v) {
        return v == (int) v ? (Object) (int) v : (Object) v;
    }

    private static Object orNone(String s) {
        return s == null ? "none" : s;
    }

    private Map<String, Object> getProcessInfo(String name) {
        Target t = groupAndProcess(name);
        if (t.process() == null) {
            throw RpcFault.of(Faults.BAD_NAME, name);
        }
        return info(t.group(), t.process());
    }

    private Map<String, Object> info(ProcessGroup g, Subprocess p) {
        ProcessSnapshot s = p.snapshot();
        long now = sup.now().getEpochSecond();
        Path out = p.stdoutLogPath();
        Path err = p.stderrLogPath();
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("name", p.name());
        info.put("group", g.name());
        info.put("start", capped(s.startEpochSecond()));
        info.put("stop", capped(s.stopEpochSecond()));
        info.put("now", capped(now));
        info.put("state", s.state().code());
        info.put("statename", s.state().name());
        info.put("spawnerr", s.spawnerrText());
        info.put("exitstatus", s.exitStatusCode());
        info.put("logfile", out == null ? "" : out.toString());
        info.put("stdout_logfile", out == null ? "" : out.toString());
        info.put("stderr_logfile", err == null ? "" : err.toString());
        info.put("pid", (int) s.pid());
        info.put("description", ProcessDescription.describe(s.state(), p.name(), s.pid(), capped(s.startEpochSecond()),
                capped(s.stopEpochSecond()), capped(now), s.spawnerrText(), zone));
        return info;
    }

    /** {@code capped_int}: XML-RPC ints are 32 bits. */
    private static int capped(long v) {
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
    }

    private Object getAllProcessInfo() {
        update();
        List<Object> out = new ArrayList<>();
        for (Subprocess p : allLexical()) {
            out.add(info(sup.group(p.config().groupName()), p));
        }
        return out;
    }

    // ---- logs ----

    private Path logPathOf(String name, String channel) {
        Target t = groupAndProcess(name);
        if (t.process() == null) {
            throw RpcFault.of(Faults.BAD_NAME, name);
        }
        return channel.equals("stdout") ? t.process().stdoutLogPath() : t.process().stderrLogPath();
    }

    private Object readProcessLog(List<Object> a, String channel) {
        Path path = (Path) loop(() -> {
            update();
            Path p = logPathOf(str(a.get(0)), channel);
            if (p == null) {
                throw RpcFault.of(Faults.NO_FILE);
            }
            return p;
        });
        return read(path, a.get(1), a.get(2));
    }

    /** readFile with supervisord's checks and faults, off the loop. */
    private static Object read(Path path, Object offsetArg, Object lengthArg) {
        if (!Files.exists(path)) {
            throw RpcFault.of(Faults.NO_FILE, path.toString());
        }
        long offset = intArg(offsetArg);
        long length = intArg(lengthArg);
        try {
            long size = Files.size(path);
            long slice = offset < 0 ? Math.min(size, offset == Long.MIN_VALUE ? Long.MAX_VALUE : -offset)
                    : length == 0 ? Math.max(0, size - offset) : Math.min(Math.max(0, length), Math.max(0, size - offset));
            if (slice > MAX_LOG_READ) {
                throw RpcFault.of(Faults.FAILED, "kupervisor answers at most " + MAX_LOG_READ
                        + " bytes of log per call; read it in parts");
            }
        } catch (IOException e) {
            throw RpcFault.of(Faults.FAILED);
        }
        try {
            return decode(LogReader.readFile(path, offset, length));
        } catch (LogReader.LogReadException e) {
            throw switch (e.fault()) {
                case NO_FILE -> RpcFault.of(Faults.NO_FILE, path.toString());
                case BAD_ARGUMENTS -> RpcFault.of(Faults.BAD_ARGUMENTS);
                case FAILED -> RpcFault.of(Faults.FAILED);
            };
        }
    }

    private Object tailProcessLog(List<Object> a, String channel) {
        Path[] holder = (Path[]) loop(() -> {
            update();
            return new Path[] {logPathOf(str(a.get(0)), channel)};
        });
        Path path = holder[0];
        long offset = intArg(a.get(1));
        long length = intArg(a.get(2));
        if (length > MAX_LOG_READ) {
            throw RpcFault.of(Faults.FAILED, "kupervisor answers at most " + MAX_LOG_READ
                    + " bytes of log per call; read it in parts");
        }
        LogReader.Tail tail = LogReader.tailFile(path, offset, length);
        List<Object> out = new ArrayList<>(3);
        out.add(decode(tail.bytes()));
        out.add(capped(tail.offset()));
        out.add(tail.overflow());
        return out;
    }

    /** UTF-8 with replacement: supervisord fails the call (HTTP 500) on a slice that cuts a character. */
    static String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private Object clearProcessLogs(String name) {
        Target t = groupAndProcess(name);
        if (t.process() == null) {
            throw RpcFault.of(Faults.BAD_NAME, name);
        }
        try {
            t.process().clearLogsIfOpened();
        } catch (IOException e) {
            throw RpcFault.of(Faults.FAILED, name);
        }
        return true;
    }

    private Object clearAllProcessLogs() {
        update();
        List<Map<String, Object>> results = new ArrayList<>();
        for (Subprocess p : allByPriority()) {
            try {
                update();
                clearProcessLogs(p.namespec());
                results.add(result(p, Faults.SUCCESS, "OK"));
            } catch (RpcFault f) {
                results.add(result(p, f.code(), f.text()));
            }
        }
        return results;
    }

    // ---- stdin ----

    private Object sendProcessStdin(Object nameArg, Object chars) {
        update();
        if (!(chars instanceof String text)) {
            throw RpcFault.of(Faults.INCORRECT_PARAMETERS, chars);
        }
        String name = str(nameArg);
        Target t = groupAndProcess(name);
        if (t.process() == null) {
            throw RpcFault.of(Faults.BAD_NAME, name);
        }
        Subprocess p = t.process();
        ProcessSnapshot s = p.snapshot();
        if (s.pid() == 0 || s.killing()) {
            throw RpcFault.of(Faults.NOT_RUNNING, name);
        }
        int fd = p.stdinFd();
        if (fd < 0) {
            throw RpcFault.of(Faults.NO_FILE, name);
        }
        long pid = s.pid();
        try {
            stdin.write(p.namespec(), fd, pid, text.getBytes(StandardCharsets.UTF_8),
                    () -> p.stdinFd() == fd && p.snapshot().pid() == pid,
                    r -> sup.schedule(r, Duration.ofMillis(20)));
        } catch (StdinWriter.WriteFailed e) {
            if (e.errno == StdinWriter.EPIPE) {
                throw RpcFault.of(Faults.NO_FILE, name);
            }
            throw RpcFault.of(Faults.FAILED, name);
        } catch (IllegalStateException e) {
            throw RpcFault.of(Faults.FAILED, e.getMessage());
        }
        return true;
    }
}
