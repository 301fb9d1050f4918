package io.kupervisor.supervisord.control;

import io.kupervisor.core.config.LogLevel;
import io.kupervisor.core.config.SupervisorConfig;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The daemon as everything outside its loop sees it: XML-RPC, the web page, the health endpoints,
 * tests, and whatever else follows the daemon (the events it publishes are the facts supervisord's
 * events carry). Only the daemon's loop thread touches process state; this interface is how the
 * rest of the daemon asks for something, and the only way it can: it hands out immutable
 * snapshots and futures, never a process. (The event listeners run processes of their own and are
 * part of the engine: the engine tells them of every event beside the subscribers.)
 *
 * <h2>Requests</h2>
 * Every request may be made from any thread. It is carried out on the loop, with supervisord's
 * checks in supervisord's order ({@code rpcinterface.py}), and its future completes on the loop:
 * with the result, or exceptionally with a {@link ControlException} carrying supervisord's fault.
 * Every request but the read-only ones fails with {@link Fault#SHUTDOWN_STATE} while the daemon
 * stops or reloads. Waiting on a future from the loop thread itself would deadlock; subscribers
 * (which run on the loop) must not.
 *
 * <h2>Subscriptions</h2>
 * {@link #subscribe} delivers {@link ControlEvent}s of the kinds asked for, on the loop thread, in
 * the order they happened, from the moment {@code subscribe} returns: a snapshot taken after
 * subscribing misses nothing, and every change after it arrives as an event. A subscriber must
 * return quickly (hand slow work to a thread of its own) and must not block on this interface;
 * an exception it throws is logged and does not reach the daemon. What the kinds carry:
 * <ul>
 * <li>{@link ControlEvent.Kind#PROCESS_STATE}: every process state transition, with from, to,
 *     expected, pid and tries as supervisord's PROCESS_STATE_* events carry them.</li>
 * <li>{@link ControlEvent.Kind#PROCESS_OUTPUT}: what each process writes, per channel, as its log
 *     got it. The pump copies output for subscribers only while one subscribes to this kind.</li>
 * <li>{@link ControlEvent.Kind#SUPERVISOR_STATE}: RUNNING at boot and after a reload; SHUTDOWN or
 *     RESTARTING when the daemon begins to stop.</li>
 * <li>{@link ControlEvent.Kind#GROUP}: a group added (boot, add, update) or removed (remove, update).</li>
 * <li>{@link ControlEvent.Kind#REMOTE_COMMUNICATION}: {@link #remoteCommunication} calls.</li>
 * </ul>
 */
public interface Control {

    // ---- reading ----

    /** The daemon's clock. */
    Instant now();

    /** The configuration the daemon runs (replaced by a reload and by {@link #update}); immutable. */
    SupervisorConfig config();

    /** supervisord's state, as last set on the loop (a volatile read: no trip to the loop). */
    SupervisorState state();

    /** Completes on the loop with its state: a round trip that proves the loop is alive. */
    CompletableFuture<SupervisorState> ping();

    /** Every group and process as the loop sees them, taken in one turn of the loop. */
    CompletableFuture<DaemonStatus> status();

    /** One process ({@code name} or {@code group:name}); BAD_NAME when no single process has that name. */
    CompletableFuture<ProcessStatus> process(String namespec);

    /** Writes a main-log line; any thread. */
    void log(LogLevel level, String message);

    // ---- the daemon ----

    /** supervisord's {@code shutdown}: the ordered stop begins (the future completes when it has begun). */
    CompletableFuture<Void> shutdown();

    /** supervisord's {@code restart} (a reload): stop everything, read the configuration afresh, boot again. */
    CompletableFuture<Void> reload();

    /**
     * supervisord's {@code reloadConfig}: parse the configuration afresh (it becomes the available
     * set) and tell what it adds, changes and removes. CANT_REREAD with supervisord's message.
     */
    CompletableFuture<GroupDiff> reread();

    /**
     * {@code supervisorctl update} in one request: reread, then stop and remove the removed and
     * changed groups, add the changed and added ones (their autostart processes start). Completes
     * when the stops are done and the groups are in place, with the difference it applied.
     */
    CompletableFuture<GroupDiff> update();

    /** {@code addProcessGroup}: BAD_NAME when not available, ALREADY_ADDED when active. */
    CompletableFuture<Void> addGroup(String name);

    /** {@code removeProcessGroup}: BAD_NAME when not active, STILL_RUNNING when a process is not stopped. */
    CompletableFuture<Void> removeGroup(String name);

    /** {@code clearLog}: truncates the main log; NO_FILE without one, FAILED on an I/O error. */
    CompletableFuture<Void> clearMainLog();

    /**
     * {@code sendRemoteCommEvent}: publishes a {@link ControlEvent.RemoteCommunication} (no state
     * check, as in supervisord).
     */
    CompletableFuture<Void> remoteCommunication(String type, String data);

    // ---- processes: one ----

    /**
     * {@code startProcess} of one process: NO_FILE / NOT_EXECUTABLE for its command, ALREADY_STARTED,
     * FAILED in UNKNOWN, SPAWN_ERROR; with {@code wait}, completes once it is RUNNING
     * (ABNORMAL_TERMINATION or SPAWN_ERROR when it does not get there).
     */
    CompletableFuture<Void> start(String namespec, boolean wait);

    /** {@code stopProcess} of one process: NOT_RUNNING, FAILED; with {@code wait}, completes once it stopped. */
    CompletableFuture<Void> stop(String namespec, boolean wait);

    /**
     * {@code signalProcess} of one process: {@code signal} as supervisord's {@code signal_number}
     * takes it (a number, or a name with or without SIG); BAD_SIGNAL (after BAD_NAME, as in
     * supervisord), NOT_RUNNING, FAILED.
     */
    CompletableFuture<Void> signal(String namespec, String signal);

    /** {@code clearProcessLogs}: truncates both logs of one process (if they were ever opened). */
    CompletableFuture<Void> clearLogs(String namespec);

    /**
     * {@code sendProcessStdin}: NOT_RUNNING, NO_FILE (stdin closed), FAILED (more than kupervisor
     * keeps waiting for the process to read). Never blocks the loop.
     */
    CompletableFuture<Void> writeStdin(String namespec, byte[] data);

    // ---- processes: many ----

    /**
     * The group and all variants ({@code startProcessGroup}, {@code startAllProcesses}...):
     * {@code group} null means every process. BAD_NAME for an unknown group. The results are
     * supervisord's: immediate answers first, in process order, then the waited ones as they
     * complete (those completing within 50 ms of each other in process order).
     */
    CompletableFuture<List<ProcessResult>> startMany(String group, boolean wait);

    CompletableFuture<List<ProcessResult>> stopMany(String group, boolean wait);

    CompletableFuture<List<ProcessResult>> signalMany(String group, String signal);

    /** {@code clearAllProcessLogs}. */
    CompletableFuture<List<ProcessResult>> clearAllLogs();

    // ---- subscriptions ----

    /**
     * Delivers the events of {@code kinds} to {@code subscriber} from now on (see the class
     * documentation) until the subscription is closed.
     */
    Subscription subscribe(Set<ControlEvent.Kind> kinds, Consumer<? super ControlEvent> subscriber);

    /** An active subscription. */
    interface Subscription extends AutoCloseable {
        /** Stops the deliveries (one under way may still arrive). */
        @Override
        void close();
    }
}
