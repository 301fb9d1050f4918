package io.kupervisor.core.config;

/**
 * Something accepted but worth a person's attention, with where it is.
 *
 * @param bySupervisord true for the warnings supervisord itself logs; false for what kupervisor
 *                      adds where supervisord stays silent (values it truncates, for example)
 */
public record ConfigWarning(String message, Origin origin, boolean bySupervisord) {

    public ConfigWarning(String message, Origin origin) {
        this(message, origin, true);
    }

    public static ConfigWarning kupervisor(String message, Origin origin) {
        return new ConfigWarning(message, origin, false);
    }
}
