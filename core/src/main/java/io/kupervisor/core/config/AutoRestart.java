package io.kupervisor.core.config;

/** The three values of {@code autorestart}. */
public enum AutoRestart {
    TRUE, FALSE, UNEXPECTED;

    /** The spelling supervisord's docs use, and the SupervisedProgram field takes. */
    public String iniValue() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
