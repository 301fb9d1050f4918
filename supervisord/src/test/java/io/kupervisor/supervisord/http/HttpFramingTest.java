package io.kupervisor.supervisord.http;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * RFC 9112's message framing, where a proxy in front and this server must not disagree on where
 * a request ends (request smuggling: a chunked body taken for a second request, the first of two
 * Content-Lengths believed), and the server's bounds under connections that never send anything.
 */
class HttpFramingTest {
    /** A route that answers with the body it read: {@code <method> <uri> <length>:<body>}. */
    private static final Router ECHO = ex -> e -> {
        byte[] body = e.method().equals("POST") ? e.readBody() : new byte[0];
        if (body == null) {
            return;
        }
        e.respond(200, "text/plain", (e.method() + " " + e.uri() + " " + body.length + ":"
                + new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
    };

    private static final Limits LIMITS = new Limits(4096, 1024, 8, Duration.ofSeconds(30), Duration.ofSeconds(30),
            Duration.ofSeconds(30), Duration.ofSeconds(30), 1L << 20);

    private HttpServer server;
    private SocketAddress address;
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() throws IOException {
        server = serve(LIMITS, ECHO);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpServer serve(Limits limits, Router router) throws IOException {
        ServerSocketChannel ch = ServerSocketChannel.open();
        ch.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        HttpServer s = new HttpServer(ch, "test", null, limits, new AtomicLong(), router, (level, m) -> log.add(m));
        address = s.address();
        return s;
    }

    /** Everything the server sends for {@code request}, until it closes (or 20 s, a failure). */
    private String exchange(String request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(address)) {
            ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)));
            ch.shutdownOutput();
            return readUntilClosed(ch);
        }
    }

    private static String readUntilClosed(SocketChannel ch) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        ch.socket().setSoTimeout(20_000);
        try (var in = ch.socket().getInputStream()) {
            int n;
            byte[] b = new byte[8192];
            while ((n = in.read(b)) >= 0) {
                all.write(b, 0, n);
            }
        } catch (IOException e) {
            // reset: the end too
        }
        return all.toString(StandardCharsets.ISO_8859_1);
    }

    private static final Pattern STATUS = Pattern.compile("HTTP/1\\.[01] (\\d{3}) ");

    /** The status codes of the answers, in order. */
    private static List<String> statuses(String answers) {
        List<String> out = new ArrayList<>();
        Matcher m = STATUS.matcher(answers);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Nested
    class Smuggling {
        @Test
        void aChunkedBodyIsReadAsTheBodyNotAsTheNextRequest() throws IOException {
            String answers = exchange("POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nGET /\r\n6;ext=1\r\nsneak \r\n0\r\nTrailer: t\r\n\r\n"
                    + "GET /next HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(statuses(answers)).containsExactly("200", "200");
            assertThat(answers).contains("POST /a 11:GET /sneak ").contains("GET /next 0:")
                    .doesNotContain("GET / 0:");
        }

        @Test
        void contentLengthWithTransferEncodingIsRefusedAndTheConnectionCloses() throws IOException {
            String answers = exchange("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(statuses(answers)).containsExactly("400");
            assertThat(answers).contains("\r\nConnection: close\r\n").doesNotContain("smuggled");
        }

        @Test
        void twoContentLengthsAreRefusedEvenWhenEqual() throws IOException {
            for (String second : List.of("5", "0")) {
                String answers = exchange("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: "
                        + second + "\r\n\r\nhelloGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(statuses(answers)).as("second length " + second).containsExactly("400");
                assertThat(answers).doesNotContain("smuggled");
            }
        }

        @Test
        void aContentLengthIsDigitsOnly() throws IOException {
            for (String value : List.of("+5", "-5", "5,5", "0x5", "5 5", "", "99999999999999999999")) {
                String answers = exchange("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: " + value
                        + "\r\n\r\nhello");
                assertThat(statuses(answers)).as("Content-Length: " + value).containsExactly("400");
            }
            // optional whitespace around the value is not part of it
            assertThat(statuses(exchange("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length:  5 \r\nConnection: close"
                    + "\r\n\r\nhello"))).containsExactly("200");
        }

        @Test
        void codingsOtherThanChunkedAre501AndChunkedMustBeFinal() throws IOException {
            String gzip = exchange("POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n");
            assertThat(statuses(gzip)).containsExactly("501");
            assertThat(gzip).contains("\r\nConnection: close\r\n");
            assertThat(statuses(exchange("POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n")))
                    .containsExactly("400");
            assertThat(statuses(exchange("POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\n\r\n")))
                    .containsExactly("400");
            assertThat(statuses(exchange("POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"))).containsExactly("400");
        }

        @Test
        void transferEncodingInAnHttp10RequestIsRefused() throws IOException {
            assertThat(statuses(exchange("POST /a HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")))
                    .containsExactly("400");
        }

        @Test
        void headerLinesAreNameColonValue() throws IOException {
            // whitespace before the colon: a proxy may ignore the field that this server would read
            assertThat(statuses(exchange("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length : 5\r\n\r\nhello")))
                    .containsExactly("400");
            // a folded line (obs-fold)
            assertThat(statuses(exchange("GET /a HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n"))).containsExactly("400");
            // no colon
            assertThat(statuses(exchange("GET /a HTTP/1.1\r\nHost: x\r\nnonsense\r\n\r\n"))).containsExactly("400");
        }

        @Test
        void linesEndWithCrLfAndTheHeadHasNoControlCharacters() throws IOException {
            assertThat(statuses(exchange("GET /a HTTP/1.1\nHost: x\n\n"))).containsExactly("400");
            assertThat(statuses(exchange("GET /a HTTP/1.1\r\nHost: x\rX: y\r\n\r\n"))).containsExactly("400");
            assertThat(statuses(exchange("GET /a\0 HTTP/1.0\r\n\r\n"))).containsExactly("400");
            assertThat(statuses(exchange("GET /a HTTP/1.0\r\nX: a\u0001b\r\n\r\n"))).containsExactly("400");
            // a tab in a value is allowed
            assertThat(statuses(exchange("GET /a HTTP/1.0\r\nX: a\tb\r\n\r\n"))).containsExactly("200");
        }

        @Test
        void anHttp11RequestHasExactlyOneHost() throws IOException {
            assertThat(statuses(exchange("GET /a HTTP/1.1\r\n\r\n"))).containsExactly("400");
            assertThat(statuses(exchange("GET /a HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n"))).containsExactly("400");
            assertThat(statuses(exchange("GET /a HTTP/1.0\r\n\r\n"))).containsExactly("200");
        }

        @Test
        void aBadChunkEndsTheConnection() throws IOException {
            String tooBig = exchange("POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "801\r\n" + "x".repeat(0x801) + "\r\n0\r\n\r\n");
            assertThat(statuses(tooBig)).containsExactly("413");
            String notHex = exchange("POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "zz\r\nhello\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(statuses(notHex)).containsExactly("400");
            assertThat(notHex).doesNotContain("smuggled");
            String overlong = exchange("POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "2\r\nhello\r\n0\r\n\r\n");
            assertThat(statuses(overlong)).containsExactly("400");
        }

        @Test
        void anUnreadBodyClosesTheConnection() throws IOException {
            // a GET route that does not read the body it was sent: what follows is not a request
            String answers = exchange("GET /a HTTP/1.1\r\nHost: x\r\nContent-Length: 40\r\n\r\n"
                    + "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(statuses(answers)).containsExactly("200");
            assertThat(answers).contains("\r\nConnection: close\r\n").doesNotContain("smuggled");
        }
    }

    @Test
    void expectContinueGetsAnInterimAnswer() throws IOException {
        try (SocketChannel ch = SocketChannel.open(address)) {
            ch.write(ByteBuffer.wrap(("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1)));
            ByteBuffer first = ByteBuffer.allocate(25);
            while (first.hasRemaining() && ch.read(first) >= 0) {
                // the interim answer is all there is until the body is sent
            }
            assertThat(new String(first.array(), StandardCharsets.ISO_8859_1)).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
            ch.write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.ISO_8859_1)));
            String rest = readUntilClosed(ch);
            assertThat(statuses(rest)).containsExactly("200");
            assertThat(rest).endsWith("POST /a 5:hello");
        }
    }

    @Nested
    class Connections {
        @Test
        void silentConnectionsAtTheLimitMakeRoomForAClientThatSpeaks() throws IOException {
            List<SocketChannel> silent = new ArrayList<>();
            try {
                for (int i = 0; i < LIMITS.maxConnections() * 3; i++) {
                    silent.add(SocketChannel.open(address));
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> server.connectionCount() == LIMITS.maxConnections());
                assertThat(statuses(exchange("GET /a HTTP/1.0\r\n\r\n"))).containsExactly("200");
                // the silent ones were closed, the oldest first: none of them ever got an answer
                int closed = 0;
                for (SocketChannel ch : silent) {
                    ch.configureBlocking(true);
                    ch.shutdownOutput();
                    String got = readUntilClosed(ch);
                    assertThat(got).isEmpty();
                    closed++;
                }
                assertThat(closed).isEqualTo(silent.size());
            } finally {
                for (SocketChannel ch : silent) {
                    ch.close();
                }
            }
        }

        @Test
        void whenEveryConnectionIsBeingServedANewcomerGets503() throws Exception {
            server.close();
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger serving = new AtomicInteger();
            Limits two = new Limits(4096, 1024, 2, Duration.ofSeconds(30), Duration.ofSeconds(30),
                    Duration.ofSeconds(30), Duration.ofSeconds(30), 1L << 20);
            server = serve(two, ex -> e -> {
                serving.incrementAndGet();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
                e.respond(200, "text/plain", new byte[0]);
            });
            List<SocketChannel> busy = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    SocketChannel ch = SocketChannel.open(address);
                    ch.write(ByteBuffer.wrap("GET /slow HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)));
                    busy.add(ch);
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> serving.get() == 2);
                assertThat(statuses(exchange("GET /a HTTP/1.0\r\n\r\n"))).containsExactly("503");
                release.countDown();
                for (SocketChannel ch : busy) {
                    assertThat(statuses(readUntilClosed(ch))).containsExactly("200");
                }
            } finally {
                release.countDown();
                for (SocketChannel ch : busy) {
                    ch.close();
                }
            }
        }

        @Test
        void failingAcceptsAreRetriedLessAndLessOftenAndSaidOnce() throws Exception {
            server.close();
            ServerSocketChannel ch = ServerSocketChannel.open();
            ch.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            address = ch.getLocalAddress();
            AtomicInteger failuresLeft = new AtomicInteger(12);
            List<Duration> pauses = Collections.synchronizedList(new ArrayList<>());
            List<String> lines = Collections.synchronizedList(new ArrayList<>());
            server = new HttpServer(ch, "test", null, LIMITS, new AtomicLong(), ECHO,
                    (level, m) -> lines.add(level + " " + m), () -> {
                        if (failuresLeft.getAndDecrement() > 0) {
                            throw new IOException("Too many open files");
                        }
                        return ch.accept();
                    }, pauses::add);
            // the twelve failures happen before the first connection is taken
            assertThat(statuses(exchange("GET /a HTTP/1.0\r\n\r\n"))).containsExactly("200");
            assertThat(pauses).extracting(Duration::toMillis)
                    .containsExactly(10L, 20L, 40L, 80L, 160L, 320L, 640L, 1000L, 1000L, 1000L, 1000L, 1000L);
            assertThat(lines).containsExactly(
                    "ERROR kupervisor: test: accept failed: Too many open files; trying again, less often while it fails",
                    "WARNING kupervisor: test: accepting again after 12 failed attempts");
        }
    }

    @Test
    void answersFollowMedusasKeepAliveRules() throws IOException {
        // HTTP/1.1 keeps the connection until asked to close; HTTP/1.0 closes unless asked to keep it
        String answers = exchange("GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n"
                + "Connection: close\r\n\r\nGET /never HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(statuses(answers)).containsExactly("200", "200");
        assertThat(answers).doesNotContain("never");
        assertThat(statuses(exchange("GET /1 HTTP/1.0\r\n\r\nGET /never HTTP/1.0\r\n\r\n"))).containsExactly("200");
        assertThat(statuses(exchange("GET /1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /2 HTTP/1.0\r\n\r\n")))
                .containsExactly("200", "200");
        assertThat(log).isEmpty();
    }
}
