package io.kupervisor.supervisord;

import io.kupervisor.core.state.ProcessState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The health endpoints on the daemon's own HTTP server: a client that never finishes its request
 * does not hold the probes up (with the JDK's one-worker server a half-sent request froze
 * {@code /healthz} for as long as it stayed open), and only the two endpoints answer.
 */
class HealthTest {
    @TempDir
    Path dir;

    private DaemonHarness start() throws Exception {
        int port = DaemonHarness.freePort();
        return DaemonHarness.start(dir, """
                [kupervisor]
                health_port=127.0.0.1:%d

                [program:p]
                command=/bin/sleep 1000
                startsecs=0
                """.formatted(port));
    }

    /** A timeout here is a failure (the probe was held up), not a speed requirement. */
    private static final Duration ANSWERED_WITHIN = Duration.ofSeconds(20);

    @Test
    void halfSentRequestsDoNotHoldTheProbesUp() throws Exception {
        try (DaemonHarness d = start()) {
            d.awaitState("p", ProcessState.RUNNING, Duration.ofSeconds(10));
            SocketAddress health = d.controlPlane.health().address();
            SocketChannel[] stuck = new SocketChannel[20];
            try {
                for (int i = 0; i < stuck.length; i++) {
                    stuck[i] = SocketChannel.open(health);
                    stuck[i].write(ByteBuffer.wrap("GET /healthz HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII)));
                }
                String live = RawHttp.exchange(health, "GET /healthz HTTP/1.0\r\n\r\n", ANSWERED_WITHIN);
                assertThat(RawHttp.status(live)).isEqualTo("HTTP/1.0 200 OK");
                assertThat(live).endsWith("ok: supervisord RUNNING\n");
                String ready = RawHttp.exchange(health, "GET /readyz HTTP/1.0\r\n\r\n", ANSWERED_WITHIN);
                assertThat(RawHttp.status(ready)).isEqualTo("HTTP/1.0 200 OK");
                assertThat(ready).endsWith("ready\np RUNNING\n");
            } finally {
                for (SocketChannel ch : stuck) {
                    if (ch != null) {
                        ch.close();
                    }
                }
            }
        }
    }

    @Test
    void onlyTheTwoEndpointsAnswerAndOnlyToGetAndHead() throws Exception {
        try (DaemonHarness d = start()) {
            d.awaitState("p", ProcessState.RUNNING, Duration.ofSeconds(10));
            SocketAddress health = d.controlPlane.health().address();
            assertThat(RawHttp.status(RawHttp.exchange(health, "GET /healthzzz HTTP/1.0\r\n\r\n", ANSWERED_WITHIN)))
                    .isEqualTo("HTTP/1.0 404 Not Found");
            assertThat(RawHttp.status(RawHttp.exchange(health, "GET /healthz/x HTTP/1.0\r\n\r\n", ANSWERED_WITHIN)))
                    .isEqualTo("HTTP/1.0 404 Not Found");
            assertThat(RawHttp.status(RawHttp.exchange(health, "GET /RPC2 HTTP/1.0\r\n\r\n", ANSWERED_WITHIN)))
                    .isEqualTo("HTTP/1.0 404 Not Found");
            String post = RawHttp.exchange(health, "POST /healthz HTTP/1.0\r\nContent-Length: 0\r\n\r\n", ANSWERED_WITHIN);
            assertThat(RawHttp.status(post)).isEqualTo("HTTP/1.0 405 Method Not Allowed");
            assertThat(post).contains("\r\nAllow: GET, HEAD\r\n");
            String head = RawHttp.exchange(health, "HEAD /healthz?probe=1 HTTP/1.0\r\n\r\n", ANSWERED_WITHIN);
            assertThat(RawHttp.status(head)).isEqualTo("HTTP/1.0 200 OK");
            // the length of the GET's body, and no body
            assertThat(head).contains("\r\nContent-Length: " + "ok: supervisord RUNNING\n".length() + "\r\n")
                    .endsWith("\r\n\r\n");
        }
    }
}
