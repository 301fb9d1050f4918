package io.kupervisor.core.config;

import java.util.Locale;
import java.util.Optional;

/** supervisord's log levels, with its numbers and its four-letter codes for log lines. */
public enum LogLevel {
    CRITICAL(50, "CRIT"), ERROR(40, "ERRO"), WARN(30, "WARN"), INFO(20, "INFO"),
    DEBUG(10, "DEBG"), TRACE(5, "TRAC"), BLATHER(3, "BLAT");

    private final int number;
    private final String code;

    LogLevel(int number, String code) {
        this.number = number;
        this.code = code;
    }

    public int number() {
        return number;
    }

    public String code() {
        return code;
    }

    public String iniValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The names {@code loglevel=} takes, any case. */
    public static Optional<LogLevel> byDescription(String value) {
        String v = value.toLowerCase(Locale.ROOT);
        for (LogLevel l : values()) {
            if (l.iniValue().equals(v)) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }
}
