package io.kupervisor.core.state;

/**
 * How the machine took an event. Refusals are results, not exceptions; drivers map them to
 * supervisord's faults ({@code ALREADY_STARTED}, {@code NOT_RUNNING}, {@code FAILED}, ...).
 */
public enum Outcome {
    /** The event was acted on (the state may or may not have changed). */
    ACCEPTED,
    /** Nothing to do: a stale timer or exit, an autostart that does not apply, a repeated notice. */
    IGNORED,
    /** Start refused: STARTING, RUNNING or BACKOFF (supervisord fault ALREADY_STARTED). */
    ALREADY_STARTED,
    /** Stop/signal refused: not in a state where that applies (fault NOT_RUNNING). */
    NOT_RUNNING,
    /**
     * Start refused in STOPPING: supervisord logs {@code process 'x' already running}, does nothing,
     * and a waiting {@code startProcess} fails with ABNORMAL_TERMINATION.
     */
    STILL_STOPPING,
    /** Refused: UNKNOWN state, or nothing to signal yet (fault FAILED). */
    FAILED,
    /** Start refused because a shutdown is in progress (supervisord answers SHUTDOWN_STATE). */
    SHUTTING_DOWN
}
