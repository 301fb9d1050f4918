package io.kupervisor.supervisord.io;

import io.kupervisor.supervisord.posix.Posix;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
    private volatile boolean closed;
    private final Thread thread;

    private record Registration(int fd, Sink sink) {
    }

    /** One-shot waits for a pipe to take writes again, by epoll data id. */
    private final Map<Long, Registration> writeWatches = new ConcurrentHashMap<>();

    public OutputPump() throws Posix.PosixException {
        this.epfd = Posix.epollCreate();
        this.wakeFd = Posix.eventfd();
        Posix.epollAdd(epfd, wakeFd, 0);
        this.thread = Thread.ofPlatform().name("kupervisor-output").daemon(true).unstarted(this::run);
    }

    public void start() {
        thread.start();
    }

    /**
     * Reads {@code fd} until end of file or {@link #drainThen}; the pump closes it then. The fd is
     * made non-blocking.
     *
     * @return the registration's id, for {@link #drainThen}
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
     * Runs {@code whenWritable} once, on the pump's thread, when {@code fd} can take a write again
     * (or is broken). A writer that found a pipe full waits for this instead of retrying on a timer.
     * One watch per fd at a time; {@link #cancelWritable} before closing the fd.
     */
    public void whenWritable(int fd, Runnable whenWritable) throws Posix.PosixException {
        long id = ids.getAndIncrement();
        writeWatches.put(id, new Registration(fd, (data, len) -> whenWritable.run()));
        try {
            Posix.epollAddWritableOnce(epfd, fd, id);
        } catch (Posix.PosixException e) {
            writeWatches.remove(id);
            throw e;
        }
    }

    /** Forgets a pending {@link #whenWritable} watch of {@code fd} (its owner is closing it). */
    public void cancelWritable(int fd) {
        writeWatches.entrySet().removeIf(e -> {
            if (e.getValue().fd() == fd) {
                Posix.epollDel(epfd, fd);
                return true;
            }
            return false;
        });
    }

    /** Pipes to empty and close before {@code then} runs: a child was reaped and its last output comes first. */
    private record Drain(long[] registrations, Runnable then) {
    }

    private final java.util.concurrent.ConcurrentLinkedQueue<Drain> drains = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /**
     * Reads what the pipes of {@code registrations} already hold (as supervisord's {@code finish()}
     * drains a reaped child's dispatchers), hands it to their sinks, closes the pipes (as
     * {@code finish()} closes them), then runs {@code then}; all on the pump's thread, so whatever
     * the sinks hand on is handed on before {@code then}'s own work. Reads at most
     * {@link #DRAIN_LIMIT} bytes a pipe: an orphan still writing cannot hold the exit back, and once
     * the pipe is closed it gets EPIPE (or SIGPIPE) instead of writing into a stopped program's log
     * for ever. Registrations are known by id, not fd: the fd of a pipe closed at end of file may
     * already be another process's.
     */
    public void drainThen(long[] registrations, Runnable then) {
        if (closed) {
            then.run();
            return;
        }
        drains.add(new Drain(registrations, then));
        wake();
    }

    static final long DRAIN_LIMIT = 4L * READ_SIZE;

    private enum Read { DATA, EOF, AGAIN }

    private void run() {
        long[] events = new long[2 * MAX_EVENTS];
        // off the heap (the native read fills it without a copy), and resident only as far as reads fill it
        ByteBuffer buf = Posix.allocateBuffer(READ_SIZE);
        try {
            while (!closed) {
                // no timeout: an idle daemon does not wake; close() and drains interrupt the wait through the eventfd
                int n = Posix.epollWait(epfd, events, -1);
                for (int i = 0; i < n; i++) {
                    long id = Posix.epollData(events, i);
                    if (id == 0) {
                        try {
                            Posix.read(wakeFd, buf, 8); // reset the eventfd's counter (level-triggered)
                        } catch (Posix.PosixException ignored) {
                            // EAGAIN: already reset
                        }
                        continue;
                    }
                    Registration w = writeWatches.remove(id);
                    if (w != null) {
                        Posix.epollDel(epfd, w.fd());
                        try {
                            w.sink().write(null, 0);
                        } catch (RuntimeException e) {
                            // a failing writer must not stop the pump
                        }
                        continue;
                    }
                    Registration r = registrations.get(id);
                    if (r != null) {
                        readOnce(id, r, buf);
                    }
                }
                for (Drain d; (d = drains.poll()) != null; ) {
                    drain(d, buf);
                }
            }
            for (Drain d; (d = drains.poll()) != null; ) {
                d.then().run();
            }
        } catch (Posix.PosixException e) {
            throw new IllegalStateException("output pump stopped: " + e.getMessage(), e);
        } finally {
            Posix.freeBuffer(buf);
        }
    }

    private void drain(Drain d, ByteBuffer buf) {
        for (long id : d.registrations()) {
            Registration r = registrations.get(id);
            if (r == null) {
                continue; // already at end of file, and closed
            }
            long read = 0;
            Read last = Read.DATA;
            while (read < DRAIN_LIMIT && (last = readOnce(id, r, buf)) == Read.DATA) {
                read += READ_SIZE;
            }
            if (last != Read.EOF) {
                finish(id, r);
            }
        }
        try {
            d.then().run();
        } catch (RuntimeException ignored) {
            // the loop's own problem; the pump goes on
        }
    }

    private Read readOnce(long id, Registration r, ByteBuffer buf) {
        long got;
        try {
            got = Posix.read(r.fd(), buf, READ_SIZE);
        } catch (Posix.PosixException e) {
            if (e.errno() == Posix.EAGAIN) {
                return Read.AGAIN;
            }
            got = 0;
        }
        if (got > 0) {
            try {
                r.sink().write(buf.slice(0, (int) got));
            } catch (RuntimeException e) {
                // a failing log must not stop the pump for every other process
            }
            return Read.DATA;
        }
        finish(id, r);
        return Read.EOF;
    }

    /** The pipe is done with: unwatched, closed, its sink told. */
    private void finish(long id, Registration r) {
        registrations.remove(id);
        Posix.epollDel(epfd, r.fd());
        Posix.close(r.fd());
        try {
            r.sink().closed();
        } catch (RuntimeException ignored) {
            // a failing sink must not stop the pump
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

    private void wake() {
        try {
            Posix.writeAll(wakeFd, new byte[] {1, 0, 0, 0, 0, 0, 0, 0});
        } catch (Posix.PosixException ignored) {
            // the eventfd cannot fail to take 8 bytes unless its counter overflows: not from here
        }
    }
}
