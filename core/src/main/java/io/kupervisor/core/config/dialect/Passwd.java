package io.kupervisor.core.config.dialect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Python's {@code pwd} and {@code grp} as kupervisor reads them: user and group look-ups from
 * /etc/passwd and /etc/group. supervisord asks NSS; in the containers kupervisor runs in these
 * files are the whole database, and reading them keeps core free of native calls.
 */
public final class Passwd {
    private static final Path PASSWD = Path.of("/etc/passwd");
    private static final Path GROUP = Path.of("/etc/group");

    private Passwd() {
    }

    public record Entry(String name, int id, int gid, String home) {
    }

    public static Optional<Entry> userByName(String name) {
        return read(PASSWD).stream().filter(e -> e.name().equals(name)).findFirst();
    }

    public static Optional<Entry> userById(int uid) {
        return read(PASSWD).stream().filter(e -> e.id() == uid).findFirst();
    }

    public static Optional<Entry> groupByName(String name) {
        return read(GROUP).stream().filter(e -> e.name().equals(name)).findFirst();
    }

    public static Optional<Entry> groupById(int gid) {
        return read(GROUP).stream().filter(e -> e.id() == gid).findFirst();
    }

    private static List<Entry> read(Path file) {
        try {
            return Files.readAllLines(file).stream()
                    .filter(l -> !l.isBlank() && !l.startsWith("#"))
                    .map(l -> l.split(":", -1))
                    .filter(f -> f.length >= 3)
                    .map(f -> new Entry(f[0], parseId(f[2]),
                            f.length > 3 ? parseId(f[3]) : -1,
                            f.length > 5 ? f[5] : ""))
                    .filter(e -> e.id() >= 0)
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static int parseId(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
