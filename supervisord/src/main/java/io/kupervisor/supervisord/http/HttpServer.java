package io.kupervisor.supervisord.http;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;

/**
 * The daemon's one HTTP server, for XML-RPC, the web page and health alike: supervisord's medusa
 * as far as its clients can tell (HTTP/1.0 and 1.1 on one listening socket, TCP or a UNIX
 * domain socket; keep-alive by medusa's rules; HTTP Basic auth on every path when a username is
 * set; medusa's error pages), with one virtual thread per connection.
 *
 * <p>Its parts, by role: this class accepts connections and holds them within {@link Limits};
 * {@link Connection} carries one connection's requests; {@link RequestParser} reads heads by
 * RFC 9112's framing rules; {@link BasicAuth} checks credentials; {@link Exchange} and
 * {@link ResponseStream} answer.
 *
 * <p>Unlike medusa it is bounded. Request heads, bodies, the bodies held at once and the number of
 * connections have limits; a head must arrive within a short deadline and an answer be taken
 * within another, and a watchdog closes what overstays. At the connection limit the connection
 * that has waited longest for its client (idle, or still sending its request) is closed to make
 * room, so connections that send nothing cannot lock real clients out; when every one is being
 * served the newcomer gets 503. Failing accepts (out of file descriptors) are retried less and
 * less often and said once.
 */
public final class HttpServer implements AutoCloseable {

    /** Takes the next connection; the listening channel's accept, or a test's. */
    @FunctionalInterface
    interface Acceptor {
        SocketChannel accept() throws IOException;
    }

    /** Waits between failed accepts; Thread.sleep, or a test's. */
    @FunctionalInterface
    interface Pause {
        void pause(Duration d) throws InterruptedException;
    }

    /** The first wait after a failed accept, doubled after each further failure up to {@link #MAX_BACKOFF}. */
    static final Duration MIN_BACKOFF = Duration.ofMillis(10);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(1);
    private static final long ONE_SECOND = 1_000_000_000L;

    private final ServerSocketChannel listener;
    private final String name;
    private final BasicAuth auth;
    private final Limits limits;
    private final Router router;
    private final BiConsumer<Level, String> log;
    private final AtomicLong budget;
    private final Acceptor acceptor;
    private final Pause pause;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final Thread acceptThread;
    private final Thread watchdog;
    private volatile boolean closed;
    /** When the watchdog wakes next (System.nanoTime), Long.MAX_VALUE when it waits for a connection. */
    private volatile long plannedWake = Long.MAX_VALUE;

    /**
     * Starts serving on a bound channel.
     *
     * @param auth   the credentials every request must carry, or null for none
     * @param budget the bytes of request bodies that may be held at once, shared by the servers of
     *               one daemon
     * @param log    where the server's own troubles are said (the daemon's main log)
     */
    public HttpServer(ServerSocketChannel listener, String name, BasicAuth auth, Limits limits, AtomicLong budget,
                      Router router, BiConsumer<Level, String> log) {
        this(listener, name, auth, limits, budget, router, log, listener::accept, d -> Thread.sleep(d));
    }

    HttpServer(ServerSocketChannel listener, String name, BasicAuth auth, Limits limits, AtomicLong budget,
               Router router, BiConsumer<Level, String> log, Acceptor acceptor, Pause pause) {
        this.listener = listener;
        this.name = name;
        this.auth = auth;
        this.limits = limits;
        this.router = router;
        this.log = log;
        this.budget = budget;
        this.acceptor = acceptor;
        this.pause = pause;
        this.acceptThread = Thread.ofVirtual().name("http-accept " + name).unstarted(this::acceptLoop);
        this.watchdog = Thread.ofPlatform().daemon(true).name("http-watchdog " + name).unstarted(this::watch);
        acceptThread.start();
        watchdog.start();
    }

    public String name() {
        return name;
    }

    public SocketAddress address() throws IOException {
        return listener.getLocalAddress();
    }

    /** Connections open now (for tests and the memory bound). */
    public int connectionCount() {
        return connections.size();
    }

    Limits limits() {
        return limits;
    }

    AtomicLong budget() {
        return budget;
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        // the acceptor is a virtual thread parked in accept(): the socket is only released (and
        // its port free for a reload to bind again) once that thread has run on a carrier and
        // left accept(), which on a busy machine can be a while after close() above
        acceptThread.interrupt();
        try {
            acceptThread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // answers already under way get a moment to go out: shutdown() answers "true" while the
        // daemon may already be finishing, and supervisorctl must still print "Shut down"
        long deadline = System.nanoTime() + 500_000_000L;
        while (System.nanoTime() < deadline && connections.stream()
                .anyMatch(c -> c.phase == Connection.Phase.SERVING || c.phase == Connection.Phase.WRITING)) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Connection c : connections) {
            c.close();
        }
        watchdog.interrupt();
    }

    // ---- accepting, limits, watchdog ----

    private void acceptLoop() {
        long failures = 0;
        Duration backoff = Duration.ZERO;
        while (!closed) {
            SocketChannel ch;
            try {
                ch = acceptor.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                // EMFILE and the like: the connection waits in the backlog, and accept fails at once
                // again until something frees up; so wait longer each time, and say it once
                if (failures++ == 0) {
                    log.accept(Level.ERROR, "kupervisor: " + name + ": accept failed: " + e.getMessage()
                            + "; trying again, less often while it fails");
                }
                backoff = backoff.isZero() ? MIN_BACKOFF : min(MAX_BACKOFF, backoff.multipliedBy(2));
                try {
                    pause.pause(backoff);
                } catch (InterruptedException ie) {
                    return;
                }
                continue;
            }
            if (failures > 0) {
                log.accept(Level.WARNING, "kupervisor: " + name + ": accepting again after " + failures
                        + " failed attempts");
                failures = 0;
                backoff = Duration.ZERO;
            }
            if (connections.size() >= limits.maxConnections() && !evictOne()) {
                refuse(ch);
                continue;
            }
            Connection c = new Connection(this, ch);
            connections.add(c);
            deadlineSet(c.deadline); // now that the watchdog can see it
            Thread.ofVirtual().name("http-conn " + name).start(c::run);
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /**
     * Closes the connection that has waited longest for its client (idle between requests, or
     * still sending one); false when every connection is being served.
     */
    private boolean evictOne() {
        Connection oldest = null;
        for (Connection c : connections) {
            if (c.waitingForClient() && (oldest == null || c.since - oldest.since < 0)) {
                oldest = c;
            }
        }
        if (oldest == null) {
            return false;
        }
        oldest.close();
        connections.remove(oldest);
        return true;
    }

    private void refuse(SocketChannel ch) {
        try (ch) {
            ch.configureBlocking(false);
            ch.write(ByteBuffer.wrap(HttpText.errorResponse(503, "1.0", Map.of("Connection", "close"))));
        } catch (IOException ignored) {
            // the client is gone either way
        }
    }

    void gone(Connection c) {
        connections.remove(c);
    }

    /**
     * Closes connections past their deadline. It sleeps until the earliest deadline (at most a
     * second while connections are open, so a deadline set during a scan is late by a second at
     * worst) and not at all without connections: an idle daemon is not woken.
     */
    private void watch() {
        while (!closed) {
            long now = System.nanoTime();
            long next = Long.MAX_VALUE;
            boolean any = false;
            for (Connection c : connections) {
                any = true;
                long d = c.deadline;
                if (d == 0) {
                    continue;
                }
                if (now - d > 0) {
                    c.close();
                } else if (next == Long.MAX_VALUE || d - next < 0) {
                    next = d;
                }
            }
            long wait = next == Long.MAX_VALUE ? (any ? ONE_SECOND : 0) : Math.min(ONE_SECOND, next - now + 1_000_000);
            plannedWake = wait == 0 ? Long.MAX_VALUE : now + wait;
            if (wait == 0) {
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(this, wait);
            }
            if (Thread.interrupted()) {
                return;
            }
        }
    }

    /** A deadline was set: wake the watchdog if it would sleep past it. */
    void deadlineSet(long deadline) {
        long planned = plannedWake;
        if (planned == Long.MAX_VALUE || deadline - planned < 0) {
            LockSupport.unpark(watchdog);
        }
    }

    // ---- serving ----

    void serve(Exchange ex) throws IOException {
        if (auth != null && !auth.accepts(ex.header("Authorization"))) {
            ex.drainBody();
            ex.respondError(401, Map.of("WWW-Authenticate", "Basic realm=\"default\"", "Connection", "close"));
            ex.closeAfter = true;
            return;
        }
        Route route = router.route(ex);
        if (route == null) {
            ex.respondError(404, Map.of());
            return;
        }
        try {
            route.serve(ex);
        } catch (IOException e) {
            throw e;
        } catch (RuntimeException e) {
            log.accept(Level.ERROR, "kupervisor: " + name + ": error serving " + ex.method() + " " + ex.uri() + ": " + e);
            if (!ex.responded) {
                ex.respondError(500, Map.of());
            }
            ex.closeAfter = true;
        }
    }
}
