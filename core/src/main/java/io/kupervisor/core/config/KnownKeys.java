package io.kupervisor.core.config;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The keys supervisord 4.2.5 reads in each kind of section (its options.py). supervisord ignores
 * any other key without a word, so a misspelt {@code autostrat=true} does nothing; kupervisor warns.
 */
final class KnownKeys {
    private KnownKeys() {
    }

    private static final List<String> CHANNEL = List.of("logfile", "logfile_maxbytes", "logfile_backups",
            "capture_maxbytes", "events_enabled", "syslog");

    private static final Set<String> PROGRAM = program();
    private static final Set<String> EVENT_LISTENER = with(PROGRAM, "buffer_size", "events", "result_handler");
    private static final Set<String> FCGI_PROGRAM = with(PROGRAM, "socket", "socket_backlog", "socket_owner",
            "socket_mode");
    private static final Set<String> GROUP = Set.of("programs", "priority");
    private static final Set<String> SUPERVISORD = Set.of("logfile", "logfile_maxbytes", "logfile_backups",
            "loglevel", "pidfile", "umask", "nodaemon", "silent", "minfds", "minprocs", "nocleanup", "childlogdir",
            "user", "directory", "strip_ansi", "environment", "identifier");
    private static final Set<String> UNIX_SERVER = Set.of("file", "chmod", "chown", "username", "password");
    private static final Set<String> INET_SERVER = Set.of("port", "username", "password");
    private static final Set<String> SUPERVISORCTL = Set.of("serverurl", "username", "password", "prompt",
            "history_file");
    private static final Set<String> INCLUDE = Set.of("files");

    private static Set<String> program() {
        java.util.Set<String> keys = new java.util.TreeSet<>(List.of("command", "process_name", "numprocs",
                "numprocs_start", "priority", "autostart", "autorestart", "startsecs", "startretries", "exitcodes",
                "stopsignal", "stopwaitsecs", "stopasgroup", "killasgroup", "user", "redirect_stderr",
                "environment", "directory", "umask", "serverurl"));
        for (String channel : List.of("stdout", "stderr")) {
            CHANNEL.forEach(k -> keys.add(channel + "_" + k));
        }
        return Set.copyOf(keys);
    }

    private static Set<String> with(Set<String> base, String... more) {
        java.util.Set<String> keys = new java.util.HashSet<>(base);
        keys.addAll(List.of(more));
        return Set.copyOf(keys);
    }

    /** The keys of a section's kind; empty when kupervisor does not judge that section's keys. */
    static Optional<Set<String>> of(String section) {
        String kind = section.contains(":") ? section.substring(0, section.indexOf(':') + 1) : section;
        return Optional.ofNullable(switch (kind) {
            case "program:" -> PROGRAM;
            case "eventlistener:" -> EVENT_LISTENER;
            case "fcgi-program:" -> FCGI_PROGRAM;
            case "group:" -> GROUP;
            case "supervisord" -> SUPERVISORD;
            case "supervisorctl" -> SUPERVISORCTL;
            case "include" -> INCLUDE;
            default -> section.startsWith("unix_http_server") ? UNIX_SERVER
                    : section.startsWith("inet_http_server") ? INET_SERVER : null;
        });
    }

    /** The known key closest to {@code key} (at most two edits away), for "did you mean". */
    static Optional<String> closest(String key, Set<String> known) {
        String best = null;
        int bestDistance = 3;
        for (String k : new java.util.TreeSet<>(known)) {
            int d = distance(key, k);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Optimal string alignment distance (a swap of two neighbours is one edit: autostrat). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
