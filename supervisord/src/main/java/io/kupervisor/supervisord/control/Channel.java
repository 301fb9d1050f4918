package io.kupervisor.supervisord.control;

import java.util.Locale;

/** A process's output channel. */
public enum Channel {
    STDOUT, STDERR;

    /** {@code stdout} or {@code stderr}, as supervisord names them in events and URLs. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
