package io.kupervisor.supervisord.log;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ChannelLog} that also copies the output to the daemon's stdout (the Kubernetes extra
 * "program output mirrored to the daemon's stdout with a {@code [program]} prefix"), so
 * {@code kubectl logs} shows every program.
 *
 * <ul>
 *   <li>Every line gets a prefix: {@code [name] } for stdout, {@code [name:stderr] } for stderr
 *       ({@link #prefix(String, String)}). With {@code redirect_stderr=true} both streams come
 *       through stdout and are labelled {@code [name] }.
 *   <li>Lines are buffered per channel and reach stdout whole, so output of different processes
 *       (and of the two channels of one process) never interleaves within a line.
 *   <li>A line still without its newline after the mirror's partial-line delay (200 ms by
 *       default), or at {@link #close()}, is written with a newline added; the rest of that line
 *       comes later as a new prefixed line. A line longer than {@link #MAX_LINE} bytes is cut the
 *       same way.
 *   <li>The copy never blocks the child: see {@link StdoutMirror} (bounded queue, lines dropped
 *       and counted when stdout is too slow; the file log gets everything).
 *   <li>The wrapped log receives the bytes exactly as given, before the copy is made; an error
 *       writing the file does not stop the copy.
 * </ul>
 */
public final class MirroringLog implements ChannelLog {

    /** Longest line kept whole on stdout; longer lines are cut. */
    public static final int MAX_LINE = 64 * 1024;

    private final ChannelLog delegate;
    private final StdoutMirror mirror;
    private final byte[] prefix;
    private final Buffer partial = new Buffer();
    private long partialSince;
    private ScheduledFuture<?> flushTask;
    private boolean closed;

    /**
     * @param delegate    the channel's own log ({@link ChannelLog#discard()} for {@code NONE})
     * @param mirror      the daemon's shared stdout mirror
     * @param processName the process name shown in the prefix
     * @param channel     {@code stdout} or {@code stderr}
     */
    public MirroringLog(ChannelLog delegate, StdoutMirror mirror, String processName, String channel) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.mirror = Objects.requireNonNull(mirror, "mirror");
        this.prefix = prefix(processName, channel).getBytes(StandardCharsets.UTF_8);
    }

    /** {@code [name] } for stdout, {@code [name:stderr] } for stderr. */
    public static String prefix(String processName, String channel) {
        return "stderr".equals(channel) ? "[" + processName + ":stderr] " : "[" + processName + "] ";
    }

    /** The wrapped log. */
    public ChannelLog delegate() {
        return delegate;
    }

    @Override
    public synchronized void write(byte[] data, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, data.length);
        if (len == 0) {
            return;
        }
        try {
            delegate.write(data, off, len);
        } finally {
            mirror(data, off, len);
        }
    }

    private synchronized void mirror(byte[] data, int off, int len) {
        if (closed) {
            return;
        }
        boolean fresh = partial.size() == 0;
        ByteArrayOutputStream block = null;
        int end = off + len;
        int i = off;
        while (i < end) {
            int nl = indexOfNewline(data, i, end);
            int contentEnd = nl < 0 ? end : nl;
            if (nl >= 0 && partial.size() == 0 && contentEnd - i <= MAX_LINE) {
                // the common case: a whole line in this chunk
                if (block == null) {
                    block = new ByteArrayOutputStream(end - i + 8 * prefix.length);
                }
                block.write(prefix, 0, prefix.length);
                block.write(data, i, nl + 1 - i);
                i = nl + 1;
                continue;
            }
            while (partial.size() + (contentEnd - i) > MAX_LINE) {
                int n = MAX_LINE - partial.size();
                partial.write(data, i, n);
                i += n;
                block = flushPartialInto(block);
                fresh = true;
            }
            partial.write(data, i, contentEnd - i);
            i = contentEnd;
            if (nl >= 0) {
                block = flushPartialInto(block);
                fresh = true;
                i = nl + 1;
            }
        }
        if (block != null) {
            mirror.offer(block.toByteArray());
        }
        if (partial.size() > 0) {
            if (fresh) {
                partialSince = System.nanoTime();
            }
            schedule(mirror.partialDelay().toNanos());
        } else {
            cancel();
        }
    }

    private static int indexOfNewline(byte[] data, int from, int end) {
        for (int i = from; i < end; i++) {
            if (data[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Appends the pending partial line, prefixed and with a newline, to the block. */
    private ByteArrayOutputStream flushPartialInto(ByteArrayOutputStream block) {
        ByteArrayOutputStream b = block != null ? block : new ByteArrayOutputStream(partial.size() + prefix.length + 1);
        b.write(prefix, 0, prefix.length);
        partial.copyTo(b);
        b.write('\n');
        partial.reset();
        return b;
    }

    private void schedule(long delayNanos) {
        if (flushTask != null && !flushTask.isDone()) {
            return;
        }
        try {
            flushTask = mirror.timer().schedule(this::flushIfStale, Math.max(1, delayNanos), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            flushTask = null; // the mirror is closed
        }
    }

    private void cancel() {
        if (flushTask != null) {
            flushTask.cancel(false);
            flushTask = null;
        }
    }

    private synchronized void flushIfStale() {
        flushTask = null;
        if (closed || partial.size() == 0) {
            return;
        }
        long left = partialSince + mirror.partialDelay().toNanos() - System.nanoTime();
        if (left > 0) {
            schedule(left);
            return;
        }
        flushPartial();
    }

    private void flushPartial() {
        if (partial.size() > 0) {
            mirror.offer(flushPartialInto(null).toByteArray());
        }
    }

    @Override
    public void reopen() throws IOException {
        delegate.reopen();
    }

    @Override
    public void clear() throws IOException {
        delegate.clear();
    }

    /** Writes a pending partial line (with a newline added) and closes the wrapped log. */
    @Override
    public void close() {
        synchronized (this) {
            if (!closed) {
                flushPartial();
                cancel();
                closed = true;
            }
        }
        delegate.close();
    }

    @Override
    public Path path() {
        return delegate.path();
    }

    @Override
    public String toString() {
        return "MirroringLog[" + new String(prefix, StandardCharsets.UTF_8).trim() + ", " + delegate + "]";
    }

    /** A byte buffer that copies into another without a checked exception. */
    private static final class Buffer extends ByteArrayOutputStream {
        void copyTo(ByteArrayOutputStream target) {
            target.write(buf, 0, count);
        }
    }
}
