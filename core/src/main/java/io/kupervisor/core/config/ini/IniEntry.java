package io.kupervisor.core.config.ini;

import java.nio.file.Path;

/**
 * One key's value as read, with where it was written. For a multi-line value the line is the
 * key's own line.
 */
public record IniEntry(String value, Path file, int line) {

    IniEntry withValue(String newValue) {
        return new IniEntry(newValue, file, line);
    }
}
