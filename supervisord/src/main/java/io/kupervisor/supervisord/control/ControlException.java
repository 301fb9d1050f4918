package io.kupervisor.supervisord.control;

import java.util.Objects;

/**
 * A request the daemon refused, as supervisord refuses it: the fault and its text, {@code NAME} or
 * {@code NAME: detail} ({@code BAD_NAME: nosuch}). The futures of {@link Control} complete
 * exceptionally with it.
 */
public final class ControlException extends RuntimeException {
    private final Fault fault;
    private final String detail;

    public ControlException(Fault fault, String detail) {
        super(detail == null ? fault.name() : fault.name() + ": " + detail, null, false, false);
        this.fault = Objects.requireNonNull(fault, "fault");
        this.detail = detail;
    }

    public ControlException(Fault fault) {
        this(fault, null);
    }

    public Fault fault() {
        return fault;
    }

    /** What follows the name, or null. */
    public String detail() {
        return detail;
    }

    /** supervisord's text: {@code NAME} or {@code NAME: detail}. */
    public String text() {
        return getMessage();
    }
}
