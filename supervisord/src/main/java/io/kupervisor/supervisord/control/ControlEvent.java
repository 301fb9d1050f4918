package io.kupervisor.supervisord.control;

import io.kupervisor.core.state.ProcessState;

import java.util.Objects;

/**
 * What happens in the daemon, as {@link Control#subscribe subscribers} see it: the facts
 * supervisord's events carry ({@code supervisor.events}), taken on the loop at the moment they
 * happen. Delivered on the daemon's loop thread, in the order they happened.
 */
public sealed interface ControlEvent {

    /** What a subscriber asks for. */
    enum Kind {
        /** {@link ProcessStateChanged}: every transition of every process (PROCESS_STATE_*). */
        PROCESS_STATE,
        /** {@link ProcessOutput}: what processes write, per channel (PROCESS_LOG_*, capture). */
        PROCESS_OUTPUT,
        /** {@link SupervisorStateChanged}: the daemon running or stopping (SUPERVISOR_STATE_CHANGE_*). */
        SUPERVISOR_STATE,
        /** {@link GroupAdded} and {@link GroupRemoved} (PROCESS_GROUP_*). */
        GROUP,
        /** {@link RemoteCommunication}: {@code sendRemoteCommEvent} (REMOTE_COMMUNICATION). */
        REMOTE_COMMUNICATION
    }

    Kind kind();

    /**
     * A process changed state. {@code expected} is false only for an unexpected exit into EXITED;
     * {@code pid} is the process's (0 when none; the old pid for EXITED and STOPPED);
     * {@code tries} is supervisord's backoff count. These are PROCESS_STATE_*'s payload fields
     * ({@code from_state}, {@code expected}, {@code pid}, {@code tries}) as supervisord fills them
     * at the moment of the change.
     */
    record ProcessStateChanged(String group, String process, ProcessState from, ProcessState to, boolean expected,
                               long pid, int tries) implements ControlEvent {
        public ProcessStateChanged {
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(process, "process");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
        }

        @Override
        public Kind kind() {
            return Kind.PROCESS_STATE;
        }
    }

    /**
     * A process wrote {@code data} on {@code channel}: the bytes as read from its pipe (before
     * {@code strip_ansi} and before capture mode takes anything out of them), in order per
     * channel. The array is a copy made for the subscribers and shared by them all: do not change
     * it.
     */
    record ProcessOutput(String group, String process, long pid, Channel channel, byte[] data) implements ControlEvent {
        public ProcessOutput {
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(process, "process");
            Objects.requireNonNull(channel, "channel");
            Objects.requireNonNull(data, "data");
        }

        @Override
        public Kind kind() {
            return Kind.PROCESS_OUTPUT;
        }
    }

    /**
     * The daemon entered {@code state}: RUNNING at boot (after its groups were added, before any
     * process starts) and after a reload; SHUTDOWN or RESTARTING when it begins to stop.
     */
    record SupervisorStateChanged(SupervisorState state) implements ControlEvent {
        public SupervisorStateChanged {
            Objects.requireNonNull(state, "state");
        }

        @Override
        public Kind kind() {
            return Kind.SUPERVISOR_STATE;
        }
    }

    /** A group became active: at boot, and by {@code addProcessGroup} or {@code update}. */
    record GroupAdded(String group) implements ControlEvent {
        public GroupAdded {
            Objects.requireNonNull(group, "group");
        }

        @Override
        public Kind kind() {
            return Kind.GROUP;
        }
    }

    /**
     * A group was removed by {@code removeProcessGroup} or {@code update}. (At shutdown and reload
     * groups end without this, as in supervisord.)
     */
    record GroupRemoved(String group) implements ControlEvent {
        public GroupRemoved {
            Objects.requireNonNull(group, "group");
        }

        @Override
        public Kind kind() {
            return Kind.GROUP;
        }
    }

    /** {@code sendRemoteCommEvent(type, data)}. */
    record RemoteCommunication(String type, String data) implements ControlEvent {
        public RemoteCommunication {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(data, "data");
        }

        @Override
        public Kind kind() {
            return Kind.REMOTE_COMMUNICATION;
        }
    }
}
