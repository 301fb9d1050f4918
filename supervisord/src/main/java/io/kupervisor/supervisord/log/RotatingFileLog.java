package io.kupervisor.supervisord.log;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Set;

/**
 * A log file rotated by size as supervisord's {@code RotatingFileHandler} does (supervisor 4.2.5
 * {@code loggers.py}); with {@code maxbytes=0} it is its plain {@code FileHandler}.
 *
 * <ul>
 *   <li>The file is opened for appending ({@code 'ab'}): an existing file keeps its content.
 *       The file is written in append mode after a rotation too (supervisord reopens it
 *       {@code 'wb'}, so after an external {@code copytruncate} its writes land past the new end
 *       and leave a hole of NUL bytes; kupervisor's land at the end).
 *   <li>Rotation is checked <em>after</em> each write, so a file can exceed {@code maxbytes} by one
 *       write. When the size is {@code >= maxbytes}: close, shift {@code f.(N-1)->f.N} ...
 *       {@code f.1->f.2}, {@code f->f.1} (an existing target is replaced, a vanished source is
 *       ignored), open a new empty {@code f}. With {@code backups <= 0} the file is simply
 *       truncated: its content is lost, as in supervisord. {@code maxbytes <= 0} never rotates.
 *   <li>The size is the bytes this log wrote plus the file's size when opened; before rotating it
 *       is checked against the file itself (when the path still names the file written to), so a
 *       file emptied by {@code logrotate copytruncate} is not rotated early. Bytes appended by
 *       another writer in between are only seen at that check.
 * </ul>
 *
 * <p><b>Targets that are not regular files</b> ({@code /dev/stdout}, {@code /dev/stderr},
 * {@code /dev/fd/N}, anything under {@code /proc/}, a FIFO, a character device, a socket) are
 * written without rotation whatever {@code maxbytes} says ({@link #rotates()} is false) and
 * {@link #clear()} does not delete them. supervisord crashes that channel instead ({@code Illegal
 * seek}, the most reported Docker problem) and its {@code clear} would delete {@code /dev/stdout}.
 * Opening a FIFO waits for a reader, as in supervisord. When {@code /dev/stdout} (or
 * {@code /dev/fd/1}, {@code /proc/self/fd/1}; likewise for 2) cannot be opened by name (stdout is
 * a socket: {@code ENXIO}), the daemon's own file descriptor is written to directly.
 *
 * <p>With {@code autoCreated0600} every file this log creates (at open, after a rotation, after
 * {@link #clear()}) gets mode 0600, like the AUTO file supervisord creates with {@code mkstemp};
 * supervisord gives the files it recreates later the umask's default instead.
 *
 * <p>If opening the file fails (at a rotation or a reopen) the error is thrown and the next write
 * tries to open it again (appending), so the log recovers once the directory is back.
 *
 * <p>All methods are synchronized; writes are not buffered (each reaches the file before
 * {@code write} returns), as supervisord flushes every record.
 */
public final class RotatingFileLog implements ChannelLog {

    private static final Set<String> STDOUT_NAMES = Set.of("/dev/stdout", "/dev/fd/1", "/proc/self/fd/1");
    private static final Set<String> STDERR_NAMES = Set.of("/dev/stderr", "/dev/fd/2", "/proc/self/fd/2");

    private final Path path;
    private final long maxbytes;
    private final int backups;
    private final boolean private0600;
    private final boolean special;
    private final int ownFd;

    private OutputStream out;
    /** The stream's channel: writes from native buffers go through it, without a heap copy. */
    private java.nio.channels.FileChannel channel;
    private boolean ownsOut;
    private boolean closed;
    private long size;
    private Object fileKey;
    private long rotations;

    private RotatingFileLog(Path path, long maxbytes, int backups, boolean private0600, boolean special) {
        this.path = path;
        this.maxbytes = maxbytes;
        this.backups = backups;
        this.private0600 = private0600;
        this.special = special;
        String name = path.toString();
        this.ownFd = STDOUT_NAMES.contains(name) ? 1 : STDERR_NAMES.contains(name) ? 2 : 0;
    }

    /**
     * Opens (creating if needed, appending otherwise) a log file.
     *
     * @param path            the file; {@code /dev/stdout} and the like are accepted
     * @param maxbytes        rotate when the file reaches this size; {@code <= 0}: never
     * @param backups         how many rotated copies {@code f.1 ... f.N} to keep; {@code <= 0}: truncate
     * @param autoCreated0600 create files with mode 0600 (AUTO child logs)
     * @throws IOException when the file cannot be opened (the daemon reports a spawn error)
     */
    public static RotatingFileLog open(Path path, long maxbytes, int backups, boolean autoCreated0600)
            throws IOException {
        Objects.requireNonNull(path, "path");
        RotatingFileLog log = new RotatingFileLog(path, maxbytes, backups, autoCreated0600, isSpecial(path));
        synchronized (log) {
            log.openStream(false);
        }
        return log;
    }

    /**
     * Whether a path is written without rotation: the daemon's own descriptors, anything under
     * {@code /proc/} or {@code /dev/fd/}, and anything that exists and is not a regular file.
     */
    static boolean isSpecial(Path path) {
        String name = path.toAbsolutePath().normalize().toString();
        if (STDOUT_NAMES.contains(name) || STDERR_NAMES.contains(name) || name.equals("/dev/stdin")
                || name.startsWith("/dev/fd/") || name.startsWith("/proc/")) {
            return true;
        }
        try {
            BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class);
            return !attrs.isRegularFile();
        } catch (IOException e) {
            return false; // does not exist (yet): it will be a regular file
        }
    }

    /** Whether this log ever rotates: {@code maxbytes > 0} and a regular file. */
    public boolean rotates() {
        return maxbytes > 0 && !special;
    }

    @Override
    public Path path() {
        return path;
    }

    /** How many rotations this log has done (for tests and metrics). */
    public synchronized long rotations() {
        return rotations;
    }

    /** The size this log believes the file has (bytes written plus the size when opened). */
    public synchronized long size() {
        return size;
    }

    @Override
    public synchronized void write(byte[] data, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, data.length);
        if (len == 0 || closed) {
            return;
        }
        if (out == null) {
            openStream(false);
        }
        out.write(data, off, len);
        size += len;
        if (rotates() && size >= maxbytes) {
            maybeRotate();
        }
    }

    @Override
    public synchronized void write(java.nio.ByteBuffer data) throws IOException {
        if (!data.hasRemaining() || closed) {
            return;
        }
        if (out == null) {
            openStream(false);
        }
        int len = data.remaining();
        while (data.hasRemaining()) {
            channel.write(data);
        }
        size += len;
        if (rotates() && size >= maxbytes) {
            maybeRotate();
        }
    }

    @Override
    public synchronized void reopen() throws IOException {
        if (closed) {
            return;
        }
        if (out != null && !ownsOut) {
            return; // the daemon's own stdout/stderr: nothing to reopen
        }
        closeStream();
        openStream(false);
    }

    @Override
    public synchronized void clear() throws IOException {
        if (special) {
            return; // never delete /dev/stdout, a FIFO or a device
        }
        closeStream();
        Files.deleteIfExists(path);
        if (closed) {
            createEmpty();
        } else {
            openStream(false);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        try {
            closeStream();
        } catch (IOException e) {
            // closing a log must not fail the caller
        }
    }

    private void maybeRotate() throws IOException {
        try {
            BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class);
            if (fileKey != null && fileKey.equals(attrs.fileKey())) {
                size = attrs.size();
                if (size < maxbytes) {
                    return;
                }
            }
        } catch (IOException e) {
            // the path is gone: rotate on what we wrote, as supervisord does on tell()
        }
        closeStream();
        rotations++;
        if (backups > 0) {
            for (int i = backups - 1; i >= 1; i--) {
                Path source = numbered(i);
                if (Files.exists(source)) {
                    removeAndRename(source, numbered(i + 1));
                }
            }
            removeAndRename(path, numbered(1));
        }
        openStream(true);
    }

    private Path numbered(int i) {
        return Path.of(path.toString() + "." + i);
    }

    private static void removeAndRename(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            // the source was removed under us (a cleanup script): nothing to keep
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private void openStream(boolean truncate) throws IOException {
        if (!special && private0600) {
            createEmpty(); // keeps an existing file (and its mode) as it is
        }
        try {
            if (truncate) {
                new FileOutputStream(path.toFile(), false).close(); // 'wb': create or empty it
            }
            // always O_APPEND, also after a rotation (where supervisord's 'wb' leaves the offset
            // past the end of a file someone else truncated: copytruncate gives NUL-filled holes)
            FileOutputStream fos = new FileOutputStream(path.toFile(), true);
            out = fos;
            channel = fos.getChannel();
            ownsOut = true;
        } catch (IOException e) {
            if (ownFd == 0) {
                throw e;
            }
            FileOutputStream fos = new FileOutputStream(ownFd == 1 ? FileDescriptor.out : FileDescriptor.err);
            out = fos;
            channel = fos.getChannel();
            ownsOut = false;
        }
        size = 0;
        fileKey = null;
        if (!special) {
            try {
                BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class);
                size = truncate ? 0 : attrs.size();
                fileKey = attrs.fileKey();
            } catch (IOException e) {
                // removed right after opening: count from zero
            }
        }
    }

    private void createEmpty() throws IOException {
        try {
            if (private0600) {
                Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(path);
            }
        } catch (FileAlreadyExistsException e) {
            // keep the existing file and its mode
        }
    }

    private void closeStream() throws IOException {
        OutputStream o = out;
        out = null;
        channel = null;
        if (o != null && ownsOut) {
            o.close();
        }
    }

    @Override
    public String toString() {
        return "RotatingFileLog[" + path + ", maxbytes=" + maxbytes + ", backups=" + backups
                + (special ? ", not rotating" : "") + "]";
    }
}
