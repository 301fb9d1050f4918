package io.kupervisor.core.config;

import java.util.Map;

/** The {@code [supervisord]} section, resolved and defaulted. */
public record SupervisordOptions(
        String logfile,
        long logfileMaxbytes,
        int logfileBackups,
        LogLevel loglevel,
        String pidfile,
        int umask,
        boolean nodaemon,
        boolean silent,
        int minfds,
        int minprocs,
        boolean nocleanup,
        String childlogdir,
        String user,
        String directory,
        boolean stripAnsi,
        Map<String, String> environment,
        String identifier) {

    public SupervisordOptions {
        environment = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(environment));
    }
}
