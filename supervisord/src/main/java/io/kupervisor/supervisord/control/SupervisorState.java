package io.kupervisor.supervisord.control;

/** supervisord's own state ("mood"), with the codes {@code getState} reports. */
public enum SupervisorState {
    FATAL(2), RUNNING(1), RESTARTING(0), SHUTDOWN(-1);

    private final int code;

    SupervisorState(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
