package io.kupervisor.core.config.dialect;

/** supervisord's {@code ValueError} for a bad {@code environment=} value; the message is Python's text. */
public final class EnvironmentException extends Exception {

    public EnvironmentException(String message) {
        super(message);
    }
}
