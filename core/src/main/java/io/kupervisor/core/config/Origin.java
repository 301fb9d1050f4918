package io.kupervisor.core.config;

import java.nio.file.Path;

/**
 * Where a setting, or a mistake, was written: file, section, key and line. Any part may be
 * missing (null, or 0 for the line) when it does not apply.
 */
public record Origin(Path file, String section, String key, int line) {

    public static Origin ofFile(Path file) {
        return new Origin(file, null, null, 0);
    }

    public static Origin ofSection(Path file, String section, int line) {
        return new Origin(file, section, null, line);
    }

    /** "file, line 7, [program:a] autorestart", leaving out what is unknown. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        if (file != null) {
            sb.append(file);
        }
        if (line > 0) {
            sb.append(sb.isEmpty() ? "" : ", ").append("line ").append(line);
        }
        if (section != null) {
            sb.append(sb.isEmpty() ? "" : ", ").append('[').append(section).append(']');
            if (key != null) {
                sb.append(' ').append(key);
            }
        } else if (key != null) {
            sb.append(sb.isEmpty() ? "" : ", ").append("key ").append(key);
        }
        return sb.toString();
    }
}
