package io.kupervisor.supervisord.http;

import java.time.Duration;

/**
 * The bounds of one HTTP server.
 *
 * @param maxHeaderBytes  a request head (431 beyond)
 * @param maxBodyBytes    a request body (413 beyond)
 * @param maxConnections  connections open at once; at the limit the longest-waiting connection
 *                        that is not being served is closed to make room (503 when every one is)
 * @param headTimeout     from a connection's first byte (or its last answer) to the end of the
 *                        next request head
 * @param requestTimeout  to send a request body
 * @param idleTimeout     between requests on a kept-alive connection
 * @param writeTimeout    for the client to take an answer
 * @param bodyBudgetBytes bodies held at once, shared by the servers of one daemon (503 beyond)
 */
public record Limits(int maxHeaderBytes, int maxBodyBytes, int maxConnections, Duration headTimeout,
                     Duration requestTimeout, Duration idleTimeout, Duration writeTimeout, long bodyBudgetBytes) {
    /**
     * Heads up to 32 KiB in 10 s, bodies up to 2 MiB in 30 s and 16 MiB of bodies at once, 100
     * connections, 30 min idle between requests (medusa's zombie timeout; the interactive
     * supervisorctl keeps its connection between commands), 60 s to take an answer.
     */
    public static final Limits DEFAULTS = new Limits(32 * 1024, 2 * 1024 * 1024, 100, Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofMinutes(30), Duration.ofSeconds(60), 16L * 1024 * 1024);
}
