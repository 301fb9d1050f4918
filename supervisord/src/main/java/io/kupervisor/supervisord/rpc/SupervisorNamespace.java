package io.kupervisor.supervisord.rpc;

import io.kupervisor.core.config.LogFile;
import io.kupervisor.core.config.LogSettings;
import io.kupervisor.core.config.Namespec;
import io.kupervisor.core.config.ProcessConfig;
import io.kupervisor.core.config.ProcessGroupConfig;
import io.kupervisor.core.state.ProcessSnapshot;
import io.kupervisor.core.status.ProcessDescription;
import io.kupervisor.supervisord.control.Channel;
import io.kupervisor.supervisord.control.Control;
import io.kupervisor.supervisord.control.ControlException;
import io.kupervisor.supervisord.control.DaemonStatus;
import io.kupervisor.supervisord.control.Fault;
import io.kupervisor.supervisord.control.GroupDiff;
import io.kupervisor.supervisord.control.GroupStatus;
import io.kupervisor.supervisord.control.ProcessResult;
import io.kupervisor.supervisord.control.ProcessStatus;
import io.kupervisor.supervisord.control.SupervisorState;
import io.kupervisor.supervisord.log.LogReader;

import java.io.IOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * supervisord's {@code SupervisorNamespaceRPCInterface} (supervisor 4.2.5 {@code rpcinterface.py})
 * as XML-RPC methods over the daemon's {@link Control}: the same methods, arguments read as
 * Python reads them, the same fault codes and texts, the same result structs. The semantics
 * (checks, their order, deferred answers) are the control interface's; this class translates.
 */
public final class SupervisorNamespace {
    public static final String API_VERSION = "3.0";
    public static final String SUPERVISOR_VERSION = "4.2.5";
    /** The largest log slice one call returns (supervisord has no bound). */
    static final long MAX_LOG_READ = 8L * 1024 * 1024;

    private final Control control;
    private final ZoneId zone;

    public SupervisorNamespace(Control control, ZoneId zone) {
        this.control = control;
        this.zone = zone;
    }

    /** The methods in rpcinterface.py's order. */
    public List<RpcMethod> methods() {
        List<RpcMethod> m = new ArrayList<>();
        m.add(RpcMethod.of("getAPIVersion", 0, a -> checked(() -> API_VERSION)));
        m.add(RpcMethod.of("getVersion", 0, a -> checked(() -> API_VERSION)));
        m.add(RpcMethod.of("getSupervisorVersion", 0, a -> checked(() -> SUPERVISOR_VERSION)));
        m.add(RpcMethod.of("getIdentification", 0, a -> checked(() -> control.config().supervisord().identifier())));
        m.add(RpcMethod.of("getState", 0, a -> checked(() -> {
            SupervisorState mood = control.state();
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("statecode", mood.code());
            s.put("statename", mood.name());
            return s;
        })));
        m.add(RpcMethod.of("getPID", 0, a -> checked(() -> (int) ProcessHandle.current().pid())));
        m.add(RpcMethod.of("readLog", 2, a -> readMainLog(a.get(0), a.get(1))));
        m.add(RpcMethod.of("readMainLog", 2, a -> readMainLog(a.get(0), a.get(1))));
        m.add(RpcMethod.of("clearLog", 0, a -> answer(control.clearMainLog(), v -> true)));
        m.add(RpcMethod.of("shutdown", 0, a -> answer(control.shutdown(), v -> true)));
        m.add(RpcMethod.of("restart", 0, a -> answer(control.reload(), v -> true)));
        m.add(RpcMethod.of("reloadConfig", 0, a -> answer(control.reread(), SupervisorNamespace::diff)));
        m.add(RpcMethod.of("addProcessGroup", 1, a -> answer(control.addGroup(str(a.get(0))), v -> true)));
        m.add(RpcMethod.of("removeProcessGroup", 1, a -> answer(control.removeGroup(str(a.get(0))), v -> true)));
        m.add(RpcMethod.of("startProcess", 1, 2, a -> startProcess(str(a.get(0)), wait(a, 1))));
        m.add(RpcMethod.of("startProcessGroup", 1, 2, a -> results(control.startMany(str(a.get(0)), wait(a, 1)))));
        m.add(RpcMethod.of("startAllProcesses", 0, 1, a -> results(control.startMany(null, wait(a, 0)))));
        m.add(RpcMethod.of("stopProcess", 1, 2, a -> stopProcess(str(a.get(0)), wait(a, 1))));
        m.add(RpcMethod.of("stopProcessGroup", 1, 2, a -> results(control.stopMany(str(a.get(0)), wait(a, 1)))));
        m.add(RpcMethod.of("stopAllProcesses", 0, 1, a -> results(control.stopMany(null, wait(a, 0)))));
        m.add(RpcMethod.of("signalProcess", 2, a -> signalProcess(str(a.get(0)), a.get(1))));
        m.add(RpcMethod.of("signalProcessGroup", 2, a -> signalResults(control.signalMany(str(a.get(0)),
                signal(a.get(1))), a.get(1))));
        m.add(RpcMethod.of("signalAllProcesses", 1, a -> signalResults(control.signalMany(null, signal(a.get(0))),
                a.get(0))));
        m.add(RpcMethod.of("getAllConfigInfo", 0, a -> answer(checkedStatus(), this::allConfigInfo)));
        m.add(RpcMethod.of("getProcessInfo", 1, a -> {
            String name = str(a.get(0));
            return answer(checkedStatus(), s -> info(s, name));
        }));
        m.add(RpcMethod.of("getAllProcessInfo", 0, a -> answer(checkedStatus(), this::allProcessInfo)));
        m.add(RpcMethod.of("readProcessStdoutLog", 3, a -> readProcessLog(a, Channel.STDOUT)));
        m.add(RpcMethod.of("readProcessLog", 3, a -> readProcessLog(a, Channel.STDOUT)));
        m.add(RpcMethod.of("readProcessStderrLog", 3, a -> readProcessLog(a, Channel.STDERR)));
        m.add(RpcMethod.of("tailProcessStdoutLog", 3, a -> tailProcessLog(a, Channel.STDOUT)));
        m.add(RpcMethod.of("tailProcessLog", 3, a -> tailProcessLog(a, Channel.STDOUT)));
        m.add(RpcMethod.of("tailProcessStderrLog", 3, a -> tailProcessLog(a, Channel.STDERR)));
        m.add(RpcMethod.of("clearProcessLogs", 1, a -> answer(control.clearLogs(str(a.get(0))), v -> true)));
        m.add(RpcMethod.of("clearProcessLog", 1, a -> answer(control.clearLogs(str(a.get(0))), v -> true)));
        m.add(RpcMethod.of("clearAllProcessLogs", 0, a -> results(control.clearAllLogs())));
        m.add(RpcMethod.of("sendProcessStdin", 2, a -> sendProcessStdin(a.get(0), a.get(1))));
        m.add(RpcMethod.of("sendRemoteCommEvent", 2, a -> answer(control.remoteCommunication(PyValues.str(a.get(0)),
                PyValues.str(a.get(1))), v -> true)));
        return m;
    }

    // ---- plumbing ----

    /** The XML-RPC value of a request's answer; its refusal as supervisord's fault. */
    private static <T> CompletableFuture<Object> answer(CompletableFuture<T> request, Function<T, Object> value) {
        return request.handle((v, ex) -> {
            if (ex != null) {
                throw fault(ex);
            }
            return value.apply(v);
        });
    }

    /** A refusal of the control interface as the fault supervisord sends. */
    static RuntimeException fault(Throwable ex) {
        Throwable cause = ex;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof ControlException c) {
            return RpcFault.of(c.fault().code(), c.detail());
        }
        if (cause instanceof RpcFault f) {
            return f;
        }
        return cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
    }

    /** supervisord's {@code _update} for methods that only read: SHUTDOWN_STATE while stopping. */
    private void checkRunning() {
        SupervisorState mood = control.state();
        if (mood == SupervisorState.RESTARTING || mood == SupervisorState.SHUTDOWN) {
            throw RpcFault.of(Faults.SHUTDOWN_STATE);
        }
    }

    private Object checked(java.util.function.Supplier<Object> value) {
        checkRunning();
        return value.get();
    }

    private CompletableFuture<DaemonStatus> checkedStatus() {
        checkRunning();
        return control.status();
    }

    /** Waits for a value the method needs before it goes on (off the loop: a connection's thread). */
    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            throw fault(e);
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

    /** A signal argument as text for {@code signal_number}: names as given, numbers in decimal. */
    static String signal(Object arg) {
        // instanceof, not a pattern switch: that is a class spun at run time (issue 18)
        if (arg instanceof String s) {
            return s;
        } else if (arg instanceof Integer || arg instanceof Long) {
            return arg.toString();
        } else if (arg instanceof Boolean b) {
            return b ? "1" : "0";
        } else if (arg instanceof Double d && !d.isNaN() && !d.isInfinite()) {
            return Long.toString((long) (double) d);
        }
        return PyValues.str(arg);
    }

    /** BAD_SIGNAL names the argument as Python's {@code str()} prints it. */
    private static RuntimeException signalFault(Throwable ex, Object arg) {
        RuntimeException f = fault(ex);
        if (f instanceof RpcFault r && r.code() == Faults.BAD_SIGNAL) {
            return RpcFault.of(Faults.BAD_SIGNAL, arg);
        }
        return f;
    }

    private static List<Object> structs(List<ProcessResult> results) {
        List<Object> out = new ArrayList<>(results.size());
        for (ProcessResult r : results) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", r.name());
            m.put("group", r.group());
            m.put("status", r.status().code());
            m.put("description", r.description());
            out.add(m);
        }
        return out;
    }

    private static CompletableFuture<Object> results(CompletableFuture<List<ProcessResult>> request) {
        return answer(request, SupervisorNamespace::structs);
    }

    private static CompletableFuture<Object> signalResults(CompletableFuture<List<ProcessResult>> request, Object arg) {
        return request.handle((v, ex) -> {
            if (ex != null) {
                throw signalFault(ex, arg);
            }
            List<Object> out = structs(v);
            for (Object o : out) {
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) o;
                if (Integer.valueOf(Faults.BAD_SIGNAL).equals(m.get("status"))) {
                    m.put("description", RpcFault.of(Faults.BAD_SIGNAL, arg).text());
                }
            }
            return out;
        });
    }

    /**
     * A request on a namespec that may name a whole group ({@code g:*}): supervisord hands those
     * to the group variant, after failing an unknown group with BAD_NAME and the name as given.
     */
    private static CompletableFuture<Object> wholeGroup(String name,
                                                        CompletableFuture<List<ProcessResult>> request) {
        return request.handle((v, ex) -> {
            if (ex != null) {
                RuntimeException f = fault(ex);
                if (f instanceof RpcFault r && r.code() == Faults.BAD_NAME) {
                    throw RpcFault.of(Faults.BAD_NAME, name);
                }
                throw f;
            }
            return structs(v);
        });
    }

    // ---- status and control of supervisord ----

    private static Object diff(GroupDiff diff) {
        List<Object> added = new ArrayList<>(diff.added().stream().map(ProcessGroupConfig::name).toList());
        List<Object> changed = new ArrayList<>(diff.changed().stream().map(ProcessGroupConfig::name).toList());
        List<Object> removed = new ArrayList<>(diff.removed().stream().map(ProcessGroupConfig::name).toList());
        return List.of(List.of(added, changed, removed));
    }

    private Object readMainLog(Object offset, Object length) {
        checkRunning();
        Path path = await(control.status()).mainLog();
        if (path == null) {
            throw RpcFault.of(Faults.NO_FILE);
        }
        return read(path, offset, length);
    }

    // ---- starting and stopping ----

    private Object startProcess(String name, boolean wait) {
        Namespec n = Namespec.parse(name);
        if (n.isWholeGroup()) {
            checkRunning();
            return wholeGroup(name, control.startMany(n.group(), wait));
        }
        return answer(control.start(name, wait), v -> true);
    }

    private Object stopProcess(String name, boolean wait) {
        Namespec n = Namespec.parse(name);
        if (n.isWholeGroup()) {
            checkRunning();
            return wholeGroup(name, control.stopMany(n.group(), wait));
        }
        return answer(control.stop(name, wait), v -> true);
    }

    private Object signalProcess(String name, Object signal) {
        Namespec n = Namespec.parse(name);
        if (n.isWholeGroup()) {
            checkRunning();
            CompletableFuture<Object> group = signalResults(control.signalMany(n.group(), signal(signal)), signal);
            return group.handle((v, ex) -> {
                if (ex != null) {
                    RuntimeException f = fault(ex);
                    if (f instanceof RpcFault r && r.code() == Faults.BAD_NAME) {
                        throw RpcFault.of(Faults.BAD_NAME, name);
                    }
                    throw f;
                }
                return v;
            });
        }
        return control.signal(name, signal(signal)).handle((v, ex) -> {
            if (ex != null) {
                throw signalFault(ex, signal);
            }
            return (Object) true;
        });
    }

    // ---- information ----

    private Object allConfigInfo(DaemonStatus status) {
        List<Map<String, Object>> info = new ArrayList<>();
        for (ProcessGroupConfig gc : status.available()) {
            GroupStatus active = status.group(gc.name()).orElse(null);
            boolean inuse = active != null;
            boolean sameObjects = active != null && active.config() == gc;
            for (ProcessConfig pc : gc.processes()) {
                ProcessStatus running = sameObjects ? active.processes().stream()
                        .filter(p -> p.name().equals(pc.name())).findFirst().orElse(null) : null;
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
                channel(d, "stdout", pc.stdout(), running == null ? null : running.stdoutLog());
                d.put("stopsignal", pc.stopsignal());
                d.put("stopwaitsecs", pc.stopwaitsecs());
                channel(d, "stderr", pc.stderr(), running == null ? null : running.stderrLog());
                d.put("serverurl", orNone(pc.serverurl()));
                info.add(d);
            }
        }
        info.sort((a, b) -> ((String) a.get("name")).compareTo((String) b.get("name")));
        return info;
    }

    private static void channel(Map<String, Object> d, String ch, LogSettings s, Path autoPath) {
        d.put(ch + "_capture_maxbytes", number(s.captureMaxbytes()));
        d.put(ch + "_events_enabled", s.eventsEnabled());
        // instanceof, not a pattern switch: that is a class spun at run time (issue 18)
        LogFile file = s.logfile();
        d.put(ch + "_logfile", file instanceof LogFile.None ? "none" : file instanceof LogFile.File f ? f.path()
                : autoPath != null ? autoPath.toString() : "auto");
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

    /** {@code getProcessInfo}: BAD_NAME unless the name is one process. */
    private Map<String, Object> info(DaemonStatus status, String name) {
        ProcessStatus p = status.process(name).orElseThrow(() -> RpcFault.of(Faults.BAD_NAME, name));
        return info(p, status.now().getEpochSecond());
    }

    private Map<String, Object> info(ProcessStatus p, long now) {
        ProcessSnapshot s = p.snapshot();
        Path out = p.stdoutLog();
        Path err = p.stderrLog();
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("name", p.name());
        info.put("group", p.group());
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

    private Object allProcessInfo(DaemonStatus status) {
        List<Object> out = new ArrayList<>();
        long now = status.now().getEpochSecond();
        for (ProcessStatus p : status.processesByName()) {
            out.add(info(p, now));
        }
        return out;
    }

    // ---- logs ----

    private Path logPathOf(String name, Channel channel) {
        ProcessStatus p = await(control.process(name));
        return p.log(channel);
    }

    private Object readProcessLog(List<Object> a, Channel channel) {
        checkRunning();
        Path p = logPathOf(str(a.get(0)), channel);
        if (p == null) {
            throw RpcFault.of(Faults.NO_FILE);
        }
        return read(p, a.get(1), a.get(2));
    }

    /**
     * {@code readProcessStdoutLog} / {@code readProcessStderrLog} for the web page's tail view,
     * with the same faults.
     */
    public static String readProcessLog(Control control, String name, boolean stderr, long offset, long length) {
        SupervisorNamespace ns = new SupervisorNamespace(control, ZoneId.systemDefault());
        return (String) ns.readProcessLog(List.of(name, offset, length), stderr ? Channel.STDERR : Channel.STDOUT);
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

    private Object tailProcessLog(List<Object> a, Channel channel) {
        checkRunning();
        Path path = logPathOf(str(a.get(0)), channel);
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

    // ---- stdin ----

    private Object sendProcessStdin(Object nameArg, Object chars) {
        checkRunning();
        if (!(chars instanceof String text)) {
            throw RpcFault.of(Faults.INCORRECT_PARAMETERS, chars);
        }
        return answer(control.writeStdin(str(nameArg), text.getBytes(StandardCharsets.UTF_8)), v -> true);
    }

    /** The fault a refused request gets when it is reported inside a result (the web page's messages). */
    public static Fault faultOf(Throwable ex) {
        Throwable cause = ex;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause instanceof ControlException c ? c.fault() : Fault.FAILED;
    }
}
