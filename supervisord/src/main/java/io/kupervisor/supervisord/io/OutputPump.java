package io.kupervisor.supervisord.io;

import io.kupervisor.supervisord.posix.Posix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One thread that reads every child's stdout and stderr pipe (epoll, level-triggered) and hands
 * the bytes to a sink, as supervisord's single poll loop does: no thread per process, and a
 * read never blocks because it only happens on readiness.
 */
public final class OutputPump implements AutoCloseable {
    /** Receives a child's output exactly as read. Called on the pump thread only. */
    public interface Sink {
        void write(byte[] data, int len);

        /** The bytes read, in the pump's native buffer (valid during the call only). */
        default void write(java.nio.ByteBuffer data) {
            byte[] copy = new byte[data.remaining()];
            data.get(copy);
            write(copy, copy.length);
        }

        /** The pipe hit end of file (the process and all holders of the pipe are gone). */
        default void closed() {
        }
    }

    /** Bigger than supervisord's 128 KiB: one read empties a 1 MiB pipe (see {@link Posix#setPipeSize}). */
    private static final int READ_SIZE = 1024 * 1024;
    private static final int MAX_EVENTS = 64;

    private final int epfd;
    private final int wakeFd;
    private final Map<Long, Registration> registrations = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong(1);
    private final Queue<Long> releases = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;
    private final Thread thread;

    private record Registration(int fd, Sink sink) {
    }

    public OutputPump() throws Posix.PosixException {
        this.epfd = Posix.epollCreate();
        this.wakeFd = Posix.eventfd();
        Posix.setNonBlocking(wakeFd);
        Posix.epollAdd(epfd, wakeFd, 0);
        this.thread = Thread.ofPlatform().name("kupervisor-output").daemon(true).unstarted(this::run);
    }

    public void start() {
        thread.start();
    }

    /**
     * Reads {@code fd} until end of file or {@link #release}; the pump closes it then. The fd is
     * made non-blocking.
     *
     * @return the registration's id, for {@link #release}
     */
    public long register(int fd, Sink sink) throws Posix.PosixException {
        Posix.setNonBlocking(fd);
        long id = ids.getAndIncrement();
        registrations.put(id, new Registration(fd, sink));
        try {
            Posix.epollAdd(epfd, fd, id);
        } catch (Posix.PosixException e) {
            registrations.remove(id);
            throw e;
        }
        return id;
    }

    /**
     * The process of this pipe was reaped: what it holds now is read, then the pipe is closed,
     * as supervisord's {@code finish} drains and closes a process's pipes. Orphans that still
     * hold the write end then get EPIPE (or SIGPIPE) instead of writing into a stopped program's
     * log for ever. Any thread; done on the pump's.
     */
    public void release(long id) {
        releases.add(id);
        wake();
    }

    private void run() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment events = arena.allocate(Posix.EPOLL_EVENT_SIZE * MAX_EVENTS, 8);
            MemorySegment buf = arena.allocate(READ_SIZE);
            while (!closed) {
                // no timeout: an idle daemon does not wake; release() and close() wake it through the eventfd
                int n = Posix.epollWait(epfd, events, MAX_EVENTS, -1);
                for (int i = 0; i < n; i++) {
                    long id = Posix.epollData(events, i);
                    if (id == 0) {
                        consumeWakeUps(buf);
                        continue;
                    }
                    Registration r = registrations.get(id);
                    if (r != null && readOnce(r, buf) == 0) {
                        finish(id, r);
                    }
                }
                for (Long id; (id = releases.poll()) != null; ) {
                    Registration r = registrations.get(id);
                    if (r != null) {
                        // one pipe's worth at most: an orphan writing without pause must not hold the pump
                        readOnce(r, buf);
                        finish(id, r);
                    }
                }
            }
        } catch (Posix.PosixException e) {
            throw new IllegalStateException("output pump stopped: " + e.getMessage(), e);
        }
    }

    /** One read into the sink: the bytes read, 0 at end of file (or an error), -1 when nothing was there. */
    private static long readOnce(Registration r, MemorySegment buf) {
        long got;
        try {
            got = Posix.read(r.fd(), buf, READ_SIZE);
        } catch (Posix.PosixException e) {
            return e.errno() == Posix.EAGAIN ? -1 : 0;
        }
        if (got > 0) {
            try {
                r.sink().write(buf.asSlice(0, got).asByteBuffer());
            } catch (RuntimeException e) {
                // a failing log must not stop the pump for every other process
            }
        }
        return got;
    }

    private void finish(long id, Registration r) {
        registrations.remove(id);
        Posix.epollDel(epfd, r.fd());
        Posix.close(r.fd());
        try {
            r.sink().closed();
        } catch (RuntimeException ignored) {
            // as above
        }
    }

    private void consumeWakeUps(MemorySegment buf) {
        try {
            Posix.read(wakeFd, buf, 8);
        } catch (Posix.PosixException ignored) {
            // EAGAIN: another read took the count already
        }
    }

    private void wake() {
        try {
            Posix.writeAll(wakeFd, new byte[] {1, 0, 0, 0, 0, 0, 0, 0});
        } catch (Posix.PosixException ignored) {
            // the eventfd cannot fail to take 8 bytes unless its counter overflows: not from here
        }
    }

    /** The pump's thread; for tests. */
    Thread thread() {
        return thread;
    }

    /** How many pipes are being read; for tests and health. */
    public int open() {
        return registrations.size();
    }

    @Override
    public void close() {
        closed = true;
        wake();
    }
}
