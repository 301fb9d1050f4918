package io.kupervisor.supervisord.log;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The daemon's stdout shared by every {@link MirroringLog} (the {@code [kupervisor]} option that
 * mirrors program output with a {@code [program]} prefix).
 *
 * <p>Programs never wait for stdout: {@link #offer(byte[])} puts a block of whole prefixed lines
 * in a queue bounded by {@code capacityBytes} and returns; one writer thread
 * ({@code kupervisor-stdout-mirror}) writes the queue to the stream, each block in one write while
 * holding the stream's monitor (as {@link MainLog}'s echo does), so lines never interleave. When
 * the queue is full (stdout is slower than the programs) a block is <b>dropped</b> rather than
 * blocking the child (which would fill its pipe and stall it); the log files still get every
 * byte. Once the writer catches up it writes
 * {@code [kupervisor] stdout mirror dropped N lines (M bytes) of program output: stdout too slow}.
 *
 * <p>A second thread schedules the delayed flush of partial lines ({@link MirroringLog}).
 * {@link #close()} writes what is queued (waiting at most a few seconds) and stops both threads;
 * it does not close the stream.
 */
public final class StdoutMirror implements AutoCloseable {

    /** Default bound of the queue: 4 MiB. */
    public static final int DEFAULT_CAPACITY = 4 << 20;
    /** Default delay before a line without its newline is written anyway. */
    public static final Duration DEFAULT_PARTIAL_DELAY = Duration.ofMillis(200);

    private final OutputStream out;
    private final long capacity;
    private final Duration partialDelay;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition drained = lock.newCondition();
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private final Thread writer;
    private final ScheduledThreadPoolExecutor timer;
    private long queuedBytes;
    private long droppedBytes;
    private long droppedLines;
    private long totalDroppedBytes;
    private boolean writing;
    private boolean closed;

    /** A mirror with the default capacity and partial-line delay. */
    public StdoutMirror(OutputStream out) {
        this(out, DEFAULT_CAPACITY, DEFAULT_PARTIAL_DELAY);
    }

    public StdoutMirror(OutputStream out, long capacityBytes, Duration partialLineDelay) {
        this.out = Objects.requireNonNull(out, "out");
        if (capacityBytes <= 0) {
            throw new IllegalArgumentException("capacityBytes must be positive");
        }
        this.capacity = capacityBytes;
        this.partialDelay = Objects.requireNonNull(partialLineDelay, "partialLineDelay");
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "kupervisor-stdout-mirror-timer");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        this.writer = new Thread(this::writeLoop, "kupervisor-stdout-mirror");
        writer.setDaemon(true);
        writer.start();
    }

    Duration partialDelay() {
        return partialDelay;
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    /**
     * Queues a block of whole lines for stdout without waiting; drops it (counting it) when the
     * queue is full or the mirror is closed.
     *
     * @return whether the block was queued
     */
    public boolean offer(byte[] block) {
        if (block.length == 0) {
            return true;
        }
        lock.lock();
        try {
            if (closed || queuedBytes + block.length > capacity) {
                droppedBytes += block.length;
                totalDroppedBytes += block.length;
                droppedLines += countLines(block);
                return false;
            }
            queue.add(block);
            queuedBytes += block.length;
            notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Bytes of program output dropped so far because stdout was too slow. */
    public long droppedBytes() {
        lock.lock();
        try {
            return totalDroppedBytes;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until everything queued so far has been written (or the timeout passes). */
    public boolean flush(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (!queue.isEmpty() || writing) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                drained.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void writeLoop() {
        byte[][] batch = new byte[64][];
        while (true) {
            int n = 0;
            long notice;
            long noticeLines;
            lock.lock();
            try {
                while (queue.isEmpty() && droppedBytes == 0 && !closed) {
                    notEmpty.awaitUninterruptibly();
                }
                if (queue.isEmpty() && droppedBytes == 0 && closed) {
                    writing = false;
                    drained.signalAll();
                    return;
                }
                while (n < batch.length && !queue.isEmpty()) {
                    byte[] b = queue.poll();
                    queuedBytes -= b.length;
                    batch[n++] = b;
                }
                notice = queue.isEmpty() ? droppedBytes : 0;
                noticeLines = droppedLines;
                if (notice > 0) {
                    droppedBytes = 0;
                    droppedLines = 0;
                }
                writing = true;
            } finally {
                lock.unlock();
            }
            synchronized (out) {
                try {
                    for (int i = 0; i < n; i++) {
                        out.write(batch[i]);
                        batch[i] = null;
                    }
                    if (notice > 0) {
                        out.write(("[kupervisor] stdout mirror dropped " + noticeLines + " lines (" + notice
                                + " bytes) of program output: stdout too slow\n").getBytes(StandardCharsets.UTF_8));
                    }
                    out.flush();
                } catch (IOException e) {
                    // stdout closed (EPIPE): the mirrored copy is lost, the log files still have it
                }
            }
            lock.lock();
            try {
                writing = false;
                if (queue.isEmpty()) {
                    drained.signalAll();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    private static long countLines(byte[] block) {
        long n = 0;
        for (byte b : block) {
            if (b == '\n') {
                n++;
            }
        }
        return n;
    }

    /** Writes what is queued (waiting at most 5 s) and stops the threads; stdout stays open. */
    @Override
    public void close() {
        timer.shutdownNow();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            writer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
