package io.kupervisor.supervisord.process;

import io.kupervisor.supervisord.posix.Posix;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code sendProcessStdin} without ever blocking the daemon's loop: the pipe to the child is made
 * non-blocking, what it takes at once is written, the rest waits in a bounded buffer and is
 * retried every few milliseconds until the child reads it (supervisord buffers without bound and
 * writes when its poller says the pipe is writable). Loop thread only.
 */
public final class StdinWriter {
    /** Bytes that may wait for one process's stdin; more is refused. */
    public static final int MAX_PENDING = 1 << 20;

    public static final int EPIPE = Posix.EPIPE;

    /** A write that failed: the errno. */
    public static final class WriteFailed extends Exception {
        public final int errno;

        WriteFailed(int errno) {
            super("write failed, errno " + errno, null, false, false);
            this.errno = errno;
        }
    }

    /** What waits for one pipe; the pipe is known by fd and by the pid it was made for. */
    private static final class Pending {
        final int fd;
        final long pid;
        final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
        int offset;
        int bytes;

        Pending(int fd, long pid) {
            this.fd = fd;
            this.pid = pid;
        }
    }

    /** Keyed by namespec. */
    private final Map<String, Pending> pending = new HashMap<>();

    /**
     * Writes {@code data} to the process's stdin pipe, or queues what does not fit.
     *
     * @param stillOpen tells, at retry time, whether fd still is that process's stdin (the fd
     *                  number could be reused after the child exits)
     * @param retry     schedules a retry on the loop
     * @throws WriteFailed on EPIPE (the child closed its stdin) and other write errors
     * @throws IllegalStateException when more than {@link #MAX_PENDING} bytes would wait
     */
    public void write(String namespec, int fd, long pid, byte[] data, java.util.function.BooleanSupplier stillOpen,
               java.util.function.Consumer<Runnable> retry) throws WriteFailed {
        Pending p = pending.get(namespec);
        if (p != null && (p.fd != fd || p.pid != pid)) {
            pending.remove(namespec);
            p = null;
        }
        if (p == null) {
            nonBlocking(fd);
            int n = writeSome(fd, data, 0);
            if (n == data.length) {
                return;
            }
            p = new Pending(fd, pid);
            p.chunks.add(data);
            p.offset = n;
            p.bytes = data.length - n;
            pending.put(namespec, p);
            Pending q = p;
            retry.accept(() -> flush(namespec, q, stillOpen, retry));
            return;
        }
        if (p.bytes + data.length > MAX_PENDING) {
            throw new IllegalStateException(p.bytes + " bytes are already waiting for the stdin of " + namespec);
        }
        p.chunks.add(data);
        p.bytes += data.length;
    }

    private void flush(String namespec, Pending p, java.util.function.BooleanSupplier stillOpen,
                       java.util.function.Consumer<Runnable> retry) {
        if (pending.get(namespec) != p) {
            return;
        }
        if (!stillOpen.getAsBoolean()) {
            pending.remove(namespec);
            return;
        }
        try {
            while (!p.chunks.isEmpty()) {
                byte[] c = p.chunks.peekFirst();
                int n = writeSome(p.fd, c, p.offset);
                p.offset += n;
                p.bytes -= n;
                if (p.offset < c.length) {
                    retry.accept(() -> flush(namespec, p, stillOpen, retry));
                    return;
                }
                p.chunks.removeFirst();
                p.offset = 0;
            }
            pending.remove(namespec);
        } catch (WriteFailed e) {
            // the child closed its stdin meanwhile: what waited is dropped, as supervisord drops it
            pending.remove(namespec);
        }
    }

    private static void nonBlocking(int fd) throws WriteFailed {
        try {
            Posix.setNonBlocking(fd);
        } catch (Posix.PosixException e) {
            throw new WriteFailed(e.errno());
        }
    }

    /** Writes what the pipe takes now; 0 when it is full. */
    private static int writeSome(int fd, byte[] data, int from) throws WriteFailed {
        if (from >= data.length) {
            return 0;
        }
        try {
            return Posix.writeSome(fd, data, from, data.length - from);
        } catch (Posix.PosixException e) {
            throw new WriteFailed(e.errno());
        }
    }
}
