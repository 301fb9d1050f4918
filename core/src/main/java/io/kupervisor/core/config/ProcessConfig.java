package io.kupervisor.core.config;

import java.util.List;
import java.util.Map;

/**
 * One process as supervisord would run it: every key resolved, expanded and defaulted. A program
 * with {@code numprocs=3} gives three of these.
 *
 * @param name         the process name ({@code process_name} expanded)
 * @param groupName    the group it belongs to (the program name, or the {@code [group:x]} name)
 * @param programName  the program (section) name
 * @param section      the section it came from, e.g. {@code program:web}
 * @param environment  {@code [supervisord] environment} merged with the program's own (program wins)
 */
public record ProcessConfig(
        String name,
        String groupName,
        String programName,
        String section,
        int processNum,
        int numprocs,
        String command,
        String directory,
        Integer umask,
        int priority,
        boolean autostart,
        AutoRestart autorestart,
        int startsecs,
        int startretries,
        UserRef user,
        LogSettings stdout,
        LogSettings stderr,
        int stopsignal,
        int stopwaitsecs,
        boolean stopasgroup,
        boolean killasgroup,
        List<Integer> exitcodes,
        boolean redirectStderr,
        Map<String, String> environment,
        String serverurl,
        Origin origin) {

    public ProcessConfig {
        exitcodes = List.copyOf(exitcodes);
        environment = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(environment));
    }

    /** supervisorctl's name for it: {@code name} alone when group and process share it, else {@code group:name}. */
    public String namespec() {
        return Namespec.of(groupName, name).toString();
    }
}
