package io.kupervisor.core.state;

import java.util.Objects;
import java.util.function.LongFunction;

/**
 * A main-log line of the state machine as data: what happened, to which process, with which pid.
 * {@link #text()} gives supervisord 4.2.5's exact words; {@link #text(Pids)} the same words with the
 * pid named the driver's way (the operator's pid is a pod: {@code spawned: 'web' with pod web-x7k2q}).
 */
public sealed interface LogMessage {

    /** The process name, as supervisord's lines give it (not {@code group:name}). */
    String process();

    /** supervisord's text, pids as numbers. */
    default String text() {
        return text(Pids.OS);
    }

    /** The text with every pid named by {@code pids}. */
    String text(Pids pids);

    /**
     * How a driver names a pid: a noun where supervisord writes {@code pid N}, and the identifier
     * alone where it writes the bare number.
     */
    record Pids(String noun, LongFunction<String> id) {
        /** supervisord's: {@code pid 42}, {@code (42)}. */
        public static final Pids OS = new Pids("pid", Long::toString);

        public Pids {
            Objects.requireNonNull(noun, "noun");
            Objects.requireNonNull(id, "id");
        }

        String labelled(long pid) {
            return noun + " " + id.apply(pid);
        }
    }

    /** {@code spawned: 'x' with pid N} (INFO). */
    record Spawned(String process, long pid) implements LogMessage {
        @Override
        public String text(Pids pids) {
            return "spawned: '" + process + "' with " + pids.labelled(pid);
        }
    }

    /** {@code spawnerr: <why>} (INFO): a start that did not get as far as a running process. */
    record SpawnError(String process, String error) implements LogMessage {
        @Override
        public String text(Pids pids) {
            return "spawnerr: " + error;
        }
    }

    /** {@code success: x entered RUNNING state, ...} (INFO). */
    record Success(String process, int startsecs) implements LogMessage {
        @Override
        public String text(Pids pids) {
            return "success: " + process + " entered RUNNING state, process has stayed up for > than "
                    + startsecs + " seconds (startsecs)";
        }
    }

    /** {@code exited: x (exit status 3; not expected)} (INFO when expected, else WARN). */
    record Exited(String process, ExitStatus status, boolean expected) implements LogMessage {
        @Override
        public String text(Pids pids) {
            return "exited: " + process + " (" + status.describe() + "; " + (expected ? "expected" : "not expected")
                    + ")";
        }
    }

    /** {@code stopped: x (terminated by SIGTERM)}: the end of a stop. */
    record Stopped(String process, ExitStatus status) implements LogMessage {
        @Override
        public String text(Pids pids) {
            return "stopped: " + process + " (" + status.describe() + ")";
        }
    }

    /** {@code gave up: x entered FATAL state, ...} (INFO). */
    record GaveUp(String process) implements LogMessage {
        @Override
        public String text(Pids pids) {
            return "gave up: " + process + " entered FATAL state, too many start retries too quickly";
        }
    }

    /** {@code waiting for x to stop} (INFO), while a manual stop is under way. */
    record WaitingToStop(String process) implements LogMessage {
        @Override
        public String text(Pids pids) {
            return "waiting for " + process + " to stop";
        }
    }

    /** {@code process 'x' already running} (WARN): a start refused while STOPPING. */
    record AlreadyRunning(String process) implements LogMessage {
        @Override
        public String text(Pids pids) {
            return "process '" + process + "' already running";
        }
    }

    /** {@code Attempted to kill x, which is in BACKOFF state.} (DEBUG): a stop in BACKOFF. */
    record StopInBackoff(String process) implements LogMessage {
        @Override
        public String text(Pids pids) {
            return "Attempted to kill " + process + ", which is in BACKOFF state.";
        }
    }

    /** {@code attempted to send x sig SIGHUP but it wasn't running} (DEBUG). */
    record SignalNotRunning(String process, int signal) implements LogMessage {
        @Override
        public String text(Pids pids) {
            return "attempted to send " + process + " sig " + Signals.name(signal) + " but it wasn't running";
        }
    }

    /** {@code sending x (pid N) sig SIGHUP} (DEBUG): {@code signalProcess}. */
    record SendingSignal(String process, long pid, int signal) implements LogMessage {
        @Override
        public String text(Pids pids) {
            return "sending " + process + " (" + pids.labelled(pid) + ") sig " + Signals.name(signal);
        }
    }

    /** {@code killing x (pid N) [process group ]with signal SIGTERM} (DEBUG): a stop or kill signal sent. */
    record Killing(String process, long pid, int signal, boolean toGroup) implements LogMessage {
        @Override
        public String text(Pids pids) {
            return "killing " + process + " (" + pids.labelled(pid) + ") " + (toGroup ? "process group " : "")
                    + "with signal " + Signals.name(signal);
        }
    }

    /** {@code killing 'x' (N) with SIGKILL} (WARN): stopwaitsecs ran out. */
    record KillingWithSigkill(String process, long pid) implements LogMessage {
        @Override
        public String text(Pids pids) {
            return "killing '" + process + "' (" + pids.id().apply(pid) + ") with SIGKILL";
        }
    }

    /**
     * {@code unknown problem killing x (N):<why>} during a stop, else
     * {@code unknown problem sending sig x (N):<why>} (CRITICAL): the process goes UNKNOWN.
     */
    record SignalFailed(String process, long pid, boolean stopping, String reason) implements LogMessage {
        @Override
        public String text(Pids pids) {
            return "unknown problem " + (stopping ? "killing " : "sending sig ") + process + " ("
                    + pids.id().apply(pid) + "):" + reason;
        }
    }
}
