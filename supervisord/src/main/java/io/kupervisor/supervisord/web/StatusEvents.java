package io.kupervisor.supervisord.web;

import io.kupervisor.supervisord.Supervisor;
import io.kupervisor.supervisord.rpc.HttpServer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code GET /events}: the status table as server-sent events, pushed from the daemon's own state
 * changes ({@link Supervisor#addListener}) and group changes, never on a timer. Changes are
 * coalesced into one table per turn of the loop (and at most one per {@link #MIN_INTERVAL}),
 * taken on the loop; each client gets the latest table when it can take it (a slow client skips
 * tables, it never holds the loop up).
 */
final class StatusEvents implements AutoCloseable {
    /** A comment line this often keeps proxies from closing a quiet stream and notices gone clients. */
    static final Duration HEARTBEAT = Duration.ofSeconds(15);

    private final Supervisor sup;
    private final ZoneId zone;
    private final String token;
    private final Consumer<Supervisor.StateChange> stateListener = sc -> changed();
    private final Runnable groupsListener = this::changed;
    private final Object lock = new Object();
    /**
     * Tables are taken at most this often: a storm of changes (stop all of hundreds of processes)
     * costs the loop a table per interval, not one per change.
     */
    static final Duration MIN_INTERVAL = Duration.ofMillis(50);

    /** Loop thread only. */
    private boolean publishPending;
    private long lastPublish = System.nanoTime() - MIN_INTERVAL.toNanos();
    private int subscribers;
    private long version;
    private byte[] latest;
    private boolean closed;

    StatusEvents(Supervisor sup, ZoneId zone, String token) {
        this.sup = sup;
        this.zone = zone;
        this.token = token;
        sup.addListener(stateListener);
        sup.addGroupsListener(groupsListener);
    }

    /** Loop thread: something changed; one table is taken after the loop's current work. */
    private void changed() {
        synchronized (lock) {
            if (subscribers == 0) {
                return;
            }
        }
        if (!publishPending) {
            publishPending = true;
            long wait = lastPublish + MIN_INTERVAL.toNanos() - System.nanoTime();
            if (wait <= 0) {
                sup.execute(this::publish);
            } else {
                sup.schedule(this::publish, Duration.ofNanos(wait));
            }
        }
    }

    private void publish() {
        publishPending = false;
        lastPublish = System.nanoTime();
        byte[] event = event(StatusTable.take(sup, zone));
        synchronized (lock) {
            latest = event;
            version++;
            lock.notifyAll();
        }
    }

    private byte[] event(StatusTable t) {
        String data = "{\"state\":" + Text.json(t.mood().name()) + ",\"now\":" + t.now().toEpochMilli() + ",\"tbody\":"
                + Text.json(t.tbody(token)) + "}";
        return ("event: status\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Serves one client until it goes or the server closes. */
    void serve(HttpServer.Exchange ex) throws IOException {
        long seen;
        synchronized (lock) {
            subscribers++;
            seen = version;
        }
        try {
            byte[] first = event(sup.call(() -> StatusTable.take(sup, zone)));
            HttpServer.Exchange.Stream out = ex.stream(200, Map.of("Content-Type", "text/event-stream; charset=utf-8",
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
                byte[] heartbeat = ":\n\n".getBytes(StandardCharsets.US_ASCII);
                while (!ex.clientGone()) {
                    byte[] next = null;
                    synchronized (lock) {
                        long until = System.nanoTime() + HEARTBEAT.toNanos();
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
                    byte[] bytes = next != null ? next : heartbeat;
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
        try {
            sup.removeListener(stateListener);
            sup.removeGroupsListener(groupsListener);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the loop has ended: nothing will call back
        }
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
    }
}
