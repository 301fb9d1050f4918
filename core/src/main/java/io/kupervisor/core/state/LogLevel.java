package io.kupervisor.core.state;

/** supervisord's log levels, with the four-letter codes its main log prints. */
public enum LogLevel {
    CRITICAL("CRIT"),
    ERROR("ERRO"),
    WARN("WARN"),
    INFO("INFO"),
    DEBUG("DEBG"),
    TRACE("TRAC"),
    BLATHER("BLAT");

    private final String code;

    LogLevel(String code) {
        this.code = code;
    }

    /** The four-letter code of the main log line ({@code INFO}, {@code WARN}, {@code DEBG}, ...). */
    public String code() {
        return code;
    }
}
