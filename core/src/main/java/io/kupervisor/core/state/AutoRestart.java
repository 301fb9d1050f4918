package io.kupervisor.core.state;

/** The {@code autorestart} setting: what happens after a process exits from RUNNING. */
public enum AutoRestart {
    /** Always respawn (supervisord's {@code RestartUnconditionally}). */
    TRUE,
    /** Never respawn. */
    FALSE,
    /** Respawn only when the exit was not expected (not an exit code listed in {@code exitcodes}). */
    UNEXPECTED
}
