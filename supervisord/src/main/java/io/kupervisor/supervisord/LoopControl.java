package io.kupervisor.supervisord;

import io.kupervisor.core.config.ConfigException;
import io.kupervisor.core.config.LogLevel;
import io.kupervisor.core.config.Namespec;
import io.kupervisor.core.config.ProcessConfig;
import io.kupervisor.core.config.SupervisorConfig;
import io.kupervisor.core.state.Outcome;
import io.kupervisor.core.state.ProcessEvent;
import io.kupervisor.core.state.ProcessSnapshot;
import io.kupervisor.core.state.ProcessState;
import io.kupervisor.core.state.Signals;
import io.kupervisor.supervisord.control.Control;
import io.kupervisor.supervisord.control.ControlEvent;
import io.kupervisor.supervisord.control.ControlException;
import io.kupervisor.supervisord.control.DaemonStatus;
import io.kupervisor.supervisord.control.Fault;
import io.kupervisor.supervisord.control.GroupDiff;
import io.kupervisor.supervisord.control.GroupStatus;
import io.kupervisor.supervisord.control.ProcessResult;
import io.kupervisor.supervisord.control.ProcessStatus;
import io.kupervisor.supervisord.control.SupervisorState;
import io.kupervisor.supervisord.log.MainLog;
import io.kupervisor.supervisord.process.ExecResolver;
import io.kupervisor.supervisord.process.ProcessGroup;
import io.kupervisor.supervisord.process.StdinWriter;
import io.kupervisor.supervisord.process.Subprocess;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * {@link Control} on the daemon's loop: supervisord's {@code SupervisorNamespaceRPCInterface}
 * semantics (the checks in its order, its faults, its deferred answers) carried out on the loop
 * thread, each request's future completed there. The XML-RPC layer and the web page only
 * translate to and from it.
 */
final class LoopControl implements Control {
    /** How long answers of a request on many processes are gathered before they are reported in order. */
    static final Duration POLL_WINDOW = Duration.ofMillis(50);
    /** Configuration parses of reread and update run here, not on the loop. */
    private static final Executor PARSING = Executors.newVirtualThreadPerTaskExecutor();

    private final Supervisor sup;
    private final StdinWriter stdin = new StdinWriter();

    LoopControl(Supervisor sup) {
        this.sup = sup;
    }

    /** A loop-thread body: its value, or a future for a deferred answer; faults are thrown. */
    @FunctionalInterface
    private interface Work<T> {
        Object run() throws Exception;
    }

    /** Runs {@code work} on the loop (always posted: never inside another transition) and completes with it. */
    @SuppressWarnings("unchecked")
    private <T> CompletableFuture<T> request(Work<T> work) {
        CompletableFuture<T> f = new CompletableFuture<>();
        try {
            sup.execute(() -> {
                try {
                    Object r = work.run();
                    if (r instanceof CompletableFuture<?> deferred) {
                        deferred.whenComplete((v, ex) -> {
                            if (ex != null) {
                                f.completeExceptionally(unwrap(ex));
                            } else {
                                f.complete((T) v);
                            }
                        });
                    } else {
                        f.complete((T) r);
                    }
                } catch (Throwable t) {
                    f.completeExceptionally(t);
                }
            });
        } catch (RejectedExecutionException e) {
            // the loop has ended: the daemon is gone
            f.completeExceptionally(new ControlException(Fault.SHUTDOWN_STATE));
        }
        return f;
    }

    private static Throwable unwrap(Throwable t) {
        return (t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException)
                && t.getCause() != null ? t.getCause() : t;
    }

    // ---- reading ----

    @Override
    public Instant now() {
        return sup.now();
    }

    @Override
    public SupervisorConfig config() {
        return sup.config();
    }

    @Override
    public SupervisorState state() {
        return sup.mood();
    }

    @Override
    public CompletableFuture<SupervisorState> ping() {
        return request(sup::mood);
    }

    @Override
    public CompletableFuture<DaemonStatus> status() {
        return request(this::takeStatus);
    }

    @Override
    public CompletableFuture<ProcessStatus> process(String namespec) {
        return request(() -> statusOf(single(namespec)));
    }

    @Override
    public void log(LogLevel level, String message) {
        sup.log(level, message);
    }

    private DaemonStatus takeStatus() {
        List<GroupStatus> groups = new ArrayList<>();
        for (ProcessGroup g : sup.orderedGroups()) {
            groups.add(new GroupStatus(g.config(), g.processes().stream().map(LoopControl::statusOf).toList()));
        }
        MainLog log = sup.mainLog();
        return new DaemonStatus(sup.mood(), sup.now(), groups, sup.availableGroups(), log == null ? null : log.path());
    }

    private static ProcessStatus statusOf(Subprocess p) {
        return new ProcessStatus(p.config(), p.snapshot(), p.stdoutLogPath(), p.stderrLogPath());
    }

    // ---- checks (loop thread) ----

    /** supervisord's {@code _update}: every request fails with SHUTDOWN_STATE while stopping. */
    private void checkRunning() {
        SupervisorState mood = sup.mood();
        if (mood == SupervisorState.RESTARTING || mood == SupervisorState.SHUTDOWN) {
            throw new ControlException(Fault.SHUTDOWN_STATE);
        }
    }

    private record Target(ProcessGroup group, Subprocess process) {
    }

    /** {@code _getGroupAndProcess}: BAD_NAME with the name as given; process null for {@code g:*}. */
    private Target groupAndProcess(String name) {
        Namespec n = Namespec.parse(name);
        ProcessGroup g = sup.group(n.group());
        if (g == null) {
            throw new ControlException(Fault.BAD_NAME, name);
        }
        if (n.isWholeGroup()) {
            return new Target(g, null);
        }
        Subprocess p = g.process(n.process());
        if (p == null) {
            throw new ControlException(Fault.BAD_NAME, name);
        }
        return new Target(g, p);
    }

    /** The one process a namespec names; BAD_NAME for a whole group too. */
    private Subprocess single(String name) {
        Subprocess p = groupAndProcess(name).process();
        if (p == null) {
            throw new ControlException(Fault.BAD_NAME, name);
        }
        return p;
    }

    private ProcessGroup groupOrFault(String name) {
        ProcessGroup g = sup.group(name);
        if (g == null) {
            throw new ControlException(Fault.BAD_NAME, name);
        }
        return g;
    }

    /** Processes by (group priority, group order), then (process priority, name): supervisord's order. */
    private List<Subprocess> allByPriority() {
        List<Subprocess> all = new ArrayList<>();
        for (ProcessGroup g : sup.orderedGroups()) {
            all.addAll(g.processes());
        }
        return all;
    }

    // ---- the daemon ----

    @Override
    public CompletableFuture<Void> shutdown() {
        return request(() -> {
            checkRunning();
            sup.stopLater(SupervisorState.SHUTDOWN);
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> reload() {
        return request(() -> {
            checkRunning();
            sup.stopLater(SupervisorState.RESTARTING);
            return null;
        });
    }

    @Override
    public CompletableFuture<GroupDiff> reread() {
        return freshParse().thenCompose(fresh -> request(() -> sup.reread(fresh)));
    }

    /** The state check on the loop, then a parse off it; CANT_REREAD with supervisord's message. */
    private CompletableFuture<SupervisorConfig> freshParse() {
        return this.<Void>request(() -> {
            checkRunning();
            return null;
        }).thenApplyAsync(v -> {
            try {
                return Supervisor.readConfig(sup.configFile(), sup.host());
            } catch (ConfigException e) {
                throw new ControlException(Fault.CANT_REREAD, e.supervisordMessage());
            } catch (RuntimeException e) {
                throw new ControlException(Fault.CANT_REREAD, String.valueOf(e.getMessage()));
            }
        }, PARSING);
    }

    @Override
    public CompletableFuture<GroupDiff> update() {
        return freshParse().thenCompose(fresh -> request(() -> {
            checkRunning();
            GroupDiff diff = sup.reread(fresh);
            CompletableFuture<GroupDiff> done = new CompletableFuture<>();
            sup.update(fresh, diff, () -> done.complete(diff));
            return done;
        }));
    }

    @Override
    public CompletableFuture<Void> addGroup(String name) {
        return request(() -> {
            checkRunning();
            boolean added;
            try {
                added = sup.addProcessGroup(name);
            } catch (IllegalArgumentException e) {
                throw new ControlException(Fault.BAD_NAME, name);
            }
            if (!added) {
                throw new ControlException(Fault.ALREADY_ADDED, name);
            }
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> removeGroup(String name) {
        return request(() -> {
            checkRunning();
            groupOrFault(name);
            if (!sup.removeProcessGroup(name)) {
                throw new ControlException(Fault.STILL_RUNNING, name);
            }
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> clearMainLog() {
        return request(() -> {
            checkRunning();
            MainLog log = sup.mainLog();
            if (log == null || log.path() == null) {
                throw new ControlException(Fault.NO_FILE);
            }
            try {
                log.clear();
            } catch (NoSuchFileException e) {
                throw new ControlException(Fault.NO_FILE);
            } catch (IOException e) {
                throw new ControlException(Fault.FAILED);
            }
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> remoteCommunication(String type, String data) {
        return request(() -> {
            // no state check, as in supervisord: to the event listeners, and to the subscribers
            sup.events().remoteCommunication(type, data);
            sup.subscribers().publish(new ControlEvent.RemoteCommunication(type, data));
            return null;
        });
    }

    // ---- processes: one ----

    @Override
    public CompletableFuture<Void> start(String namespec, boolean wait) {
        return request(() -> startOne(namespec, wait));
    }

    @Override
    public CompletableFuture<Void> stop(String namespec, boolean wait) {
        return request(() -> stopOne(namespec, wait));
    }

    @Override
    public CompletableFuture<Void> signal(String namespec, String signal) {
        return request(() -> signalOne(namespec, signal));
    }

    @Override
    public CompletableFuture<Void> clearLogs(String namespec) {
        return request(() -> {
            checkRunning();
            clearLogsOf(namespec);
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> writeStdin(String namespec, byte[] data) {
        return request(() -> {
            checkRunning();
            Subprocess p = single(namespec);
            ProcessSnapshot s = p.snapshot();
            if (s.pid() == 0 || s.killing()) {
                throw new ControlException(Fault.NOT_RUNNING, namespec);
            }
            int fd = p.stdinFd();
            if (fd < 0) {
                throw new ControlException(Fault.NO_FILE, namespec);
            }
            long pid = s.pid();
            try {
                stdin.write(p.namespec(), fd, pid, data, () -> p.stdinFd() == fd && p.snapshot().pid() == pid,
                        r -> sup.schedule(r, Duration.ofMillis(20)));
            } catch (StdinWriter.WriteFailed e) {
                throw new ControlException(e.errno == StdinWriter.EPIPE ? Fault.NO_FILE : Fault.FAILED, namespec);
            } catch (IllegalStateException e) {
                throw new ControlException(Fault.FAILED, e.getMessage());
            }
            return null;
        });
    }

    /**
     * {@code startProcess} of one process: null when answered at once, a future when it waits.
     * Loop thread.
     */
    private CompletableFuture<Void> startOne(String name, boolean wait) {
        checkRunning();
        Subprocess p = single(name);
        ProcessConfig c = p.config();
        try {
            ExecResolver.resolve(c.command(), c.environment(), sup.environment(), sup.cwd());
        } catch (ExecResolver.SpawnError e) {
            throw new ControlException(e.kind() == ExecResolver.SpawnError.Kind.NOT_FOUND ? Fault.NO_FILE
                    : Fault.NOT_EXECUTABLE, e.getMessage());
        }
        if (p.state().isRunning()) {
            throw new ControlException(Fault.ALREADY_STARTED, name);
        }
        if (p.state() == ProcessState.UNKNOWN) {
            throw new ControlException(Fault.FAILED, name + " is in an unknown process state");
        }
        Outcome outcome = p.handle(new ProcessEvent.StartRequested()).outcome();
        if (outcome == Outcome.SHUTTING_DOWN) {
            throw new ControlException(Fault.SHUTDOWN_STATE);
        }
        if (p.snapshot().spawnerr() != null) {
            throw new ControlException(Fault.SPAWN_ERROR, name);
        }
        if (wait && p.state() != ProcessState.RUNNING) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            sup.whenTrue(() -> p.snapshot().spawnerr() != null || p.state() != ProcessState.STARTING, () -> {
                if (p.snapshot().spawnerr() != null) {
                    f.completeExceptionally(new ControlException(Fault.SPAWN_ERROR, name));
                } else if (p.state() == ProcessState.RUNNING) {
                    f.complete(null);
                } else {
                    f.completeExceptionally(new ControlException(Fault.ABNORMAL_TERMINATION, name));
                }
            });
            return f;
        }
        return null;
    }

    /** {@code stopProcess} of one process. Loop thread. */
    private CompletableFuture<Void> stopOne(String name, boolean wait) {
        checkRunning();
        Subprocess p = single(name);
        if (!p.state().isRunning()) {
            ProcessSnapshot s = p.snapshot();
            if (s.state() == ProcessState.EXITED && s.delay() != null) {
                // kupervisor's throttled autorestart is pending: the stop cancels it
                p.handle(new ProcessEvent.StopRequested());
            }
            throw new ControlException(Fault.NOT_RUNNING, name);
        }
        p.handle(new ProcessEvent.StopRequested());
        if (p.state() == ProcessState.UNKNOWN) {
            throw new ControlException(Fault.FAILED, "unknown problem killing " + p.name());
        }
        if (wait && !p.state().isStopped()) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            sup.whenTrue(() -> p.state().isStopped(), () -> f.complete(null));
            return f;
        }
        return null;
    }

    /** supervisord's {@code signal_number}: a number, or a name with or without SIG. */
    static int signalNumber(String signal) {
        int num = Signals.parse(signal);
        if (!Signals.isValidNumber(num)) {
            throw new IllegalArgumentException("not a valid signal number");
        }
        return num;
    }

    /** {@code signalProcess} of one process. Loop thread. */
    private CompletableFuture<Void> signalOne(String name, String signal) {
        checkRunning();
        Subprocess p = single(name);
        int sig;
        try {
            sig = signalNumber(signal);
        } catch (IllegalArgumentException e) {
            throw new ControlException(Fault.BAD_SIGNAL, signal);
        }
        if (!p.state().isSignallable()) {
            throw new ControlException(Fault.NOT_RUNNING, name);
        }
        long pid = p.snapshot().pid();
        Outcome outcome = p.handle(new ProcessEvent.SignalRequested(sig)).outcome();
        switch (outcome) {
            case NOT_RUNNING -> throw new ControlException(Fault.NOT_RUNNING, name);
            case FAILED -> throw new ControlException(Fault.FAILED, "attempted to send " + p.name() + " sig "
                    + Signals.name(sig) + " but it wasn't running");
            default -> {
            }
        }
        if (p.state() == ProcessState.UNKNOWN) {
            throw new ControlException(Fault.FAILED, "unknown problem sending sig " + p.name() + " (" + pid + ")");
        }
        return null;
    }

    private void clearLogsOf(String name) {
        Subprocess p = single(name);
        try {
            p.clearLogsIfOpened();
        } catch (IOException e) {
            throw new ControlException(Fault.FAILED, name);
        }
    }

    // ---- processes: many ----

    @Override
    public CompletableFuture<List<ProcessResult>> startMany(String group, boolean wait) {
        return request(() -> {
            checkRunning();
            List<Subprocess> ps = group == null ? allByPriority() : groupOrFault(group).processes();
            return allFunc(ps, p -> !p.state().isRunning(), n -> startOne(n, wait));
        });
    }

    @Override
    public CompletableFuture<List<ProcessResult>> stopMany(String group, boolean wait) {
        return request(() -> {
            checkRunning();
            List<Subprocess> ps = group == null ? allByPriority() : groupOrFault(group).processes();
            return allFunc(ps, p -> p.state().isRunning(), n -> stopOne(n, wait));
        });
    }

    @Override
    public CompletableFuture<List<ProcessResult>> signalMany(String group, String signal) {
        return request(() -> {
            Object result;
            if (group == null) {
                // supervisord's signalAllProcesses checks the state only after acting
                result = allFunc(allByPriority(), p -> p.state().isSignallable(), n -> signalOne(n, signal));
            } else {
                ProcessGroup g = sup.group(group);
                checkRunning();
                if (g == null) {
                    throw new ControlException(Fault.BAD_NAME, group);
                }
                result = allFunc(g.processes(), p -> p.state().isSignallable(), n -> signalOne(n, signal));
            }
            checkRunning();
            return result;
        });
    }

    @Override
    public CompletableFuture<List<ProcessResult>> clearAllLogs() {
        return request(() -> {
            checkRunning();
            List<ProcessResult> results = new ArrayList<>();
            for (Subprocess p : allByPriority()) {
                try {
                    checkRunning();
                    clearLogsOf(p.namespec());
                    results.add(ProcessResult.ok(p.config().groupName(), p.name()));
                } catch (ControlException e) {
                    results.add(ProcessResult.refused(p.config().groupName(), p.name(), e));
                }
            }
            return results;
        });
    }

    /**
     * supervisord's {@code make_allfunc}: {@code func} for every process the predicate takes;
     * immediate answers first, in order, then the deferred ones as they complete (those
     * completing within one {@link #POLL_WINDOW} in process order, as supervisord's 50 ms polling
     * of its callbacks reports them). Returns the list, or a future of it.
     */
    private Object allFunc(List<Subprocess> processes, Predicate<Subprocess> predicate,
                           Function<String, CompletableFuture<Void>> func) {
        List<ProcessResult> results = new ArrayList<>();
        List<Map.Entry<Subprocess, CompletableFuture<Void>>> pending = new ArrayList<>();
        for (Subprocess p : processes) {
            if (!predicate.test(p)) {
                continue;
            }
            CompletableFuture<Void> r;
            try {
                r = func.apply(p.namespec());
            } catch (ControlException e) {
                results.add(ProcessResult.refused(p.config().groupName(), p.name(), e));
                continue;
            }
            if (r != null) {
                pending.add(Map.entry(p, r));
            } else {
                results.add(ProcessResult.ok(p.config().groupName(), p.name()));
            }
        }
        if (pending.isEmpty()) {
            return results;
        }
        CompletableFuture<List<ProcessResult>> all = new CompletableFuture<>();
        boolean[] pollScheduled = {false};
        Runnable poll = () -> {
            pollScheduled[0] = false;
            for (Iterator<Map.Entry<Subprocess, CompletableFuture<Void>>> it = pending.iterator(); it.hasNext(); ) {
                Map.Entry<Subprocess, CompletableFuture<Void>> e = it.next();
                if (!e.getValue().isDone()) {
                    continue;
                }
                it.remove();
                Subprocess p = e.getKey();
                try {
                    e.getValue().join();
                    results.add(ProcessResult.ok(p.config().groupName(), p.name()));
                } catch (CompletionException | CancellationException ex) {
                    Throwable cause = ex.getCause() == null ? ex : ex.getCause();
                    results.add(cause instanceof ControlException ce
                            ? ProcessResult.refused(p.config().groupName(), p.name(), ce)
                            : new ProcessResult(p.config().groupName(), p.name(), Fault.FAILED, "FAILED: " + cause));
                }
            }
            if (pending.isEmpty()) {
                all.complete(results);
            }
        };
        for (Map.Entry<Subprocess, CompletableFuture<Void>> e : List.copyOf(pending)) {
            e.getValue().whenComplete((v, ex) -> {
                if (!pollScheduled[0]) {
                    pollScheduled[0] = true;
                    sup.schedule(poll, POLL_WINDOW);
                }
            });
        }
        return all;
    }

    // ---- subscriptions ----

    @Override
    public Subscription subscribe(Set<ControlEvent.Kind> kinds, Consumer<? super ControlEvent> subscriber) {
        return sup.subscribers().add(kinds, subscriber);
    }
}
