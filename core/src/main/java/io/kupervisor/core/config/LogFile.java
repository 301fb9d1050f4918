package io.kupervisor.core.config;

/** A {@code *_logfile} value: AUTO (a file in childlogdir), none, or a path. */
public sealed interface LogFile {
    record Auto() implements LogFile {
    }

    record None() implements LogFile {
    }

    record File(String path) implements LogFile {
    }

    LogFile AUTO = new Auto();
    LogFile NONE = new None();

    static LogFile path(String path) {
        return new File(path);
    }
}
