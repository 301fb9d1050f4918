package io.kupervisor.supervisord.events;

import io.kupervisor.core.state.ProcessState;

import java.util.Locale;

/**
 * supervisord's {@code EventTypes}: every event type an {@code [eventlistener:x]} may name in
 * {@code events=}, with the supertype it belongs to (naming a supertype subscribes to all of its
 * members, {@code EVENT} to everything). The header's {@code eventname} is {@link #name()}.
 */
public enum EventType {
    EVENT(null),
    PROCESS_STATE(EVENT),
    PROCESS_STATE_STOPPED(PROCESS_STATE),
    PROCESS_STATE_EXITED(PROCESS_STATE),
    PROCESS_STATE_STARTING(PROCESS_STATE),
    PROCESS_STATE_STOPPING(PROCESS_STATE),
    PROCESS_STATE_BACKOFF(PROCESS_STATE),
    PROCESS_STATE_FATAL(PROCESS_STATE),
    PROCESS_STATE_RUNNING(PROCESS_STATE),
    PROCESS_STATE_UNKNOWN(PROCESS_STATE),
    PROCESS_COMMUNICATION(EVENT),
    PROCESS_COMMUNICATION_STDOUT(PROCESS_COMMUNICATION),
    PROCESS_COMMUNICATION_STDERR(PROCESS_COMMUNICATION),
    PROCESS_LOG(EVENT),
    PROCESS_LOG_STDOUT(PROCESS_LOG),
    PROCESS_LOG_STDERR(PROCESS_LOG),
    REMOTE_COMMUNICATION(EVENT),
    SUPERVISOR_STATE_CHANGE(EVENT),
    SUPERVISOR_STATE_CHANGE_RUNNING(SUPERVISOR_STATE_CHANGE),
    SUPERVISOR_STATE_CHANGE_STOPPING(SUPERVISOR_STATE_CHANGE),
    TICK(EVENT),
    TICK_5(TICK),
    TICK_60(TICK),
    TICK_3600(TICK),
    PROCESS_GROUP(EVENT),
    PROCESS_GROUP_ADDED(PROCESS_GROUP),
    PROCESS_GROUP_REMOVED(PROCESS_GROUP);

    private final EventType parent;

    EventType(EventType parent) {
        this.parent = parent;
    }

    /** Whether an event of this type is delivered to a subscription to {@code subscribed} (Python's isinstance). */
    public boolean isA(EventType subscribed) {
        for (EventType t = this; t != null; t = t.parent) {
            if (t == subscribed) {
                return true;
            }
        }
        return false;
    }

    /** The type named in {@code events=} (supervisord upper-cases the names). */
    public static EventType named(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }

    /** The PROCESS_STATE_* type of a state (supervisord's {@code Subprocess.event_map}). */
    public static EventType ofState(ProcessState state) {
        return switch (state) {
            case STOPPED -> PROCESS_STATE_STOPPED;
            case STARTING -> PROCESS_STATE_STARTING;
            case RUNNING -> PROCESS_STATE_RUNNING;
            case BACKOFF -> PROCESS_STATE_BACKOFF;
            case STOPPING -> PROCESS_STATE_STOPPING;
            case EXITED -> PROCESS_STATE_EXITED;
            case FATAL -> PROCESS_STATE_FATAL;
            case UNKNOWN -> PROCESS_STATE_UNKNOWN;
        };
    }

    /** The TICK_* type of a period in seconds. */
    public static EventType tick(int period) {
        return switch (period) {
            case 5 -> TICK_5;
            case 60 -> TICK_60;
            case 3600 -> TICK_3600;
            default -> throw new IllegalArgumentException("no TICK event every " + period + " s");
        };
    }

    /** The TICK periods supervisord has, in seconds. */
    public static final int[] TICK_PERIODS = {5, 60, 3600};
}
