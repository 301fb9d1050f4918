package io.kupervisor.core.config;

/**
 * A configuration supervisord 4.2.5 would refuse. {@link #supervisordMessage()} is the text
 * supervisord prints after "Error: " (so scripts and people see the same words), and
 * {@link #origin()} says where the mistake is, down to the line, which supervisord often does not.
 */
public final class ConfigException extends Exception {
    private final String supervisordMessage;
    private final Origin origin;

    public ConfigException(String supervisordMessage, Origin origin) {
        super(supervisordMessage);
        this.supervisordMessage = supervisordMessage;
        this.origin = origin;
    }

    public String supervisordMessage() {
        return supervisordMessage;
    }

    public Origin origin() {
        return origin;
    }

    /** Two lines for a person: supervisord's words, then where. */
    public String describe() {
        String where = origin == null ? "" : origin.describe();
        return "Error: " + supervisordMessage + (where.isEmpty() ? "" : "\n  at " + where);
    }
}
