package io.kupervisor.core.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Where supervisord looks for its configuration when no {@code -c} is given. */
public final class ConfigDiscovery {
    private ConfigDiscovery() {
    }

    /**
     * supervisord's search list, less the two entries relative to its own executable (a JVM
     * program has none that means anything): ./supervisord.conf, ./etc/supervisord.conf,
     * /etc/supervisord.conf, /etc/supervisor/supervisord.conf.
     */
    public static List<Path> searchPaths(Path cwd) {
        return List.of(cwd.resolve("supervisord.conf"), cwd.resolve("etc/supervisord.conf"),
                Path.of("/etc/supervisord.conf"), Path.of("/etc/supervisor/supervisord.conf"));
    }

    public static Optional<Path> find(Path cwd) {
        return searchPaths(cwd).stream().filter(Files::exists).findFirst();
    }

    /** supervisord's message when nothing is found. */
    public static String notFoundMessage(Path cwd) {
        return "No config file found at default paths (" + String.join(", ",
                searchPaths(cwd).stream().map(Path::toString).toList())
                + "); use the -c option to specify a config file at a different path";
    }
}
