package io.kupervisor.supervisord.server;

import io.kupervisor.core.state.ProcessState;
import io.kupervisor.supervisord.control.Control;
import io.kupervisor.supervisord.control.DaemonStatus;
import io.kupervisor.supervisord.control.ProcessStatus;
import io.kupervisor.supervisord.control.SupervisorState;
import io.kupervisor.supervisord.http.Exchange;
import io.kupervisor.supervisord.http.HttpServer;
import io.kupervisor.supervisord.http.Limits;
import io.kupervisor.supervisord.http.Route;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * {@code /healthz} and {@code /readyz} for Kubernetes probes, on the daemon's own HTTP server
 * (its bounds and deadlines: a half-sent request cannot hold a probe up). Live: the daemon's loop
 * answers within a second (a wedged loop is what a restart fixes). Ready: every autostart process
 * is RUNNING, or is a one-shot that exited as expected and will not be restarted, and the daemon
 * is not shutting down. Both list the process states in plain text.
 * Exactly these two paths (any query), GET or HEAD; other paths are 404, other methods 405. No
 * auth: a probe has no credentials.
 */
public final class Health implements AutoCloseable {
    /** How long an answer may wait for the loop. */
    static final Duration LOOP_DEADLINE = Duration.ofSeconds(1);
    /**
     * A probe sends its request at once and reads a small answer: a few seconds for either, and
     * a connection is not kept for long between probes (the kubelet opens one per probe).
     */
    static final Limits LIMITS = new Limits(8 * 1024, 0, 64, Duration.ofSeconds(5), Duration.ofSeconds(5),
            Duration.ofSeconds(30), Duration.ofSeconds(5), 0);

    private final HttpServer server;

    private Health(HttpServer server) {
        this.server = server;
    }

    /**
     * Listens on {@code host:port}; an empty or null host is every interface, which is what a
     * kubelet's probe of the pod IP needs.
     */
    static Health open(Control control, String host, int port, BiConsumer<System.Logger.Level, String> log)
            throws IOException {
        InetSocketAddress address = host == null || host.isEmpty() ? new InetSocketAddress(port)
                : new InetSocketAddress(host, port);
        ServerSocketChannel ch = ServerSocketChannel.open();
        try {
            ch.bind(address, 64);
        } catch (IOException e) {
            ch.close();
            throw new ControlPlane.OpenFailed("Cannot open the health endpoints on " + address + ": "
                    + e.getMessage());
        }
        return new Health(new HttpServer(ch, "health", null, LIMITS, new AtomicLong(), ex -> route(control, ex), log));
    }

    /** Where it listens (port 0 in the config means any); for tests. */
    public SocketAddress address() throws IOException {
        return server.address();
    }

    private static Route route(Control control, Exchange ex) {
        String uri = ex.uri();
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        boolean live = path.equals("/healthz");
        if (!live && !path.equals("/readyz")) {
            return null;
        }
        return e -> {
            if (!e.method().equals("GET") && !e.method().equals("HEAD")) {
                e.respondError(405, Map.of("Allow", "GET, HEAD"));
                return;
            }
            Answer a = live ? live(control) : ready(control);
            e.respond(a.status(), "text/plain; charset=utf-8", a.body().getBytes(StandardCharsets.UTF_8));
        };
    }

    private record Answer(int status, String body) {
    }

    private static Answer live(Control control) {
        try {
            SupervisorState mood = control.ping().get(LOOP_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            return new Answer(200, "ok: supervisord " + mood + "\n");
        } catch (TimeoutException e) {
            return new Answer(503, "the daemon's loop did not answer within 1 s\n");
        } catch (Exception e) {
            return new Answer(503, "the daemon's loop is gone\n");
        }
    }

    private static Answer ready(Control control) {
        DaemonStatus status;
        try {
            status = control.status().get(LOOP_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return new Answer(503, "the daemon's loop did not answer within 1 s\n");
        } catch (Exception e) {
            return new Answer(503, "the daemon's loop is gone\n");
        }
        StringBuilder body = new StringBuilder();
        boolean ready = status.state() == SupervisorState.RUNNING;
        for (ProcessStatus p : status.processes()) {
            body.append(p.namespec()).append(' ').append(p.state()).append('\n');
            if (p.config().autostart() && p.state() != ProcessState.RUNNING && !finishedOneShot(p)) {
                ready = false;
            }
        }
        return new Answer(ready ? 200 : 503, (ready ? "ready\n" : "not ready\n") + body);
    }

    /**
     * A one-shot that did its job: EXITED with an expected status and not to be restarted
     * ({@code autorestart=false}, or {@code unexpected} after an expected exit). It stays EXITED for
     * good, so waiting for it to be RUNNING would keep the pod unready forever.
     */
    static boolean finishedOneShot(ProcessStatus p) {
        if (p.state() != ProcessState.EXITED) {
            return false;
        }
        var status = p.snapshot().exitStatus();
        boolean expected = status != null && p.config().exitcodes().contains(status.code());
        return expected && switch (p.config().autorestart()) {
            case FALSE, UNEXPECTED -> true;
            case TRUE -> false;
        };
    }

    @Override
    public void close() {
        server.close();
    }
}
