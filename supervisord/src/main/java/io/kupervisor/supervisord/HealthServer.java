package io.kupervisor.supervisord;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.kupervisor.core.state.ProcessState;
import io.kupervisor.supervisord.process.ProcessGroup;
import io.kupervisor.supervisord.process.Subprocess;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * {@code /healthz} and {@code /readyz} for Kubernetes probes. Live: the daemon's loop answers
 * within a second (a wedged loop is what a restart fixes). Ready: every autostart process is
 * RUNNING, or is a one-shot that exited as expected and will not be restarted, and the daemon is
 * not shutting down. Both list the process states in plain text.
 */
final class HealthServer implements AutoCloseable {
    private final HttpServer server;

    private HealthServer(HttpServer server) {
        this.server = server;
    }

    static HealthServer start(Supervisor supervisor, String host, int port) throws IOException {
        InetSocketAddress address = host == null || host.isEmpty() ? new InetSocketAddress(port)
                : new InetSocketAddress(host, port);
        HttpServer server = HttpServer.create(address, 16);
        server.setExecutor(Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon(true)
                .name("kupervisor-health").unstarted(r)));
        server.createContext("/healthz", ex -> respond(ex, live(supervisor)));
        server.createContext("/readyz", ex -> respond(ex, ready(supervisor)));
        server.start();
        return new HealthServer(server);
    }

    /** The port actually bound (0 in the config means any). */
    int port() {
        return server.getAddress().getPort();
    }

    private record Answer(int status, String body) {
    }

    private static Answer live(Supervisor s) {
        CompletableFuture<String> f = new CompletableFuture<>();
        s.execute(() -> f.complete(s.mood().name()));
        try {
            String mood = f.get(1, TimeUnit.SECONDS);
            return new Answer(200, "ok: supervisord " + mood + "\n");
        } catch (Exception e) {
            return new Answer(503, "the daemon's loop did not answer within 1 s\n");
        }
    }

    private static Answer ready(Supervisor s) {
        CompletableFuture<Answer> f = new CompletableFuture<>();
        s.execute(() -> {
            StringBuilder body = new StringBuilder();
            boolean ready = s.mood() == SupervisorState.RUNNING;
            for (ProcessGroup g : s.orderedGroups()) {
                for (Subprocess p : g.processes()) {
                    ProcessState st = p.state();
                    body.append(p.namespec()).append(' ').append(st).append('\n');
                    if (p.config().autostart() && st != ProcessState.RUNNING && !finishedOneShot(p)) {
                        ready = false;
                    }
                }
            }
            f.complete(new Answer(ready ? 200 : 503, (ready ? "ready\n" : "not ready\n") + body));
        });
        try {
            return f.get(1, TimeUnit.SECONDS);
        } catch (Exception e) {
            return new Answer(503, "the daemon's loop did not answer within 1 s\n");
        }
    }

    /**
     * A one-shot that did its job: EXITED with an expected status and not to be restarted
     * ({@code autorestart=false}, or {@code unexpected} after an expected exit). It stays EXITED for
     * good, so waiting for it to be RUNNING would keep the pod unready forever.
     */
    static boolean finishedOneShot(Subprocess p) {
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

    private static void respond(HttpExchange ex, Answer a) throws IOException {
        byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        boolean head = "HEAD".equals(ex.getRequestMethod());
        ex.sendResponseHeaders(a.status(), head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    static List<String> paths() {
        return List.of("/healthz", "/readyz");
    }
}
