package io.kupervisor.core.config;

/**
 * A value supervisord's type conversion refuses; the message is supervisord's own text (Python's
 * ValueError), to which the loader adds the section and file as supervisord does.
 */
public final class InvalidValue extends Exception {
    public InvalidValue(String message) {
        super(message);
    }
}
