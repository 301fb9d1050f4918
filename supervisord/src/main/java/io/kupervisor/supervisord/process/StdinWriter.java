package io.kupervisor.supervisord.process;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@code sendProcessStdin} without ever blocking the daemon's loop: the pipe to the child is made
 * non-blocking, what it takes at once is written, the rest waits in a bounded buffer and is
 * retried every few milliseconds until the child reads it (supervisord buffers without bound and
 * writes when its poller says the pipe is writable). Loop thread only.
 */
public final class StdinWriter {
    /** Bytes that may wait for one process's stdin; more is refused. */
    public static final int MAX_PENDING = 1 << 20;

    private static final int F_GETFL = 3;
    private static final int F_SETFL = 4;
    private static final int O_NONBLOCK = 04000;
    private static final int EAGAIN = 11;
    private static final int EINTR = 4;
    public static final int EPIPE = 32;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MemoryLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle FCNTL = LINKER.downcallHandle(
            LINKER.defaultLookup().find("fcntl").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
            Linker.Option.firstVariadicArg(2), Linker.Option.captureCallState("errno"));
    private static final MethodHandle WRITE = LINKER.downcallHandle(
            LINKER.defaultLookup().find("write").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), Linker.Option.captureCallState("errno"));

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
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int flags = (int) FCNTL.invokeExact(state, fd, F_GETFL, 0);
            if (flags < 0) {
                throw new WriteFailed((int) ERRNO.get(state, 0L));
            }
            if ((flags & O_NONBLOCK) == 0 && (int) FCNTL.invokeExact(state, fd, F_SETFL, flags | O_NONBLOCK) < 0) {
                throw new WriteFailed((int) ERRNO.get(state, 0L));
            }
        } catch (WriteFailed e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Writes what the pipe takes now; 0 when it is full. */
    private static int writeSome(int fd, byte[] data, int from) throws WriteFailed {
        if (from >= data.length) {
            return 0;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment buf = arena.allocate(data.length - from);
            MemorySegment.copy(data, from, buf, ValueLayout.JAVA_BYTE, 0, data.length - from);
            long done = 0;
            while (done < data.length - from) {
                long rc = (long) WRITE.invokeExact(state, fd, buf.asSlice(done), (long) (data.length - from) - done);
                if (rc < 0) {
                    int err = (int) ERRNO.get(state, 0L);
                    if (err == EINTR) {
                        continue;
                    }
                    if (err == EAGAIN) {
                        break;
                    }
                    throw new WriteFailed(err);
                }
                done += rc;
            }
            return (int) done;
        } catch (WriteFailed e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
