package io.kupervisor.core.state;

import java.util.Objects;

/**
 * Something that happened to a process, fed to {@link ProcessLifecycle#apply} with the current time.
 * Drivers produce these from their world: the daemon from RPC calls, fork/exec and waitpid; the
 * operator from the CR, pod events and requeues.
 */
public sealed interface ProcessEvent {

    /**
     * The driver is up (or the group was added) and would start autostart programs now. Spawns
     * only if {@code autostart} is set, the process is STOPPED and was never started, and no
     * shutdown is in progress; otherwise ignored. Safe to send repeatedly.
     */
    record AutostartDue() implements ProcessEvent {
    }

    /**
     * A manual start ({@code startProcess}). Refused with ALREADY_STARTED in
     * STARTING/RUNNING/BACKOFF, FAILED in UNKNOWN, STILL_STOPPING in STOPPING and SHUTTING_DOWN
     * once a shutdown began; from STOPPED/EXITED/FATAL it resets the retry count and spawns.
     * Validating the command (supervisord's NO_FILE / NOT_EXECUTABLE faults) is the caller's job.
     */
    record StartRequested() implements ProcessEvent {
    }

    /** The driver carried out {@link Action.Spawn}: the process (or pod generation) {@code pid} runs. */
    record Spawned(long pid) implements ProcessEvent {
        public Spawned {
            if (pid <= 0) {
                throw new IllegalArgumentException("pid must be positive: " + pid);
            }
        }
    }

    /**
     * The driver could not carry out {@link Action.Spawn} (nothing runs), e.g.
     * {@code can't find command 'x'}. Counts as a failed start. Also the answer to
     * {@link Action.CancelSpawn}.
     */
    record SpawnFailed(String spawnerr) implements ProcessEvent {
        public SpawnFailed {
            Objects.requireNonNull(spawnerr, "spawnerr");
        }
    }

    /** The process {@code pid} ended (reaped / container terminated). Ignored if pid is not current. */
    record Exited(long pid, ExitStatus status) implements ProcessEvent {
        public Exited {
            Objects.requireNonNull(status, "status");
        }
    }

    /** A manual stop ({@code stopProcess}). Refused with NOT_RUNNING unless STARTING/RUNNING/BACKOFF. */
    record StopRequested() implements ProcessEvent {
    }

    /** Send an arbitrary signal ({@code signalProcess}); NOT_RUNNING unless STARTING/RUNNING/STOPPING. */
    record SignalRequested(int signal) implements ProcessEvent {
    }

    /**
     * A timer asked for with {@link Action.ScheduleTimer} is due. May arrive late, early, or stale:
     * the machine re-checks every deadline against {@code now}.
     */
    record TimerDue() implements ProcessEvent {
    }

    /**
     * supervisord's mood dropped below RUNNING (shutdown or reload began): from now on nothing is
     * spawned (no autostart, autorestart, backoff retry or manual start); STARTING still becomes
     * RUNNING. The process keeps running until its group's turn ({@link StopForShutdown}).
     */
    record ShutdownStarted() implements ProcessEvent {
    }

    /**
     * The process's group is being stopped as part of shutdown/reload (supervisord's
     * {@code stop_all}): STARTING/RUNNING are stopped like a manual stop (without the
     * {@code waiting for x to stop} report), BACKOFF goes straight to FATAL, other states stay.
     * Implies {@link ShutdownStarted}.
     */
    record StopForShutdown() implements ProcessEvent {
    }

    /**
     * Sending a signal failed with something other than "no such process" (which drivers must
     * ignore: the exit will be reported). The process goes UNKNOWN.
     */
    record KillFailed(String reason) implements ProcessEvent {
        public KillFailed {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
