package io.kupervisor.supervisord.process;

import io.kupervisor.core.config.LogSettings;
import io.kupervisor.core.config.LogFile;
import io.kupervisor.core.config.LogLevel;
import io.kupervisor.core.config.ProcessConfig;
import io.kupervisor.core.state.Action;
import io.kupervisor.core.state.ExitStatus;
import io.kupervisor.core.state.LifecycleRules;
import io.kupervisor.core.state.LogMessage;
import io.kupervisor.core.state.ProcessDriver;
import io.kupervisor.core.state.ProcessEvent;
import io.kupervisor.core.state.ProcessSnapshot;
import io.kupervisor.core.state.ProcessState;
import io.kupervisor.core.state.ProcessStateMachine;
import io.kupervisor.core.state.Signals;
import io.kupervisor.core.state.Transition;
import io.kupervisor.supervisord.control.Channel;
import io.kupervisor.supervisord.io.OutputPump;
import io.kupervisor.supervisord.log.AnsiStripper;
import io.kupervisor.supervisord.log.ChannelLog;
import io.kupervisor.supervisord.log.LostOutput;
import io.kupervisor.supervisord.log.AutoLogNames;
import io.kupervisor.supervisord.log.MirroringLog;
import io.kupervisor.supervisord.log.RotatingFileLog;
import io.kupervisor.supervisord.posix.Children;
import io.kupervisor.supervisord.posix.Posix;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;

/**
 * One supervised process: the core state machine plus what it asks for done with real
 * processes (posix_spawn into a new process group, signals, pipes into log files). supervisord's
 * {@code Subprocess}. Every method runs on the daemon's loop thread.
 */
public final class Subprocess {
    private final ProcessConfig config;
    private final Daemon daemon;
    private final ProcessStateMachine machine;
    private final Path stdoutPath;
    private final Path stderrPath;
    private ChannelLog stdoutLog;
    private ChannelLog stderrLog;
    private int stdinFd = -1;
    /** The output pump's registrations of this spawn's output pipes (it drains and closes them at reap). */
    private long[] outputPipes = new long[0];
    /** Log writes that fail (a full disk) are said once per episode; kept across spawns. Pump thread. */
    private final LostOutput stdoutLost;
    private final LostOutput stderrLost;
    private ScheduledFuture<?> timer;
    /** An {@code [eventlistener:x]} process: its stdout speaks the listener protocol. */
    private final boolean listener;

    public Subprocess(ProcessConfig config, Daemon daemon) {
        this(config, daemon, false);
    }

    public Subprocess(ProcessConfig config, Daemon daemon, boolean listener) {
        this.config = config;
        this.daemon = daemon;
        this.listener = listener;
        this.machine = new ProcessStateMachine(LifecycleRules.of(config));
        this.stdoutPath = logPath(config.stdout().logfile(), "stdout");
        this.stderrPath = config.redirectStderr() ? null : logPath(config.stderr().logfile(), "stderr");
        this.stdoutLost = new LostOutput(config.name(), "stdout", daemon::log);
        this.stderrLost = new LostOutput(config.name(), "stderr", daemon::log);
    }

    /** AUTO logs get their name when the group is added, as in supervisord. */
    private Path logPath(LogFile logFile, String channel) {
        // instanceof, not a pattern switch (spun at run time: see ProcessLifecycle.dispatch)
        if (logFile instanceof LogFile.None) {
            return null;
        }
        if (logFile instanceof LogFile.File f) {
            return daemon.cwd().resolve(f.path());
        }
        try {
            if (daemon.stableAutoLogs()) {
                // a known name for the log sidecar; kept across restarts like any named log
                return daemon.childLogDir().resolve(config.name() + "-" + channel + "---"
                        + daemon.identifier() + ".log");
            }
            return AutoLogNames.create(daemon.childLogDir(), config.name(), channel, daemon.identifier());
        } catch (IOException e) {
            daemon.log(LogLevel.CRITICAL, "could not create AUTO " + channel + " log for " + config.name()
                    + ": " + e.getMessage());
            return null;
        }
    }

    public ProcessConfig config() {
        return config;
    }

    public String name() {
        return config.name();
    }

    public String namespec() {
        return config.namespec();
    }

    public ProcessState state() {
        return machine.state();
    }

    /** An event listener's process ({@code [eventlistener:x]}). */
    public boolean isListener() {
        return listener;
    }

    public ProcessSnapshot snapshot() {
        return machine.snapshot();
    }

    public Path stdoutLogPath() {
        return stdoutPath;
    }

    public Path stderrLogPath() {
        return stderrPath;
    }

    /** Feeds one event to the state machine and carries out what it asks for. */
    public Transition handle(ProcessEvent event) {
        return ProcessDriver.feed(machine, effects, event, daemon.now());
    }

    /** The state machine's actions done with a real process; answers come at once (spawns are synchronous). */
    private final ProcessDriver.Effects effects = new ProcessDriver.Effects() {
        @Override
        public Optional<ProcessEvent> spawn() {
            return Optional.of(Subprocess.this.spawn());
        }

        @Override
        public Optional<ProcessEvent> cancelSpawn() {
            // spawns are synchronous here: nothing is ever in flight, so the machine never asks
            return Optional.empty();
        }

        @Override
        public Optional<ProcessEvent> signal(int signal, boolean toGroup) {
            return Optional.ofNullable(Subprocess.this.signal(signal, toGroup));
        }

        @Override
        public Optional<ProcessEvent> kill(boolean toGroup) {
            return Optional.ofNullable(Subprocess.this.signal(Signals.SIGKILL, toGroup));
        }

        @Override
        public void scheduleTimer(Instant at) {
            Subprocess.this.scheduleTimer(at);
        }

        @Override
        public void log(LogLevel level, LogMessage message) {
            daemon.log(level, message.text());
        }

        @Override
        public void stateChanged(Action.StateChanged change) {
            daemon.stateChanged(Subprocess.this, change);
        }

        @Override
        public Instant now() {
            return daemon.now();
        }
    };

    private void scheduleTimer(Instant at) {
        if (timer != null) {
            timer.cancel(false);
        }
        Duration delay = Duration.between(daemon.now(), at);
        // a millisecond of slack: the machine wants "at or after", and the two clocks differ in grain
        timer = daemon.schedule(() -> handle(new ProcessEvent.TimerDue()),
                delay.isNegative() ? Duration.ZERO : delay.plusMillis(1));
    }

    private ProcessEvent signal(int sig, boolean toGroup) {
        long pid = machine.snapshot().pid();
        if (pid <= 0) {
            return null;
        }
        try {
            Posix.kill(toGroup ? -(int) pid : (int) pid, sig);
            return null;
        } catch (Posix.PosixException e) {
            if (e.errno() == Posix.ESRCH) {
                // it just exited; the reaper will tell
                return null;
            }
            return new ProcessEvent.KillFailed(e.getMessage());
        }
    }

    /** The reaper got this process's pid (called on the loop). */
    void reaped(Posix.Reaped reaped) {
        closeStdin();
        // what the child wrote before it died is read first, then its pipes are closed, as
        // supervisord's finish() drains its dispatchers and closes its pipes: log events come
        // before the exit's state change, and an orphan still holding a pipe gets EPIPE (or
        // SIGPIPE) instead of writing into a stopped program's log for ever
        long[] pipes = outputPipes;
        outputPipes = new long[0];
        daemon.pump().drainThen(pipes, () -> daemon.execute(() -> exited(reaped)));
    }

    private void exited(Posix.Reaped reaped) {
        EventHooks hooks = daemon.eventHooks();
        if (listener && hooks != null) {
            // its unanswered event goes back to the head of the pool's buffer, ahead of what its
            // exit is about to add there (supervisord's buffer ends up in the same order)
            hooks.listenerReaped(this);
        }
        ExitStatus status = reaped.exited() ? new ExitStatus.Exited(reaped.exitCode())
                : new ExitStatus.Signaled(reaped.termSignal(), (reaped.status() & 0x80) != 0);
        handle(new ProcessEvent.Exited(reaped.pid(), status));
    }

    // ---- spawning ----

    private ProcessEvent spawn() {
        ExecResolver.Exec exec;
        try {
            exec = ExecResolver.resolve(config.command(), config.environment(), daemon.environment(), daemon.cwd());
        } catch (ExecResolver.SpawnError e) {
            return new ProcessEvent.SpawnFailed(e.getMessage());
        }
        try {
            openLogs();
        } catch (IOException e) {
            return new ProcessEvent.SpawnFailed("unknown error making dispatchers for '" + config.name() + "': "
                    + e.getMessage());
        }
        int[] in = null;
        int[] out = null;
        int[] err = null;
        try {
            in = Posix.pipe();
            out = Posix.pipe();
            err = config.redirectStderr() ? null : Posix.pipe();
            Posix.setPipeSize(out[0], PIPE_SIZE);
            if (err != null) {
                Posix.setPipeSize(err[0], PIPE_SIZE);
            }
        } catch (Posix.PosixException e) {
            closeAll(in, out, err);
            return new ProcessEvent.SpawnFailed("too many open files to spawn '" + config.name() + "'");
        }
        int childErr = err == null ? out[1] : err[1];
        List<String> envp = childEnvironment();
        String directory = config.directory();
        List<String> argv = exec.argv();
        String filename = ExecResolver.absolute(exec.filename(), daemon.cwd());
        String childFailure = childSetupFailure(directory, exec);
        if (childFailure == null && switchesUser()) {
            // posix_spawn cannot change users: util-linux's setpriv does it and execs the program
            // (same pid), as supervisord's child does with initgroups/setgid/setuid before exec
            Path setpriv = SETPRIV.stream().filter(Files::isExecutable).findFirst().orElse(null);
            int uid = config.user().uid();
            var entry = io.kupervisor.core.config.dialect.Passwd.userById(uid);
            if (setpriv == null) {
                childFailure = "couldn't setuid to " + uid + ": kupervisor needs setpriv (util-linux) to run"
                        + " programs as another user";
            } else if (entry.isEmpty()) {
                childFailure = "couldn't setuid to " + uid + ": Can't find uid " + uid;
            } else {
                List<String> wrapped = new ArrayList<>(List.of(setpriv.toString(), "--reuid=" + uid,
                        "--regid=" + entry.get().gid(), "--init-groups", "--", filename));
                wrapped.addAll(argv.subList(1, argv.size()));
                argv = wrapped;
                filename = setpriv.toString();
            }
        }
        if (childFailure != null) {
            // supervisord forks, then the child fails and says so on its stderr and exits 127;
            // a short-lived /bin/sh plays that child so states, logs and pids are the same
            filename = "/bin/sh";
            argv = List.of("sh", "-c", "printf '%s\\n' \"$1\" 'supervisor: child process was not spawned' >&2; exit 127",
                    "sh", "supervisor: " + childFailure);
            directory = null;
        }
        int pid;
        try {
            pid = Children.get().spawn(filename, argv, envp, directory, in[0], out[1], childErr, config.umask(),
                    r -> daemon.execute(() -> reaped(r)));
        } catch (Posix.PosixException e) {
            closeAll(in, out, err);
            return new ProcessEvent.SpawnFailed("unknown error during fork for '" + config.name() + "': "
                    + Posix.errnoName(e.errno()));
        }
        Posix.close(in[0]);
        Posix.close(out[1]);
        if (err != null) {
            Posix.close(err[1]);
        }
        stdinFd = in[1];
        EventHooks hooks = daemon.eventHooks();
        try {
            long outPipe = daemon.pump().register(out[0], published(Channel.STDOUT, pid,
                    listener && hooks != null ? listenerStdout(hooks, pid)
                            : sink(Channel.STDOUT, stdoutLog, config.stdout(), pid)));
            outputPipes = new long[] {outPipe};
            if (err != null) {
                long errPipe = daemon.pump().register(err[0], published(Channel.STDERR, pid,
                        sink(Channel.STDERR, stderrLog, config.stderr(), pid)));
                outputPipes = new long[] {outPipe, errPipe};
            }
        } catch (Posix.PosixException e) {
            daemon.log(LogLevel.CRITICAL, "cannot read the output of " + config.name() + ": " + e.getMessage());
        }
        if (listener && hooks != null) {
            hooks.listenerSpawned(this, pid);
        }
        return new ProcessEvent.Spawned(pid);
    }

    private static final List<Path> SETPRIV = List.of(Path.of("/usr/bin/setpriv"), Path.of("/bin/setpriv"));

    private boolean switchesUser() {
        return config.user() != null && config.user().uid() != null && config.user().uid() != Posix.getuid()
                && Posix.getuid() == 0;
    }

    /** What the forked child of supervisord would fail at after the fork, or null. */
    private String childSetupFailure(String directory, ExecResolver.Exec exec) {
        if (directory != null && !Files.isDirectory(daemon.cwd().resolve(directory))) {
            String code = Files.exists(daemon.cwd().resolve(directory)) ? "ENOTDIR" : "ENOENT";
            return "couldn't chdir to " + directory + ": " + code;
        }
        if (config.user() != null && config.user().uid() != null && config.user().uid() != Posix.getuid()) {
            if (Posix.getuid() != 0) {
                return "couldn't setuid to " + config.user().uid() + ": Can't drop privilege as nonroot user";
            }
        }
        return null;
    }

    private List<String> childEnvironment() {
        Map<String, String> env = new LinkedHashMap<>(daemon.environment());
        env.put("SUPERVISOR_ENABLED", "1");
        String serverUrl = config.serverurl() != null ? config.serverurl() : daemon.serverUrl();
        if (serverUrl != null) {
            env.put("SUPERVISOR_SERVER_URL", serverUrl);
        }
        env.put("SUPERVISOR_PROCESS_NAME", config.name());
        env.put("SUPERVISOR_GROUP_NAME", config.groupName());
        env.putAll(config.environment());
        List<String> envp = new ArrayList<>(env.size());
        env.forEach((k, v) -> envp.add(k + "=" + v));
        return envp;
    }

    private void openLogs() throws IOException {
        if (stdoutLog == null) {
            stdoutLog = channelLog(stdoutPath, config.stdout(), "stdout");
        }
        if (stderrLog == null) {
            stderrLog = config.redirectStderr() ? ChannelLog.discard()
                    : channelLog(stderrPath, config.stderr(), "stderr");
        }
    }

    private ChannelLog channelLog(Path path, LogSettings settings, String channel)
            throws IOException {
        ChannelLog log = path == null
                ? ChannelLog.discard()
                // AUTO logs are private (mkstemp's 0600) unless named for a log sidecar, which runs
                // as another user than the programs: then they are created like any named log
                : RotatingFileLog.open(path, settings.logfileMaxbytes(), settings.logfileBackups(),
                        settings.logfile() instanceof LogFile.Auto && !daemon.stableAutoLogs());
        if (daemon.mirror() != null) {
            log = new MirroringLog(log, daemon.mirror(), config.name(), channel);
        }
        return log;
    }

    private static final int PIPE_SIZE = 1024 * 1024;

    /**
     * What the process writes on {@code channel}, handed to the control interface's subscribers
     * (a copy, only while one subscribes), then to {@code sink}.
     */
    private OutputPump.Sink published(Channel channel, long pid, OutputPump.Sink sink) {
        return new OutputPump.Sink() {
            @Override
            public void write(byte[] data, int len) {
                if (daemon.outputWanted()) {
                    daemon.output(Subprocess.this, pid, channel, java.util.Arrays.copyOf(data, len));
                }
                sink.write(data, len);
            }

            @Override
            public void write(java.nio.ByteBuffer data) {
                if (daemon.outputWanted()) {
                    byte[] copy = new byte[data.remaining()];
                    data.duplicate().get(copy);
                    daemon.output(Subprocess.this, pid, channel, copy);
                }
                sink.write(data);
            }

            @Override
            public void closed() {
                sink.closed();
            }
        };
    }

    private OutputPump.Sink sink(Channel ch, ChannelLog log, LogSettings settings, long pid) {
        String channel = ch.label();
        boolean strip = daemon.stripAnsi();
        LostOutput lost = ch == Channel.STDOUT ? stdoutLost : stderrLost;
        EventHooks hooks = daemon.eventHooks();
        if (hooks != null && (settings.captureMaxbytes() > 0 || settings.eventsEnabled())) {
            // supervisord's POutputDispatcher with its capture mode and log events
            return new OutputDispatcher(log, settings.captureMaxbytes(), strip, settings.eventsEnabled(),
                    daemon.logChildOutput() ? data -> echo(channel, data) : null,
                    new OutputDispatcher.Events() {
                        @Override
                        public void logged(byte[] data) {
                            hooks.logged(Subprocess.this, pid, channel, data);
                        }

                        @Override
                        public void communicated(byte[] data) {
                            hooks.communicated(Subprocess.this, pid, channel, data);
                        }
                    });
        }
        OutputPump.Sink copying = copyingSink(channel, log, strip, lost);
        if (strip || daemon.logChildOutput()) {
            return copying;
        }
        // the common case: straight from the pump's buffer into the log file
        return new OutputPump.Sink() {
            @Override
            public void write(byte[] data, int len) {
                copying.write(data, len);
            }

            @Override
            public void write(java.nio.ByteBuffer data) {
                int n = data.remaining();
                try {
                    log.write(data);
                    lost.wrote();
                } catch (IOException e) {
                    lost.failed(e, n);
                }
            }
        };
    }

    private OutputPump.Sink copyingSink(String channel, ChannelLog log, boolean strip, LostOutput lost) {
        return (data, len) -> {
            byte[] bytes = data;
            int n = len;
            if (strip) {
                bytes = AnsiStripper.strip(data, 0, len);
                n = bytes.length;
            }
            try {
                log.write(bytes, 0, n);
                lost.wrote();
            } catch (IOException e) {
                // said once per episode; the next write tries again
                lost.failed(e, n);
            }
            if (daemon.logChildOutput()) {
                echo(channel, java.util.Arrays.copyOf(bytes, n));
            }
        };
    }

    /** The main log's DEBUG copy of output (supervisord's {@code '%(name)r %(channel)s output:'}). */
    private void echo(String channel, byte[] data) {
        daemon.log(LogLevel.DEBUG, "'" + config.name() + "' " + channel + " output:\n"
                + new String(data, java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * An event listener's stdout: logged as any output (supervisord's
     * {@code PEventListenerDispatcher}: no capture, no log events; its DEBUG copy shows the bytes'
     * repr) and handed to the protocol on the loop.
     */
    private OutputPump.Sink listenerStdout(EventHooks hooks, long pid) {
        boolean strip = daemon.stripAnsi();
        ChannelLog log = stdoutLog;
        return (data, len) -> {
            byte[] bytes = java.util.Arrays.copyOf(data, len);
            if (daemon.logChildOutput()) {
                daemon.log(LogLevel.DEBUG, "'" + config.name() + "' stdout output:\n"
                        + io.kupervisor.core.config.dialect.PyBytes.repr(bytes));
            }
            byte[] logged = strip ? AnsiStripper.strip(bytes) : bytes;
            try {
                log.write(logged, 0, logged.length);
                stdoutLost.wrote();
            } catch (IOException e) {
                stdoutLost.failed(e, logged.length);
            }
            hooks.listenerOutput(this, pid, bytes);
        };
    }

    private static void closeAll(int[]... pipes) {
        for (int[] p : pipes) {
            if (p != null) {
                Posix.close(p[0]);
                Posix.close(p[1]);
            }
        }
    }

    private void closeStdin() {
        if (stdinFd >= 0) {
            daemon.pump().cancelWritable(stdinFd);
            Posix.close(stdinFd);
            stdinFd = -1;
        }
    }

    /** supervisord's sendProcessStdin. */
    public boolean writeStdin(byte[] data) throws Posix.PosixException {
        if (stdinFd < 0) {
            return false;
        }
        Posix.writeAll(stdinFd, data);
        return true;
    }

    public void reopenLogs() {
        for (var log : new ChannelLog[] {stdoutLog, stderrLog}) {
            if (log != null) {
                try {
                    log.reopen();
                } catch (IOException e) {
                    daemon.log(LogLevel.ERROR, "could not reopen log of " + config.name() + ": " + e.getMessage());
                }
            }
        }
    }

    /** supervisord's clearProcessLogs: both logs removed and reopened. */
    public void clearLogs() throws IOException {
        openLogs();
        stdoutLog.clear();
        stderrLog.clear();
    }

    /** Closes the logs for good (group removed or daemon exiting). */
    public void closeLogs() {
        for (var log : new ChannelLog[] {stdoutLog, stderrLog}) {
            if (log != null) {
                log.close();
            }
        }
        if (timer != null) {
            timer.cancel(false);
        }
    }

    @Override
    public String toString() {
        return namespec() + " " + state();
    }

    // ==== control plane (issue 5): what the XML-RPC interface needs; loop thread only ====

    /** The write end of the child's stdin pipe, or -1 when there is none (not running, or closed). */
    public int stdinFd() {
        return stdinFd;
    }

    /**
     * supervisord's {@code removelogs}: truncates both logs (file removed and reopened) if they
     * were ever opened; a process never started has no log dispatchers and nothing happens, as in
     * supervisord.
     */
    public void clearLogsIfOpened() throws IOException {
        if (stdoutLog == null && stderrLog == null) {
            return;
        }
        clearLogs();
    }
}
