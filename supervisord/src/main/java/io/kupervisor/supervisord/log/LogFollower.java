package io.kupervisor.supervisord.log;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Follows a log file as {@code tail -F} does, for {@code /logtail} streaming and the log sidecar
 * {@code kupervisor tail -F FILE}. Poll-based ({@link java.nio.file.WatchService} misses renames):
 * each {@link #poll()} reads what was appended, then checks the path.
 *
 * <ul>
 *   <li><b>Start</b>: the last N bytes ({@code /logtail}: 1024, as supervisord), the last N lines,
 *       the beginning or the end of the file. A file that does not exist yet is followed from its
 *       beginning once it appears.
 *   <li><b>Truncation</b> (the file became smaller than what was read: {@code copytruncate}, a
 *       rotation with {@code backups=0}): {@link Listener#onTruncated()} (for {@code /logtail},
 *       supervisord's {@link #TRUNCATED_MARKER}), then the file is read again from its start. A
 *       file truncated and refilled beyond the old size between two polls cannot be told from
 *       one that grew (as with any {@code tail}).
 *   <li><b>Rotation</b> (the path names another file, by {@link BasicFileAttributes#fileKey()}):
 *       first the rest of the old file is read through the descriptor still open, then the file
 *       written after it. With supervisord's naming ({@code f -> f.1 -> f.2 ...}), when several
 *       rotations happened between two polls the old file is found among {@code f.1 ... f.N}
 *       and the files younger than it are read in order before {@code f}, so no line is lost or
 *       repeated. Every open is checked against a second look at the names, so a rotation
 *       happening while the follower looks is noticed and the search starts again.
 *   <li><b>Removal</b> ({@code supervisorctl clear} unlinks the file and creates a new one; a
 *       rotation pushing the file past the last backup): the old file is read to its end through
 *       the descriptor still open, then the oldest file of the chain not followed yet, then
 *       {@code f}. A file removed before the follower ever opened it is lost (it has no name
 *       left). The files already followed are remembered by key while they are in the chain;
 *       should a backup be deleted and its inode number reused by a new file within one poll
 *       interval, that new file could be taken for one already read.
 *   <li><b>Disappearance</b>: while the path does not exist, the old file is kept open (a
 *       rotation's gap between rename and create); following resumes when it is back.
 * </ul>
 * supervisord's own {@code tail_f_producer} loses the rest of the old file at a rotation (it
 * reopens the new file and starts at its size); kupervisor does not.
 *
 * <p>Use {@link #start(Duration)} (a virtual thread polling at an interval), {@link #run(Duration)}
 * (the same loop in the caller's thread) or call {@link #poll()} yourself. Listener calls happen
 * in the polling thread, one at a time; an {@link IOException} from the listener (a client gone)
 * stops the loop and is available from {@link #failure()}.
 */
public final class LogFollower implements AutoCloseable {

    /** What supervisord's {@code /logtail} emits when the file shrinks. */
    public static final String TRUNCATED_MARKER = "==> File truncated <==\n";

    /** The default poll interval. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(50);

    /** How far {@code f.1 ... f.N} is searched for a rotated file. */
    private static final int MAX_BACKUPS = 10_000;

    /** Receives the followed bytes. */
    public interface Listener {
        /** Bytes appended to the file; the buffer is reused after the call returns. */
        void onData(byte[] buf, int off, int len) throws IOException;

        /** The file shrank; reading starts again at its beginning. */
        default void onTruncated() throws IOException {}

        /** Following moved to another file (after a rotation, or the file appeared). */
        default void onNewFile(Path file) throws IOException {}
    }

    /** Where following starts in a file that exists at the first poll. */
    public sealed interface Start {
        /** The last {@code n} bytes (the whole file if smaller). */
        static Start lastBytes(long n) {
            return new LastBytes(n);
        }

        /** The last {@code n} lines; a last line without its newline counts as one. */
        static Start lastLines(long n) {
            return new LastLines(n);
        }

        /** The whole file. */
        static Start beginning() {
            return new LastBytes(Long.MAX_VALUE);
        }

        /** Only what is appended from now on. */
        static Start end() {
            return new LastBytes(0);
        }

        /** From the {@code n}-th line on (1 is the first), as GNU {@code tail -n +N}. */
        static Start fromLine(long n) {
            return new FromLine(Math.max(1, n));
        }

        /** From the {@code n}-th byte on (1 is the first), as GNU {@code tail -c +N}. */
        static Start fromByte(long n) {
            return new FromByte(Math.max(1, n));
        }
    }

    record FromLine(long n) implements Start {
    }

    record FromByte(long n) implements Start {
    }

    record LastBytes(long n) implements Start {
        LastBytes {
            if (n < 0) {
                throw new IllegalArgumentException("negative byte count");
            }
        }
    }

    record LastLines(long n) implements Start {
        LastLines {
            if (n < 0) {
                throw new IllegalArgumentException("negative line count");
            }
        }
    }

    private record Opened(RandomAccessFile file, Object key, Path path) {}

    /** {@link #nextFile} answers: the next file is not there yet. */
    private static final Opened WAIT = new Opened(null, "wait", null);
    /** {@link #nextFile} answers: files moved while looking, look again. */
    private static final Opened RETRY = new Opened(null, "retry", null);

    private final Path path;
    private final Start start;
    private final Listener listener;
    private final byte[] buf = new byte[64 * 1024];
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);

    /** Files followed already, or older than the first one followed; only those still in the chain. */
    private final Set<Object> seen = new HashSet<>();
    private RandomAccessFile cur;
    private Object curKey;
    private long pos;
    private boolean firstPoll = true;
    private volatile boolean stopped;
    private volatile Thread thread;
    private volatile IOException failure;

    public LogFollower(Path path, Start start, Listener listener) {
        this.path = Objects.requireNonNull(path, "path");
        this.start = Objects.requireNonNull(start, "start");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** Follows in a new virtual thread, polling every {@code interval}, until {@link #close()}. */
    public LogFollower start(Duration interval) {
        Thread t = Thread.ofVirtual().name("log-follower " + path).unstarted(() -> {
            try {
                run(interval);
            } catch (IOException e) {
                // kept in failure()
            }
        });
        thread = t;
        t.start();
        return this;
    }

    /**
     * Follows in the calling thread until {@link #close()} (or the calling thread is interrupted).
     *
     * @throws IOException what the listener threw
     */
    public void run(Duration interval) throws IOException {
        try {
            while (!stopped) {
                poll();
                if (stop.await(interval.toNanos(), TimeUnit.NANOSECONDS)) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            failure = e;
            throw e;
        } finally {
            synchronized (this) {
                closeCurrent();
            }
            finished.countDown();
        }
    }

    /** What stopped the loop, if the listener failed. */
    public IOException failure() {
        return failure;
    }

    /** Stops following (the loop ends after its current poll) and closes the file. */
    @Override
    public void close() {
        stopped = true;
        stop.countDown();
        if (thread == null) {
            synchronized (this) {
                closeCurrent();
            }
        }
    }

    /** Waits until a loop started by {@link #start(Duration)} has ended. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return thread == null || finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * One round: reads what was appended (or the start of the file), handles truncation and
     * rotation.
     *
     * @return whether the listener was given anything
     * @throws IOException what the listener threw (reading problems count as "no file yet")
     */
    public synchronized boolean poll() throws IOException {
        if (stopped) {
            return false;
        }
        boolean delivered = false;
        boolean first = firstPoll;
        firstPoll = false;
        if (first) {
            seen.addAll(chainKeys()); // rotated copies already there are older: never read them
        }
        if (cur == null) {
            Opened o = first ? open(path) : nextFile(keyOf(path));
            if (o == null || o == WAIT || o == RETRY) {
                return false;
            }
            cur = o.file();
            curKey = o.key();
            seen.add(curKey);
            if (first) {
                pos = startPosition(cur);
            } else {
                pos = 0; // appeared: from its start (files rotated meanwhile first)
                listener.onNewFile(o.path());
            }
        }
        delivered |= drain();
        int retries = 0;
        for (int guard = 0; guard < 1000 && !stopped; guard++) {
            Object pathKey = keyOf(path);
            if (Objects.equals(pathKey, curKey)) {
                break;
            }
            delivered |= drain(); // what was written to the old file before it was renamed
            Opened next = nextFile(pathKey);
            if (next == WAIT) {
                break; // the new file is not there yet: keep the old one and wait
            }
            if (next == RETRY) {
                if (++retries > 20) {
                    break; // the files keep moving: look again at the next poll
                }
                continue;
            }
            closeCurrent();
            cur = next.file();
            curKey = next.key();
            seen.add(curKey);
            pos = 0;
            listener.onNewFile(next.path());
            delivered |= drain();
        }
        return delivered;
    }

    /** Reads from {@code pos} to the current end, handling a shrunk file. */
    private boolean drain() throws IOException {
        long size;
        try {
            size = cur.length();
        } catch (IOException e) {
            return false;
        }
        boolean delivered = false;
        if (size < pos) {
            listener.onTruncated();
            delivered = true;
            pos = 0;
        }
        while (!stopped) {
            int n;
            try {
                cur.seek(pos);
                n = cur.read(buf, 0, buf.length);
            } catch (IOException e) {
                return delivered;
            }
            if (n <= 0) {
                break;
            }
            pos += n;
            listener.onData(buf, 0, n);
            delivered = true;
        }
        return delivered;
    }

    private long startPosition(RandomAccessFile f) throws IOException {
        long size = f.length();
        // instanceof, not a pattern switch: that is a class spun at run time (issue 18)
        if (start instanceof LastBytes b) {
            return Math.max(0, size - b.n());
        } else if (start instanceof LastLines l) {
            return lastLinesPosition(f, size, l.n());
        } else if (start instanceof FromByte b) {
            return Math.min(size, b.n() - 1);
        } else if (start instanceof FromLine l) {
            return lineStartPosition(f, size, l.n());
        }
        throw new IllegalStateException("no start position for " + start);
    }

    /** Where line {@code line} (1-based) starts; the end of the file when it has fewer lines. */
    private long lineStartPosition(RandomAccessFile f, long size, long line) throws IOException {
        long newlines = line - 1;
        long p = 0;
        f.seek(0);
        while (newlines > 0 && p < size) {
            int n = (int) Math.min(buf.length, size - p);
            f.readFully(buf, 0, n);
            for (int i = 0; i < n; i++) {
                if (buf[i] == '\n' && --newlines == 0) {
                    return p + i + 1;
                }
            }
            p += n;
        }
        return newlines == 0 ? 0 : size;
    }

    private long lastLinesPosition(RandomAccessFile f, long size, long lines) throws IOException {
        if (lines == 0) {
            return size;
        }
        long end = size;
        if (end > 0) {
            f.seek(end - 1);
            if (f.read() == '\n') {
                end--; // the final newline ends the last line; it does not start another
            }
        }
        long found = 0;
        long p = end;
        while (p > 0) {
            int n = (int) Math.min(buf.length, p);
            p -= n;
            f.seek(p);
            f.readFully(buf, 0, n);
            for (int i = n - 1; i >= 0; i--) {
                if (buf[i] == '\n' && ++found == lines) {
                    return p + i + 1;
                }
            }
        }
        return 0;
    }

    /**
     * After the path changed: the file written after the current one. If the current file is
     * {@code f.k} in supervisord's chain, that is {@code f.(k-1)} (or {@code f}); a rotation
     * moving the chain while we look is detected (the current file is no longer at {@code f.k})
     * and answered with {@link #RETRY}. If the current file left the chain (unlinked by
     * {@code clear}, pushed out past the last backup, moved elsewhere), it is the oldest file of
     * the chain not followed yet, else {@code f}.
     */
    private Opened nextFile(Object pathKey) {
        List<Object> chain = chainKeys();
        seen.retainAll(chain); // forget files gone from the chain (their inode numbers get reused)
        if (curKey != null) {
            seen.add(curKey);
        }
        int k = curKey == null ? 0 : chain.indexOf(curKey) + 1;
        if (k > 0) {
            Path younger = k == 1 ? path : numbered(k - 1);
            Opened o = open(younger);
            if (o == null) {
                return k == 1 ? WAIT : RETRY; // f.1 is ours and f is not created yet
            }
            if (Objects.equals(keyOf(numbered(k)), curKey) && !o.key().equals(curKey)) {
                return o;
            }
            closeQuietly(o.file()); // the chain moved while we looked: look again
            return RETRY;
        }
        int j = oldestUnseen(chain);
        Opened o;
        if (j > 0) {
            o = open(numbered(j));
        } else if (pathKey == null) {
            return WAIT;
        } else {
            o = open(path);
            if (o == null) {
                return WAIT;
            }
        }
        if (o == null) {
            return RETRY;
        }
        // a rotation between the walk and the open would make us skip a file: check again
        List<Object> after = chainKeys();
        int j2 = oldestUnseen(after);
        Object expected = j2 > 0 ? after.get(j2 - 1) : keyOf(path);
        if (!o.key().equals(expected) || seen.contains(o.key())) {
            closeQuietly(o.file());
            return RETRY;
        }
        return o;
    }

    /** The index of the oldest file of the chain not followed yet, or 0. */
    private int oldestUnseen(List<Object> chain) {
        for (int j = chain.size(); j >= 1; j--) {
            Object key = chain.get(j - 1);
            if (key != null && !seen.contains(key)) {
                return j;
            }
        }
        return 0;
    }

    /**
     * The keys of {@code f.1, f.2, ...} ({@code null} where a name is missing), up to two missing
     * names in a row: while a rotation shifts the chain ({@code f.3->f.4}, then {@code f.2->f.3}
     * ...) one name is briefly missing, and a walk that stopped there would not see the older
     * files.
     */
    private List<Object> chainKeys() {
        List<Object> keys = new ArrayList<>();
        int missing = 0;
        for (int k = 1; k <= MAX_BACKUPS && missing < 2; k++) {
            Object key = keyOf(numbered(k));
            keys.add(key);
            missing = key == null ? missing + 1 : 0;
        }
        while (!keys.isEmpty() && keys.getLast() == null) {
            keys.removeLast();
        }
        return keys;
    }

    private Path numbered(int i) {
        return Path.of(path.toString() + "." + i);
    }

    /** Opens a file and learns its key, making sure the key belongs to the file opened. */
    private static Opened open(Path p) {
        for (int attempt = 0; attempt < 10; attempt++) {
            Object before = keyOf(p);
            if (before == null) {
                return null;
            }
            RandomAccessFile f;
            try {
                f = new RandomAccessFile(p.toFile(), "r");
            } catch (FileNotFoundException e) {
                continue; // gone between the two calls, or a directory
            }
            Object after = keyOf(p);
            if (before.equals(after)) {
                return new Opened(f, before, p);
            }
            closeQuietly(f);
        }
        return null;
    }

    private static Object keyOf(Path p) {
        try {
            BasicFileAttributes attrs = Files.readAttributes(p, BasicFileAttributes.class);
            if (attrs.isDirectory()) {
                return null;
            }
            Object key = attrs.fileKey();
            return key != null ? key : p.toAbsolutePath().toString();
        } catch (IOException e) {
            return null;
        }
    }

    private void closeCurrent() {
        if (cur != null) {
            closeQuietly(cur);
            cur = null;
            curKey = null;
        }
    }

    private static void closeQuietly(RandomAccessFile f) {
        try {
            f.close();
        } catch (IOException e) {
            // read-only file: nothing lost
        }
    }

    @Override
    public String toString() {
        return "LogFollower[" + path + "]";
    }
}
