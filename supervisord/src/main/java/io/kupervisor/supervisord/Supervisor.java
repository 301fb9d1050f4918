package io.kupervisor.supervisord;

import io.kupervisor.core.config.ConfigException;
import io.kupervisor.core.config.ConfigLoader;
import io.kupervisor.core.config.ConfigWarning;
import io.kupervisor.core.config.HostEnvironment;
import io.kupervisor.core.config.LogLevel;
import io.kupervisor.core.config.Namespec;
import io.kupervisor.core.config.ProcessGroupConfig;
import io.kupervisor.core.config.ServerConfig;
import io.kupervisor.core.config.SupervisorConfig;
import io.kupervisor.core.state.Action;
import io.kupervisor.core.state.ProcessEvent;
import io.kupervisor.core.state.ProcessState;
import io.kupervisor.core.state.Signals;
import io.kupervisor.supervisord.control.Channel;
import io.kupervisor.supervisord.control.Control;
import io.kupervisor.supervisord.control.ControlEvent;
import io.kupervisor.supervisord.control.Frontend;
import io.kupervisor.supervisord.control.GroupDiff;
import io.kupervisor.supervisord.control.SupervisorState;
import io.kupervisor.supervisord.events.EventHub;
import io.kupervisor.supervisord.io.OutputPump;
import io.kupervisor.supervisord.log.AutoLogNames;
import io.kupervisor.supervisord.log.MainLog;
import io.kupervisor.supervisord.log.StdoutMirror;
import io.kupervisor.supervisord.posix.Children;
import io.kupervisor.supervisord.posix.Posix;
import io.kupervisor.supervisord.process.ChildInheritance;
import io.kupervisor.supervisord.process.Daemon;
import io.kupervisor.supervisord.process.EventHooks;
import io.kupervisor.supervisord.process.ProcessGroup;
import io.kupervisor.supervisord.process.Subprocess;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The in-pod daemon: supervisord's engine on kupervisor's event-driven loop. One thread (the
 * loop) owns every process and group; the reaper, the output pump, signals, timers and requests
 * all post work to it. Nothing polls: an exit is handled when the child is reaped and a timer
 * fires when the state machine asked for it.
 *
 * <p>Everything outside the loop goes through {@link #control()}; the servers that expose it are a
 * {@link Frontend} the entry point hands in. The methods of this class that are not public run on
 * the loop thread only ({@link LoopControl} calls them there).
 */
public final class Supervisor implements Daemon {
    private final Path configFile;
    private final HostEnvironment host;
    private final PrintStream stdout;
    private final Clock clock;
    private final ScheduledExecutorService loop;
    private final Thread loopThread;
    private final Map<String, ProcessGroup> groups = new LinkedHashMap<>();
    private long groupSequence;
    private final Subscribers subscribers = new Subscribers(this::log);
    private final LoopControl control;
    private final Frontend frontend;
    /**
     * Event listeners (supervisord's events and listener pools): every event goes through here.
     * It is told by the engine directly, beside the control interface's subscribers.
     */
    private final EventHub events = new EventHub(this);
    private final CountDownLatch exited = new CountDownLatch(1);

    private volatile SupervisorConfig config;
    private volatile SupervisorState mood = SupervisorState.RUNNING;
    private volatile MainLog mainLog;
    private OutputPump pump;
    private StdoutMirror mirror;
    private List<ProcessGroup> stopQueue;
    private Instant lastShutdownReport = Instant.EPOCH;
    private int exitCode;
    private boolean exitOnFatalTriggered;
    /** The latest parse (supervisord's "available" groups) after a reread; null: the running config's. */
    private SupervisorConfig pendingConfig;
    private final List<Waiter> waiters = new ArrayList<>();
    private static final Duration SETTLED_AFTER_BOOT = Duration.ofSeconds(10);
    private ScheduledFuture<?> settledTrim;
    private List<String> startupNotes = List.of();

    /**
     * @param frontend makes, from the daemon's control interface, what serves it (the HTTP servers);
     *                 {@code c -> Frontend.NONE} for none
     */
    public Supervisor(Path configFile, HostEnvironment host, PrintStream stdout, Clock clock,
                      Function<Control, Frontend> frontend) {
        this.configFile = configFile;
        this.host = host;
        this.stdout = stdout;
        this.clock = clock;
        Thread[] holder = new Thread[1];
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = Thread.ofPlatform().name("kupervisor-loop").unstarted(r);
            holder[0] = t;
            return t;
        });
        try {
            loop.submit(() -> { }).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
        this.loopThread = holder[0];
        this.control = new LoopControl(this);
        this.frontend = frontend.apply(control);
    }

    /** Reads the configuration; a refused one is reported by the caller exactly as at startup. */
    public static SupervisorConfig readConfig(Path configFile, HostEnvironment host) throws ConfigException {
        return new ConfigLoader(host).read(configFile);
    }

    /** INFO lines for the first boot's main log (the raised rlimits); call before {@link #start}. */
    public void startupNotes(List<String> notes) {
        startupNotes = List.copyOf(notes);
    }

    /** The daemon's control interface: what everything outside its loop uses. */
    public Control control() {
        return control;
    }

    /**
     * Starts everything and returns once autostart programs were spawned. {@link #awaitExit()} then
     * blocks until the daemon has shut down.
     *
     * @throws IOException with supervisord's message when a server cannot be opened
     */
    public void start(SupervisorConfig initial) throws IOException {
        this.config = initial;
        ChildInheritance.prepareDaemon();
        try {
            Posix.becomeSubreaper();
        } catch (Posix.PosixException e) {
            // not fatal: children are still ours, only orphans would escape
        }
        try {
            this.pump = new OutputPump();
        } catch (Posix.PosixException e) {
            throw new IOException("cannot set up the output pump: " + e.getMessage(), e);
        }
        pump.start();
        Children.get().onOrphan(r -> loop.execute(() -> reapedOrphan(r)));
        Children.get().startReaping();
        try {
            loop.submit(() -> {
                boot();
                return null;
            }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** (Re)starts from {@link #config}: logs, servers, groups, autostart. Runs on the loop. */
    private void boot() throws IOException {
        SupervisorConfig c = config;
        pendingConfig = null; // a (re)start reads everything afresh: nothing stays "available" from before
        if (!c.supervisord().nocleanup()) {
            AutoLogNames.cleanup(host.cwd().resolve(c.supervisord().childlogdir()), c.supervisord().identifier());
        }
        boolean echo = c.supervisord().nodaemon() && !c.supervisord().silent();
        String logfile = c.supervisord().logfile();
        mainLog = MainLog.open(logfile.equals(MainLog.SYSLOG) ? logfile : host.cwd().resolve(logfile).toString(),
                c.supervisord().logfileMaxbytes(), c.supervisord().logfileBackups(), c.supervisord().loglevel(),
                echo ? stdout : null, ZoneId.systemDefault(), clock);
        if (c.kupervisor().stdoutMirror() && mirror == null) {
            mirror = new StdoutMirror(stdout);
        }
        if (Posix.getuid() == 0 && c.supervisord().user() == null) {
            log(LogLevel.CRITICAL, "Supervisor is running as root.  Privileges were not dropped because no user is "
                    + "specified in the config file.  If you intend to run as root, you can set user=root in the "
                    + "config file to avoid this message.");
        }
        for (Path p : c.includedFiles()) {
            log(LogLevel.INFO, "Included extra file \"" + p + "\" during parsing");
        }
        startupNotes.forEach(n -> log(LogLevel.INFO, n)); // the first boot's only, as supervisord's
        startupNotes = List.of();
        for (ConfigWarning w : c.warnings()) {
            log(LogLevel.WARN, w.bySupervisord() ? w.message() : "kupervisor: " + w.message());
        }
        frontend.open(c);
        writePidfile();
        log(LogLevel.INFO, "supervisord started with pid " + Posix.getpid());
        mood = SupervisorState.RUNNING;
        stopQueue = null;
        events.reset();
        for (ProcessGroupConfig g : c.groups()) {
            addGroup(g);
        }
        events.supervisorState(true);
        subscribers.publish(new ControlEvent.SupervisorStateChanged(SupervisorState.RUNNING));
        autostart();
        // start-up's scratch memory (the JIT's arenas, freed to malloc within seconds) back to the
        // kernel once things have settled: idle RSS is what a pod's memory limit meets
        if (settledTrim != null) {
            settledTrim.cancel(false);
        }
        settledTrim = schedule(Posix::mallocTrim, SETTLED_AFTER_BOOT);
    }

    private void autostart() {
        for (ProcessGroup g : orderedGroups()) {
            for (Subprocess p : g.processes()) {
                p.handle(new ProcessEvent.AutostartDue());
            }
        }
    }

    private boolean addGroup(ProcessGroupConfig g) {
        if (groups.containsKey(g.name())) {
            return false;
        }
        ProcessGroup group = new ProcessGroup(g, this, ++groupSequence);
        groups.put(g.name(), group);
        events.groupAdded(group);
        subscribers.publish(new ControlEvent.GroupAdded(g.name()));
        return true;
    }

    private void removeGroup(String name) {
        ProcessGroup g = groups.remove(name);
        if (g != null) {
            g.processes().forEach(Subprocess::closeLogs);
            events.groupRemoved(name);
            subscribers.publish(new ControlEvent.GroupRemoved(name));
        }
    }

    /** Groups in supervisord's order: priority, then the order they were added. Loop thread. */
    List<ProcessGroup> orderedGroups() {
        List<ProcessGroup> list = new ArrayList<>(groups.values());
        list.sort(ProcessGroup.ORDER);
        return list;
    }

    // ---- signals and shutdown ----

    /** Handles a signal as supervisord's handle_signal does. Safe from any thread. */
    public void signal(String name) {
        loop.execute(() -> {
            switch (name) {
                case "TERM", "INT", "QUIT" -> {
                    log(LogLevel.WARN, "received SIG" + name + " indicating exit request");
                    beginStop(SupervisorState.SHUTDOWN);
                }
                case "HUP" -> {
                    if (mood == SupervisorState.SHUTDOWN) {
                        log(LogLevel.WARN, "ignored SIGHUP indicating restart request (shutdown in progress)");
                    } else {
                        log(LogLevel.WARN, "received SIGHUP indicating restart request");
                        beginStop(SupervisorState.RESTARTING);
                    }
                }
                case "USR2" -> {
                    log(LogLevel.INFO, "received SIGUSR2 indicating log reopen request");
                    reopenLogs();
                }
                default -> log(LogLevel.BLATHER, "received SIG" + name + " indicating nothing");
            }
        });
    }

    /** supervisord's shutdown() and restart() ("reload"): the stop begins after the current turn of the loop. */
    void stopLater(SupervisorState newMood) {
        loop.execute(() -> beginStop(newMood));
    }

    private void beginStop(SupervisorState newMood) {
        if (stopQueue != null) {
            if (newMood == SupervisorState.SHUTDOWN) {
                mood = SupervisorState.SHUTDOWN; // a reload in progress becomes a shutdown
            }
            return;
        }
        mood = newMood;
        events.supervisorState(false);
        subscribers.publish(new ControlEvent.SupervisorStateChanged(newMood));
        stopQueue = new ArrayList<>(orderedGroups());
        for (ProcessGroup g : stopQueue) {
            for (Subprocess p : g.processes()) {
                p.handle(new ProcessEvent.ShutdownStarted());
            }
        }
        advanceStop();
    }

    /** Stops groups one at a time, highest priority value first, as supervisord does. */
    private void advanceStop() {
        while (stopQueue != null && !stopQueue.isEmpty()) {
            ProcessGroup last = stopQueue.getLast();
            for (Subprocess p : last.processes().reversed()) {
                p.handle(new ProcessEvent.StopForShutdown());
            }
            if (!last.allStopped()) {
                shutdownReport();
                return;
            }
            stopQueue.removeLast();
        }
        if (stopQueue != null && groups.values().stream().allMatch(ProcessGroup::allStopped)) {
            finishStop();
        }
    }

    private void shutdownReport() {
        Instant now = now();
        if (now.isAfter(lastShutdownReport.plusSeconds(3))) {
            List<String> names = new ArrayList<>();
            for (ProcessGroup g : groups.values()) {
                g.unstopped().forEach(p -> names.add(p.name()));
            }
            if (!names.isEmpty()) {
                log(LogLevel.INFO, "waiting for " + String.join(", ", names) + " to die");
                lastShutdownReport = now;
            }
        }
        // report again in 3 s even if nothing changes meanwhile
        schedule(this::advanceStopIfStopping, Duration.ofSeconds(3));
    }

    private void advanceStopIfStopping() {
        if (stopQueue != null) {
            advanceStop();
        }
    }

    private void finishStop() {
        for (ProcessGroup g : groups.values()) {
            g.processes().forEach(Subprocess::closeLogs);
        }
        groups.clear();
        stopQueue = null;
        if (mood == SupervisorState.RESTARTING) {
            frontend.close(true);
            SupervisorConfig fresh;
            try {
                fresh = readConfig(configFile, host);
            } catch (ConfigException e) {
                // supervisord exits 2 on a broken config at reload, after stopping everything
                stdout.flush();
                System.err.println(e.describe());
                System.err.println("For help, use kupervisor supervisord -h");
                terminate(2);
                return;
            }
            config = fresh;
            mainLog.close();
            try {
                boot();
            } catch (IOException e) {
                System.err.println("Error: " + e.getMessage());
                terminate(2);
            }
            return;
        }
        terminate(exitOnFatalTriggered ? 1 : 0);
    }

    private void terminate(int code) {
        exitCode = code;
        frontend.close(false);
        removePidfile();
        if (mainLog != null) {
            mainLog.close();
        }
        if (mirror != null) {
            mirror.close();
        }
        pump.close();
        events.reset(); // its TICK timer would still fire after the loop's shutdown()
        if (settledTrim != null) {
            settledTrim.cancel(false); // a delayed task would otherwise still run after shutdown()
        }
        exited.countDown();
        loop.shutdown();
    }

    /** Blocks until the daemon has stopped; returns supervisord's exit status. */
    public int awaitExit() throws InterruptedException {
        exited.await();
        return exitCode;
    }

    public boolean awaitExit(Duration timeout) throws InterruptedException {
        return exited.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public int exitCode() {
        return exitCode;
    }

    // ---- reaping ----

    private void reapedOrphan(Posix.Reaped r) {
        String how = r.exited() ? "exit status " + r.exitCode() : "terminated by " + Signals.name(r.termSignal());
        log(LogLevel.INFO, "reaped unknown pid " + r.pid() + " (" + how + ")");
    }

    // ---- Daemon (what processes need; loop thread unless said otherwise) ----

    @Override
    public Instant now() {
        return clock.instant();
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        return loop.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    }

    /** A main-log line; any thread (the main log is written whole under its lock). */
    @Override
    public void log(LogLevel level, String message) {
        MainLog l = mainLog;
        if (l != null) {
            l.log(level, message);
        }
    }

    @Override
    public OutputPump pump() {
        return pump;
    }

    @Override
    public Map<String, String> environment() {
        return host.env();
    }

    @Override
    public Path cwd() {
        return host.cwd();
    }

    @Override
    public String serverUrl() {
        for (ServerConfig s : config.servers()) {
            if (s instanceof ServerConfig.Unix u) {
                return "unix://" + u.file();
            }
        }
        for (ServerConfig s : config.servers()) {
            if (s instanceof ServerConfig.Inet i) {
                return "http://" + (i.host().isEmpty() ? "localhost" : i.host()) + ":" + i.port();
            }
        }
        return null;
    }

    @Override
    public Path childLogDir() {
        return host.cwd().resolve(config.supervisord().childlogdir());
    }

    @Override
    public String identifier() {
        return config.supervisord().identifier();
    }

    @Override
    public boolean stripAnsi() {
        return config.supervisord().stripAnsi();
    }

    @Override
    public boolean stableAutoLogs() {
        return config.kupervisor().stableAutoLogs();
    }

    @Override
    public boolean logChildOutput() {
        return config.supervisord().loglevel().number() <= LogLevel.DEBUG.number();
    }

    @Override
    public StdoutMirror mirror() {
        return mirror;
    }

    @Override
    public EventHooks eventHooks() {
        return events;
    }

    @Override
    public void stateChanged(Subprocess process, Action.StateChanged change) {
        events.stateChanged(process, change);
        subscribers.publish(new ControlEvent.ProcessStateChanged(process.config().groupName(), process.name(),
                change.from(), change.to(), change.expected(), change.pid(), change.tries()));
        if (change.to() == ProcessState.FATAL && config.kupervisor().exitOnFatal() && !exitOnFatalTriggered
                && mood == SupervisorState.RUNNING) {
            exitOnFatalTriggered = true;
            // after this transition's own actions (its "gave up" line), so the log reads cause first
            loop.execute(() -> {
                log(LogLevel.CRITICAL, "kupervisor: " + process.name() + " entered FATAL and exit_on_fatal is set:"
                        + " shutting down (exit status 1)");
                beginStop(SupervisorState.SHUTDOWN);
            });
        }
        if (stopQueue != null && change.to().isStopped()) {
            // continue the ordered stop once this call's own transition is complete
            loop.execute(this::advanceStopIfStopping);
        }
        if (!waiters.isEmpty()) {
            loop.execute(this::checkWaiters);
        }
    }

    @Override
    public boolean outputWanted() {
        return subscribers.wants(ControlEvent.Kind.PROCESS_OUTPUT);
    }

    /** Pump thread: handed to the loop, which publishes it in order with everything else. */
    @Override
    public void output(Subprocess process, long pid, Channel channel, byte[] data) {
        ControlEvent event = new ControlEvent.ProcessOutput(process.config().groupName(), process.name(), pid,
                channel, data);
        try {
            loop.execute(() -> subscribers.publish(event));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the daemon has ended
        }
    }

    /** Runs on the loop without waiting; any thread. */
    @Override
    public void execute(Runnable task) {
        loop.execute(task);
    }

    // ---- for LoopControl (loop thread unless said otherwise) ----

    boolean onLoop() {
        return Thread.currentThread() == loopThread;
    }

    /** Runs {@code task} on the loop and waits for it: for the engine's own tests, which look inside. */
    <T> T call(java.util.concurrent.Callable<T> task) throws Exception {
        try {
            return loop.submit(task).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception x ? x : e;
        }
    }

    Subscribers subscribers() {
        return subscribers;
    }

    /** Event delivery (loop thread): remote communication, and what tests look at. */
    EventHub events() {
        return events;
    }

    /** Any thread. */
    SupervisorState mood() {
        return mood;
    }

    /** Any thread. */
    SupervisorConfig config() {
        return config;
    }

    /** Any thread. */
    MainLog mainLog() {
        return mainLog;
    }

    Path configFile() {
        return configFile;
    }

    HostEnvironment host() {
        return host;
    }

    /** The active group of that name, or null. */
    ProcessGroup group(String name) {
        return groups.get(name);
    }

    /** Finds a process by namespec ({@code name} or {@code group:name}), or null. */
    Subprocess find(String namespec) {
        Namespec n = Namespec.parse(namespec);
        ProcessGroup g = groups.get(n.group());
        return g == null || n.isWholeGroup() ? null : g.process(n.process());
    }

    /**
     * The groups of the latest parse (supervisord's "available" set): the running config until a
     * reread, the fresh parse after it.
     */
    List<ProcessGroupConfig> availableGroups() {
        return (pendingConfig != null ? pendingConfig : config).groups();
    }

    /** A reread's parse becomes the available set; returns how it differs from the active groups. */
    GroupDiff reread(SupervisorConfig fresh) {
        pendingConfig = fresh;
        return GroupDiff.between(groups.values().stream().map(ProcessGroup::config).toList(), fresh.groups());
    }

    /**
     * supervisord's addProcessGroup: adds an available group that is not running; its autostart
     * processes start. Returns false if the group is already active.
     *
     * @throws IllegalArgumentException if no available group has that name (BAD_NAME)
     */
    boolean addProcessGroup(String name) {
        ProcessGroupConfig g = availableGroups().stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(name));
        if (!addGroup(g)) {
            return false;
        }
        for (Subprocess p : groups.get(name).processes()) {
            p.handle(new ProcessEvent.AutostartDue());
        }
        return true;
    }

    /** supervisord's removeProcessGroup; false when a process of the group is not stopped. */
    boolean removeProcessGroup(String name) {
        ProcessGroup g = groups.get(name);
        if (!g.allStopped()) {
            return false;
        }
        removeGroup(name);
        return true;
    }

    /**
     * supervisorctl's update with the parse {@code fresh} and its difference: removed groups are
     * stopped and removed, changed ones stopped, removed and added again, added ones added
     * (autostart members start). Unchanged groups keep their processes. {@code done} runs when the
     * groups are in place.
     */
    void update(SupervisorConfig fresh, GroupDiff diff, Runnable done) {
        List<String> toStop = new ArrayList<>();
        diff.removed().forEach(g -> toStop.add(g.name()));
        diff.changed().forEach(g -> toStop.add(g.name()));
        stopGroupsThen(toStop, () -> {
            // supervisorctl's order: the removed groups, then each changed one removed and added
            // again, then the added ones (PROCESS_GROUP_* events come in that order)
            for (ProcessGroupConfig g : diff.removed()) {
                removeGroup(g.name());
            }
            for (ProcessGroupConfig g : diff.changed()) {
                removeGroup(g.name());
                addGroup(g);
            }
            for (ProcessGroupConfig g : diff.added()) {
                addGroup(g);
            }
            // the parse this update diffed, even if another reread came while the stops ran
            config = withGroups(fresh);
            for (ProcessGroupConfig g : concat(diff.changed(), diff.added())) {
                for (Subprocess p : groups.get(g.name()).processes()) {
                    p.handle(new ProcessEvent.AutostartDue());
                }
            }
            done.run();
        });
    }

    /** update applies the fresh groups only; [supervisord] and server changes wait for a reload. */
    private SupervisorConfig withGroups(SupervisorConfig fresh) {
        SupervisorConfig c = config;
        return new SupervisorConfig(c.configFile(), c.supervisord(), fresh.groups(), c.servers(), c.rpcInterfaces(),
                c.includedFiles(), c.warnings(), c.kupervisor());
    }

    private static List<ProcessGroupConfig> concat(List<ProcessGroupConfig> a, List<ProcessGroupConfig> b) {
        List<ProcessGroupConfig> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** Stops every process of the named groups, then runs {@code then} on the loop. */
    private void stopGroupsThen(List<String> names, Runnable then) {
        List<Subprocess> targets = new ArrayList<>();
        for (String n : names) {
            ProcessGroup g = groups.get(n);
            if (g != null) {
                targets.addAll(g.processes());
            }
        }
        for (Subprocess p : targets) {
            if (p.state().isRunning()) {
                p.handle(new ProcessEvent.StopRequested());
            }
        }
        whenTrue(() -> targets.stream().allMatch(p -> p.state().isStopped()), then);
    }

    /** Runs {@code then} as soon as {@code condition} holds (checked after every state change). */
    void whenTrue(BooleanSupplier condition, Runnable then) {
        if (condition.getAsBoolean()) {
            then.run();
        } else {
            waiters.add(new Waiter(condition, then));
        }
    }

    private record Waiter(BooleanSupplier condition, Runnable then) {
    }

    private void checkWaiters() {
        for (Waiter w : List.copyOf(waiters)) {
            if (w.condition().getAsBoolean()) {
                waiters.remove(w);
                w.then().run();
            }
        }
    }

    private void reopenLogs() {
        try {
            mainLog.reopen(); // writes supervisord's "supervisord logreopen" line itself
        } catch (IOException e) {
            log(LogLevel.ERROR, "could not reopen the main log: " + e.getMessage());
        }
        for (ProcessGroup g : groups.values()) {
            g.processes().forEach(Subprocess::reopenLogs);
        }
    }

    private void writePidfile() {
        Path pidfile = host.cwd().resolve(config.supervisord().pidfile());
        try {
            Files.writeString(pidfile, Posix.getpid() + "\n");
        } catch (IOException e) {
            log(LogLevel.CRITICAL, "could not write pidfile " + pidfile);
        }
    }

    private void removePidfile() {
        try {
            Files.deleteIfExists(host.cwd().resolve(config.supervisord().pidfile()));
        } catch (IOException ignored) {
            // nothing more to do at exit
        }
    }
}
