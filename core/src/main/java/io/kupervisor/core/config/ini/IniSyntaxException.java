package io.kupervisor.core.config.ini;

import java.nio.file.Path;

/**
 * A file that Python's RawConfigParser refuses. {@link #getMessage()} is the text supervisord
 * prints after "Error: ", so a user sees the same words under both programs.
 */
public final class IniSyntaxException extends Exception {
    private final Path file;
    private final int line;

    public IniSyntaxException(String pythonMessage, Path file, int line) {
        super(pythonMessage);
        this.file = file;
        this.line = line;
    }

    public Path file() {
        return file;
    }

    /** First offending line, 1-based; 0 when the whole file is at fault. */
    public int line() {
        return line;
    }
}
