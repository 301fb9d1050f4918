package io.kupervisor.supervisord.log;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * supervisord's {@code readFile} and {@code tailFile} (supervisor 4.2.5 {@code options.py}) with
 * the checks its RPC methods make around them ({@code readLog}, {@code readProcessStdoutLog},
 * {@code tailProcessStdoutLog} ...). Both return bytes; decoding them for XML-RPC is the caller's
 * business (supervisord decodes as UTF-8 and fails the call when a slice cuts a character).
 */
public final class LogReader {

    private LogReader() {}

    /** The fault a read raises, with supervisord's fault name and code. */
    public static final class LogReadException extends Exception {
        private static final long serialVersionUID = 1L;

        /** The faults a log read can raise. */
        public enum Fault {
            /** Negative offset with a length, or a negative length. */
            BAD_ARGUMENTS(3),
            /** No log file (none configured, or it does not exist). */
            NO_FILE(20),
            /** The file exists but cannot be read. */
            FAILED(30);

            private final int code;

            Fault(int code) {
                this.code = code;
            }

            public int code() {
                return code;
            }
        }

        private final Fault fault;

        public LogReadException(Fault fault, String detail, Throwable cause) {
            super(detail == null ? fault.name() : fault.name() + ": " + detail, cause);
            this.fault = fault;
        }

        public Fault fault() {
            return fault;
        }

        /** supervisord's fault name: {@code BAD_ARGUMENTS}, {@code NO_FILE}, {@code FAILED}. */
        public String faultName() {
            return fault.name();
        }

        public int faultCode() {
            return fault.code();
        }
    }

    /** {@code tailFile}'s answer: {@code [bytes, offset, overflow]}. */
    public record Tail(byte[] bytes, long offset, boolean overflow) {}

    /**
     * {@code readLog(offset, length)} and {@code readProcess*Log(name, offset, length)}.
     *
     * <ul>
     *   <li>{@code offset >= 0, length == 0}: from offset to the end ({@code ''} past the end);
     *   <li>{@code offset >= 0, length > 0}: at most {@code length} bytes from offset;
     *   <li>{@code offset < 0, length == 0}: the last {@code |offset|} bytes (the whole file if
     *       smaller);
     *   <li>{@code offset < 0} with a length, or {@code length < 0}: {@code BAD_ARGUMENTS}.
     * </ul>
     *
     * @param file the log file; {@code null} (no log) or a missing file is {@code NO_FILE} with the
     *     path as detail, checked before the arguments, as supervisord does
     * @throws LogReadException {@code NO_FILE}, {@code BAD_ARGUMENTS}, or {@code FAILED} when the
     *     file cannot be opened or read (checked before the arguments)
     */
    public static byte[] readFile(Path file, long offset, long length) throws LogReadException {
        if (file == null || !Files.exists(file)) {
            throw new LogReadException(LogReadException.Fault.NO_FILE,
                    file == null ? "None" : file.toString(), null);
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long size = f.length();
            long from;
            long count;
            if (offset < 0) {
                if (length != 0) {
                    throw new LogReadException(LogReadException.Fault.BAD_ARGUMENTS, null, null);
                }
                long abs = offset == Long.MIN_VALUE ? Long.MAX_VALUE : -offset;
                from = Math.max(0, size - abs);
                count = Math.min(abs, size - from);
            } else {
                if (length < 0) {
                    throw new LogReadException(LogReadException.Fault.BAD_ARGUMENTS, null, null);
                }
                from = offset;
                long available = Math.max(0, size - offset);
                count = length == 0 ? available : Math.min(length, available);
            }
            return read(f, from, count);
        } catch (IOException e) {
            throw new LogReadException(LogReadException.Fault.FAILED, null, e);
        }
    }

    /**
     * {@code tailProcess*Log(name, offset, length)}: if the file is larger than
     * {@code offset + length}, the last {@code length} bytes with overflow true; otherwise the
     * bytes from offset (at most {@code length}); the offset returned is always the file's size.
     * A missing file (or {@code null}) gives {@code ['', 0, false]}; a file that cannot be read
     * gives {@code ['', offset, false]}. Never a fault. Examples from a 78-byte file:
     * {@code (0, 10)} gives the last 10 bytes, 78, true; {@code (1000, 10)} gives '', 78, false.
     */
    public static Tail tailFile(Path file, long offset, long length) {
        if (file == null || !Files.exists(file)) {
            return new Tail(new byte[0], 0, false);
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long size = f.length();
            boolean overflow = false;
            long off = offset;
            long len = length;
            // a line-for-line port of options.tailFile
            if (size > off + len) {
                overflow = true;
                off = size - 1;
            }
            if (off + len > size) {
                if (off > size - 1) {
                    len = 0;
                }
                off = size - len;
            }
            if (off < 0) {
                off = 0;
            }
            if (len < 0) {
                len = 0;
            }
            byte[] data = len == 0 ? new byte[0] : read(f, off, Math.min(len, Math.max(0, size - off)));
            return new Tail(data, size, overflow);
        } catch (IOException e) {
            return new Tail(new byte[0], offset, false);
        }
    }

    private static byte[] read(RandomAccessFile f, long from, long count) throws IOException {
        if (count <= 0) {
            return new byte[0];
        }
        if (count > Integer.MAX_VALUE - 16) {
            throw new IOException("log slice too large: " + count + " bytes");
        }
        byte[] buf = new byte[(int) count];
        f.seek(from);
        int n = 0;
        while (n < buf.length) {
            int r = f.read(buf, n, buf.length - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        return n == buf.length ? buf : Arrays.copyOf(buf, n);
    }
}
