package io.kupervisor.supervisord.log;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where one output channel (stdout or stderr) of one process goes: supervisord's "normal log"
 * of a {@code POutputDispatcher}.
 *
 * <p>Bytes are written exactly as read from the child (no timestamps, no prefix); an empty
 * write does nothing, as supervisord skips empty data. Implementations are thread-safe: the
 * daemon's reader, its signal handling (USR2) and the RPC layer (clear) may call concurrently.
 */
public interface ChannelLog extends AutoCloseable {

    /** Writes {@code len} bytes of output. Writes after {@link #close()} are ignored. */
    void write(byte[] data, int off, int len) throws IOException;

    /**
     * Writes the buffer's remaining bytes (the output pump's native buffer: file logs write it
     * without copying it onto the heap).
     */
    default void write(java.nio.ByteBuffer data) throws IOException {
        byte[] copy = new byte[data.remaining()];
        data.get(copy);
        write(copy, 0, copy.length);
    }

    /** Closes and reopens the file (SIGUSR2, for an external logrotate). */
    void reopen() throws IOException;

    /**
     * supervisorctl {@code clear} / {@code clearProcessLogs}: removes the file (a missing file
     * is fine) and reopens it, empty. Rotated copies ({@code .1} ...) are left alone, as
     * supervisord does.
     */
    void clear() throws IOException;

    /** Closes the file; never throws. */
    @Override
    void close();

    /** The file written to, or {@code null} when there is none ({@code NONE}). */
    Path path();

    /** Writes the whole array. */
    default void write(byte[] data) throws IOException {
        write(data, 0, data.length);
    }

    /** {@code *_logfile=NONE} (or {@code OFF}): output is read and thrown away. */
    static ChannelLog discard() {
        return DiscardLog.INSTANCE;
    }
}
