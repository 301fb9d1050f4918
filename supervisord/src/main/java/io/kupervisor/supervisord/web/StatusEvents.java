package io.kupervisor.supervisord.web;

import io.kupervisor.supervisord.control.Control;
import io.kupervisor.supervisord.control.ControlEvent;
import io.kupervisor.supervisord.control.DaemonStatus;
import io.kupervisor.supervisord.http.Exchange;
import io.kupervisor.supervisord.http.ResponseStream;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /events}: the status table as server-sent events, pushed from the daemon's own state
 * and group changes ({@link Control#subscribe}), never on a timer. Changes are coalesced into one
 * table (a snapshot the loop takes in one turn) at most every {@link #MIN_INTERVAL}; it is
 * rendered off the loop, and each client gets the latest table when it can take it (a slow client
 * skips tables, it never holds the loop up).
 */
final class StatusEvents implements AutoCloseable {
    /**
     * A comment line this often keeps proxies from closing a quiet stream and notices gone clients
     * (15 s; {@code kupervisor.web.heartbeatMillis} for tests).
     */
    private final Duration heartbeat = Duration.ofMillis(Long.getLong("kupervisor.web.heartbeatMillis", 15_000));
    /**
     * Tables are taken at most this often: a storm of changes (stop all of hundreds of processes)
     * costs the loop a table per interval, not one per change.
     */
    static final Duration MIN_INTERVAL = Duration.ofMillis(50);
    private static final Executor RENDERING = Executors.newVirtualThreadPerTaskExecutor();

    private final Control control;
    private final ZoneId zone;
    private final String token;
    private final Control.Subscription subscription;
    private final Object lock = new Object();

    /** Guarded by lock. */
    private boolean publishPending;
    private long lastPublish = System.nanoTime() - MIN_INTERVAL.toNanos();
    private int subscribers;
    private long version;
    private long newestTaken;
    private byte[] latest;
    private boolean closed;

    StatusEvents(Control control, ZoneId zone, String token) {
        this.control = control;
        this.zone = zone;
        this.token = token;
        this.subscription = control.subscribe(EnumSet.of(ControlEvent.Kind.PROCESS_STATE, ControlEvent.Kind.GROUP,
                ControlEvent.Kind.SUPERVISOR_STATE), e -> changed());
    }

    /** Loop thread: something changed; one table is taken within {@link #MIN_INTERVAL}. */
    private void changed() {
        long wait;
        synchronized (lock) {
            if (subscribers == 0 || publishPending || closed) {
                return;
            }
            publishPending = true;
            wait = lastPublish + MIN_INTERVAL.toNanos() - System.nanoTime();
        }
        if (wait <= 0) {
            take();
        } else {
            CompletableFuture.delayedExecutor(wait, TimeUnit.NANOSECONDS).execute(this::take);
        }
    }

    /** Asks the loop for a snapshot; changes from here on ask for the next one. */
    private void take() {
        long seq;
        synchronized (lock) {
            publishPending = false;
            lastPublish = System.nanoTime();
            seq = ++newestTaken;
        }
        control.status().thenAcceptAsync(status -> publish(seq, status), RENDERING);
    }

    private void publish(long seq, DaemonStatus status) {
        StatusTable table = StatusTable.of(status, zone);
        String content = table.mood().name() + "\n" + table.tbody(token);
        byte[] event = event(table);
        synchronized (lock) {
            if (seq < newestPublished) {
                return; // a newer table went out already
            }
            newestPublished = seq;
            if (content.equals(latestContent)) {
                // a change that the previous table already showed (it came while that one was taken)
                return;
            }
            latestContent = content;
            latest = event;
            version++;
            lock.notifyAll();
        }
    }

    private long newestPublished;
    /** What the latest table shows (state and rows), to send a table only when it differs. */
    private String latestContent;

    private byte[] event(StatusTable t) {
        String data = "{\"state\":" + Text.json(t.mood().name()) + ",\"now\":" + t.now().toEpochMilli() + ",\"tbody\":"
                + Text.json(t.tbody(token)) + "}";
        return ("event: status\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Serves one client until it goes or the server closes. */
    void serve(Exchange ex) throws IOException {
        long seen;
        synchronized (lock) {
            subscribers++;
            seen = version;
        }
        try {
            byte[] first = event(StatusTable.of(control.status().join(), zone));
            ResponseStream out = ex.stream(200, Map.of("Content-Type", "text/event-stream; charset=utf-8",
                    "Cache-Control", "no-store", "X-Accel-Buffering", "no", "X-Content-Type-Options", "nosniff"));
            byte[] retry = "retry: 2000\n\n".getBytes(StandardCharsets.US_ASCII);
            out.write(retry, 0, retry.length);
            out.write(first, 0, first.length);
            Thread watcher = Thread.ofVirtual().name("events-watch").start(() -> {
                out.awaitClientGone();
                synchronized (lock) {
                    lock.notifyAll();
                }
            });
            try {
                byte[] comment = ":\n\n".getBytes(StandardCharsets.US_ASCII);
                while (!ex.clientGone()) {
                    byte[] next = null;
                    synchronized (lock) {
                        long until = System.nanoTime() + heartbeat.toNanos();
                        while (version == seen && !closed && !ex.clientGone()) {
                            long left = until - System.nanoTime();
                            if (left <= 0) {
                                break;
                            }
                            lock.wait(Math.max(1, left / 1_000_000));
                        }
                        if (closed) {
                            break;
                        }
                        if (version != seen) {
                            seen = version;
                            next = latest;
                        }
                    }
                    if (ex.clientGone()) {
                        return;
                    }
                    byte[] bytes = next != null ? next : comment;
                    out.write(bytes, 0, bytes.length);
                }
                if (!ex.clientGone()) {
                    out.end(); // the server is closing (a reload): the browser reconnects
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                watcher.interrupt();
            }
        } finally {
            synchronized (lock) {
                subscribers--;
            }
        }
    }

    @Override
    public void close() {
        subscription.close();
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
    }
}
