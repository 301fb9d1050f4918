package io.kupervisor.supervisord.io;

import io.kupervisor.supervisord.posix.Posix;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

/**
 * Writes to a child's stdin pipe without ever waiting for the child: what the pipe does not take
 * at once waits here, and the output pump says when the pipe takes writes again (no timer, no
 * retry loop). supervisord's {@code PInputDispatcher}. Loop thread only.
 */
public final class PipeWriter {
    private final int fd;
    private final OutputPump pump;
    private final Executor loop;
    private final BooleanSupplier stillOpen;
    private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
    private int offset;
    private boolean watching;
    private boolean broken;

    /**
     * @param stillOpen whether {@code fd} still is this pipe (its owner closes it when the child
     *                  is reaped, and the number may be reused after that)
     */
    public PipeWriter(int fd, OutputPump pump, Executor loop, BooleanSupplier stillOpen) {
        this.fd = fd;
        this.pump = pump;
        this.loop = loop;
        this.stillOpen = stillOpen;
        try {
            Posix.setNonBlocking(fd);
        } catch (Posix.PosixException e) {
            broken = true;
        }
    }

    /**
     * Writes {@code data}, or queues what does not fit.
     *
     * @return false when the pipe is broken (EPIPE: the child closed its stdin or is gone);
     *         nothing is queued then
     */
    public boolean write(byte[] data) {
        if (broken || !stillOpen.getAsBoolean()) {
            return false;
        }
        if (!pending.isEmpty()) {
            pending.addLast(data);
            return true;
        }
        try {
            int n = Posix.writeSome(fd, data, 0, data.length);
            if (n < data.length) {
                pending.addLast(data);
                offset = n;
                watch();
            }
            return true;
        } catch (Posix.PosixException e) {
            broken = true;
            return false;
        }
    }

    /** Bytes still waiting for the child to read. */
    public int pendingBytes() {
        int n = -offset;
        for (byte[] b : pending) {
            n += b.length;
        }
        return Math.max(0, n);
    }

    private void watch() {
        if (watching) {
            return;
        }
        try {
            pump.whenWritable(fd, () -> loop.execute(this::flush));
            watching = true;
        } catch (Posix.PosixException e) {
            // the fd is gone: what waited is dropped, as supervisord drops it on EPIPE
            drop();
        }
    }

    private void flush() {
        watching = false;
        if (!stillOpen.getAsBoolean()) {
            drop();
            return;
        }
        try {
            while (!pending.isEmpty()) {
                byte[] head = pending.peekFirst();
                int n = Posix.writeSome(fd, head, offset, head.length - offset);
                offset += n;
                if (offset < head.length) {
                    watch();
                    return;
                }
                pending.removeFirst();
                offset = 0;
            }
        } catch (Posix.PosixException e) {
            drop();
        }
    }

    private void drop() {
        broken = true;
        pending.clear();
        offset = 0;
    }
}
