package io.kupervisor.core.state;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the state machine knows about one process: an immutable value, so a driver can keep
 * it, persist it (the operator stores it in the CR status) and hand it back later.
 *
 * @param state          current state
 * @param pid            the running process's id (an OS pid, or a pod generation); 0 when none
 * @param startedAt      time of the last start (spawn attempt or successful spawn); null = never
 *                       started. Drives autostart-once, {@code Not started} and the uptime.
 * @param stoppedAt      time of the last exit (supervisord's {@code laststop}); null = never exited
 * @param backoff        consecutive failed starts (supervisord's {@code backoff}, the events' "tries")
 * @param delay          supervisord's {@code delay}: in STARTING the end of startsecs, in BACKOFF the
 *                       end of the backoff wait, in STOPPING when SIGKILL is due, in EXITED when a
 *                       throttled autorestart is due; null when none
 * @param exitStatus     how the process last ended; null after a spawn and after an exit within
 *                       startsecs (as supervisord's {@code exitstatus})
 * @param spawnerr       the reason the last start failed; null when none
 * @param killing        a stop signal was sent and the exit is awaited (STOPPING)
 * @param spawnPending   {@link Action.Spawn} was asked for and not yet answered
 * @param shuttingDown   a shutdown/reload is in progress: no more spawns
 * @param lastStopReport when {@code waiting for x to stop} was last logged; null when not reporting
 */
public record ProcessSnapshot(
        ProcessState state,
        long pid,
        Instant startedAt,
        Instant stoppedAt,
        int backoff,
        Instant delay,
        ExitStatus exitStatus,
        String spawnerr,
        boolean killing,
        boolean spawnPending,
        boolean shuttingDown,
        Instant lastStopReport) {

    /** Interval of the {@code waiting for x to stop} report (strictly more than this). */
    public static final Duration STOP_REPORT_INTERVAL = Duration.ofSeconds(2);

    public ProcessSnapshot {
        Objects.requireNonNull(state, "state");
        if (pid < 0) {
            throw new IllegalArgumentException("pid must be >= 0: " + pid);
        }
        if (backoff < 0) {
            throw new IllegalArgumentException("backoff must be >= 0: " + backoff);
        }
    }

    /** A process that was never started: STOPPED, no pid, no history. */
    public static ProcessSnapshot initial() {
        return new ProcessSnapshot(ProcessState.STOPPED, 0, null, null, 0, null, null, null,
                false, false, false, null);
    }

    /** Whether a start was ever attempted (then autostart no longer applies). */
    public boolean everStarted() {
        return startedAt != null;
    }

    /** {@code getProcessInfo}'s {@code exitstatus}: the exit code, -1 for a signal death, 0 if none. */
    public int exitStatusCode() {
        return exitStatus == null ? 0 : exitStatus.code();
    }

    /** {@code getProcessInfo}'s {@code spawnerr}: '' if none. */
    public String spawnerrText() {
        return spawnerr == null ? "" : spawnerr;
    }

    /** {@code getProcessInfo}'s {@code start}: whole epoch seconds, 0 if never started. */
    public long startEpochSecond() {
        return startedAt == null ? 0 : startedAt.getEpochSecond();
    }

    /** {@code getProcessInfo}'s {@code stop}: whole epoch seconds of the last exit, 0 if none. */
    public long stopEpochSecond() {
        return stoppedAt == null ? 0 : stoppedAt.getEpochSecond();
    }

    /**
     * The earliest instant at which a time-based rule can fire, i.e. when the driver should deliver
     * {@link ProcessEvent.TimerDue}; empty when no rule is pending. Where supervisord's rule is a
     * strict {@code now > t} (startsecs, backoff, stop report) this is one nanosecond after t.
     */
    public Optional<Instant> nextDeadline() {
        Instant at = switch (state) {
            case STARTING -> pid != 0 && delay != null ? strictlyAfter(delay) : null;
            case BACKOFF -> !shuttingDown && delay != null ? strictlyAfter(delay) : null;
            case STOPPING -> {
                Instant report = lastStopReport == null
                        ? null : strictlyAfter(lastStopReport.plus(STOP_REPORT_INTERVAL));
                yield earliest(delay, report);
            }
            case EXITED -> !shuttingDown ? delay : null;
            default -> null;
        };
        return Optional.ofNullable(at);
    }

    static Instant strictlyAfter(Instant t) {
        return t.plusNanos(1);
    }

    private static Instant earliest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.isBefore(b) ? a : b;
    }
}
