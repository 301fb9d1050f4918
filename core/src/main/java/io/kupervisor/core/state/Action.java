package io.kupervisor.core.state;

import io.kupervisor.core.config.LogLevel;

import java.time.Instant;
import java.util.Objects;

/** Something the driver must do, returned by the state machine in a {@link Transition}, in order. */
public sealed interface Action {

    /**
     * Start the process. The driver answers with {@link ProcessEvent.Spawned} or
     * {@link ProcessEvent.SpawnFailed}.
     */
    record Spawn() implements Action {
    }

    /**
     * A stop was requested while a {@link Spawn} is still in flight (pid not yet known, e.g. a pod
     * still pending). The driver aborts it and answers {@link ProcessEvent.SpawnFailed}, or, if it
     * is too late, {@link ProcessEvent.Spawned} (the machine then sends the stop signal). The daemon,
     * whose spawns are synchronous, never sees this.
     */
    record CancelSpawn() implements Action {
    }

    /** Send {@code signal} to the process, or to its whole process group ({@code -pid}) if {@code toGroup}. */
    record SendSignal(int signal, boolean toGroup) implements Action {
    }

    /** Send SIGKILL to the process, or to its process group if {@code toGroup}. */
    record Kill(boolean toGroup) implements Action {
    }

    /**
     * Deliver {@link ProcessEvent.TimerDue} at (or after) {@code at}. Replaces any timer asked for
     * earlier for this process; one timer per process is enough. A timer that is no longer needed
     * is not cancelled: its TimerDue is simply ignored.
     */
    record ScheduleTimer(Instant at) implements Action {
        public ScheduleTimer {
            Objects.requireNonNull(at, "at");
        }
    }

    /**
     * A main-log line at supervisord's level: {@code message} is data, {@link #text()} supervisord's
     * exact words ({@link LogMessage#text(LogMessage.Pids)} for a driver that names pids its own way).
     */
    record Log(LogLevel level, LogMessage message) implements Action {
        public Log {
            Objects.requireNonNull(level, "level");
            Objects.requireNonNull(message, "message");
        }

        /** supervisord's text of the line. */
        public String text() {
            return message.text();
        }
    }

    /**
     * The state changed. Carries what supervisord's {@code PROCESS_STATE_*} events carry, captured
     * at the moment of the change: {@code expected} (false only for an unexpected exit into EXITED),
     * the pid (0 when none; the old pid for EXITED/STOPPED), and the retry count ({@code tries}).
     */
    record StateChanged(ProcessState from, ProcessState to, boolean expected, long pid, int tries)
            implements Action {
        public StateChanged {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
        }
    }
}
