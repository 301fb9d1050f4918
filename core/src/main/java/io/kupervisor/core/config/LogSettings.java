package io.kupervisor.core.config;

/** The logging settings of one output channel (stdout or stderr) of a process. */
public record LogSettings(
        LogFile logfile,
        long logfileMaxbytes,
        int logfileBackups,
        long captureMaxbytes,
        boolean eventsEnabled,
        boolean syslog) {
}
