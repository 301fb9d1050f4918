package io.kupervisor.core.state;

/**
 * A process's state, with supervisord's numeric codes ({@code supervisor.states.ProcessStates}).
 * The codes are what {@code getProcessInfo} reports as {@code state}; {@link #name()} is its
 * {@code statename}.
 */
public enum ProcessState {
    STOPPED(0),
    STARTING(10),
    RUNNING(20),
    BACKOFF(30),
    STOPPING(40),
    EXITED(100),
    FATAL(200),
    UNKNOWN(1000);

    private final int code;

    ProcessState(int code) {
        this.code = code;
    }

    /** supervisord's numeric state code. */
    public int code() {
        return code;
    }

    /**
     * supervisord's {@code RUNNING_STATES}: STARTING, RUNNING, BACKOFF. A start request in one of
     * these is refused with "already started"; a stop request is only accepted in one of these.
     */
    public boolean isRunning() {
        return this == STARTING || this == RUNNING || this == BACKOFF;
    }

    /**
     * supervisord's {@code STOPPED_STATES}: STOPPED, EXITED, FATAL, UNKNOWN. Shutdown waits until
     * every process is in one of these; {@code supervisorctl status} exits 3 if one is.
     */
    public boolean isStopped() {
        return this == STOPPED || this == EXITED || this == FATAL || this == UNKNOWN;
    }

    /** supervisord's {@code SIGNALLABLE_STATES}: STARTING, RUNNING, STOPPING. */
    public boolean isSignallable() {
        return this == STARTING || this == RUNNING || this == STOPPING;
    }

    /** The state with the given supervisord code. */
    public static ProcessState fromCode(int code) {
        for (ProcessState s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        throw new IllegalArgumentException("no process state with code " + code);
    }
}
