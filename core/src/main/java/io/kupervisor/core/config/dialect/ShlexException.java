package io.kupervisor.core.config.dialect;

/** Python's {@code ValueError} from {@code shlex}; the message is Python's text, e.g. {@code No closing quotation}. */
public final class ShlexException extends Exception {

    public ShlexException(String message) {
        super(message);
    }
}
