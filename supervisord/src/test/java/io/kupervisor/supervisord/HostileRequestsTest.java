package io.kupervisor.supervisord;

import io.kupervisor.core.state.ProcessState;
import io.kupervisor.supervisord.http.HttpServer;
import io.kupervisor.supervisord.rpc.RpcClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * 10,000 malformed and hostile requests (garbage, huge and lying bodies, truncated XML, XXE and
 * entity bombs, deep nesting, unknown methods, wrong arity, slowloris, connection floods, forged
 * actions and abandoned event streams on the web page) against
 * a daemon's two servers: it keeps serving, nothing leaks (connections, budget) and its heap after
 * a collection stays where it was.
 */
class HostileRequestsTest {
    @TempDir
    Path dir;

    private static final Map<String, String> LIMITS = Map.of(
            "kupervisor.http.headTimeoutMillis", "150",
            "kupervisor.http.requestTimeoutMillis", "150",
            "kupervisor.http.maxConnections", "40",
            "kupervisor.http.maxBodyBytes", String.valueOf(256 * 1024),
            "kupervisor.http.bodyBudgetBytes", String.valueOf(4 * 1024 * 1024));

    @BeforeEach
    void shortLimits() {
        LIMITS.forEach(System::setProperty);
    }

    @AfterEach
    void defaultLimits() {
        LIMITS.keySet().forEach(System::clearProperty);
    }

    private static final String SECRET = "kupervisor-secret-" + System.nanoTime();

    @Test
    void tenThousandHostileRequestsLeaveTheDaemonServingWithFlatMemory() throws Exception {
        Path secret = dir.resolve("secret.txt");
        Files.writeString(secret, SECRET);
        int port = DaemonHarness.freePort();
        String config = DaemonHarness.supervisordSection(dir, "logfile_maxbytes=1MB", "logfile_backups=1")
                + DaemonHarness.inetServer(port) + DaemonHarness.unixServer(dir) + DaemonHarness.RPC_INTERFACE
                + "[program:echo]\ncommand=/bin/sh -c 'echo hello; exec sleep 1000'\nstartsecs=0\n";
        try (DaemonHarness d = DaemonHarness.startRaw(dir, config)) {
            d.awaitState("echo", ProcessState.RUNNING, Duration.ofSeconds(10));
            SocketAddress inet = new InetSocketAddress("127.0.0.1", port);
            SocketAddress unix = UnixDomainSocketAddress.of(dir.resolve("s.sock"));
            List<byte[]> payloads = payloads(secret);

            run(2_000, payloads, inet, unix); // warm-up: classes loaded, heap and buffers grown
            long heapBefore = settledHeap();
            long rssBefore = rssKb();

            ConcurrentHashMap<String, AtomicInteger> statuses = new ConcurrentHashMap<>();
            long t0 = System.nanoTime();
            int sent = run(10_000, payloads, inet, unix, statuses);
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertThat(sent).isEqualTo(10_000);

            // a flood of silent connections: beyond the limit they are refused, then all time out
            List<SocketChannel> flood = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                flood.add(SocketChannel.open(inet));
            }
            // still serving meanwhile (the slowloris ones time out and free their places)
            try (RpcClient c = new RpcClient("unix://" + dir.resolve("s.sock"), null, null)) {
                await().atMost(Duration.ofSeconds(5)).ignoreExceptions()
                        .until(() -> "3.0".equals(c.call("supervisor.getAPIVersion")));
            }
            for (SocketChannel ch : flood) {
                ch.close();
            }

            HttpServer[] servers = d.controlPlane.servers().toArray(new HttpServer[0]);
            await().atMost(Duration.ofSeconds(5)).until(() -> servers[0].connectionCount() == 0
                    && servers[1].connectionCount() == 0);
            long heapAfter = settledHeap();
            long rssAfter = rssKb();
            System.out.printf("hostile requests: %d in %d ms; statuses %s; heap after GC %d KiB -> %d KiB; "
                            + "RSS %d KiB -> %d KiB%n", sent, millis, statuses, heapBefore / 1024, heapAfter / 1024,
                    rssBefore, rssAfter);
            assertThat(heapAfter - heapBefore).as("heap growth").isLessThan(16L * 1024 * 1024);
            assertThat(rssAfter - rssBefore).as("RSS growth (KiB)").isLessThan(64L * 1024);

            // the answers were supervisord's (or a bounded refusal), and the secret never left
            assertThat(statuses.keySet()).allMatch(s -> s.matches(
                    "200|400|403|404|405|411|413|431|500|501|503|closed|slowloris"));
            assertThat(statuses).containsKeys("200", "400", "403", "404", "405", "411", "413", "501");
            try (RpcClient c = new RpcClient("http://127.0.0.1:" + port, null, null)) {
                assertThat(c.call("supervisor.getState")).isEqualTo(Map.of("statecode", 1, "statename", "RUNNING"));
                assertThat(c.call("supervisor.readProcessStdoutLog", "echo", 0, 0)).isEqualTo("hello\n");
                assertThat((String) c.call("supervisor.readLog", 0, 0)).doesNotContain(SECRET);
            }
            assertThat(d.state("echo")).isEqualTo(ProcessState.RUNNING);
        }
    }

    private static List<byte[]> payloads(Path secret) {
        List<byte[]> p = new ArrayList<>();
        Random r = new Random(42);
        byte[] garbage = new byte[3000];
        r.nextBytes(garbage);
        p.add(garbage);
        p.add(post("<?xml version='1.0'?><methodCall><methodName>supervisor.getState</methodName><params>"));
        p.add(post("<?xml version=\"1.0\"?><!DOCTYPE m [<!ENTITY x SYSTEM \"file://" + secret + "\">]>"
                + "<methodCall><methodName>&x;</methodName></methodCall>"));
        p.add(post("<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;\">"
                + "<!ENTITY c \"&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;\">]><methodCall><methodName>&d;"
                + "</methodName></methodCall>"));
        p.add(post("<methodCall><methodName>supervisor.nosuch</methodName></methodCall>"));
        p.add(post("<methodCall><methodName>supervisor.getState</methodName><params><param><value><int>1</int>"
                + "</value></param></params></methodCall>"));
        p.add(post("hello, this is not XML"));
        p.add(post("<a>".repeat(5000) + "</a>".repeat(5000)));
        p.add(post("<methodCall><methodName>system.multicall</methodName><params><param><value><array><data>"
                + "<value><struct><member><name>methodName</name><value>system.multicall</value></member></struct>"
                + "</value></data></array></value></param></params></methodCall>"));
        p.add(post("<methodCall><methodName>supervisor.getAllProcessInfo</methodName></methodCall>"));
        p.add(("POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n<methodCall>").getBytes(StandardCharsets.UTF_8));
        p.add(("POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: 70000\r\n\r\n" + "x".repeat(1000)).getBytes(StandardCharsets.UTF_8));
        p.add(("POST /RPC2 HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        p.add(("POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        p.add(("GET /RPC2 HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        p.add(("GET /logtail/nosuch/stdout HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        p.add(("GET /logtail HTTP/1.0\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        p.add(("GET /../../etc/passwd HTTP/1.0\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        p.add(("GET /" + "x".repeat(40_000) + " HTTP/1.0\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        p.add(("BREW /RPC2 HTCPCP/1.0\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        p.add(("\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        // smuggling: framing that two servers could read two ways is refused, and the connection closes
        p.add(("POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "0\r\n\r\nGET /events HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        p.add(("POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 5\r\n\r\nhello")
                .getBytes(StandardCharsets.UTF_8));
        p.add(("POST /RPC2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        p.add(("GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        p.add(("GET / HTTP/1.1\nHost: x\n\n").getBytes(StandardCharsets.UTF_8));
        p.add(("GET /\0 HTTP/1.0\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        p.add(("POST /RPC2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "43\r\n<methodCall><methodName>supervisor.getPID</methodName></methodCall>\r\n0\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        p.add(("POST /RPC2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nfffffff\r\nxx")
                .getBytes(StandardCharsets.UTF_8));
        p.add(("POST /RPC2 HTTP/1.1\r\nHost: x\r\nAuthorization: Basic !!!\r\n" + "X-Pad: y\r\n".repeat(300) + "\r\n")
                .getBytes(StandardCharsets.UTF_8));
        // the web page: actions without the token or from elsewhere, GET links that would act,
        // event streams left at once, hostile names and limits
        p.add(("GET / HTTP/1.0\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        p.add(("GET /index.html?processname=echo&action=stop HTTP/1.0\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        p.add(web("action=stop&processname=echo&token=forged", ""));
        p.add(web("action=stopall", "Origin: http://evil.example\r\n"));
        p.add(web("%%%%%&&&==&action", "Sec-Fetch-Site: cross-site\r\n"));
        p.add(("GET /events HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        p.add(("GET /events/tail?processname=echo HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        p.add(("GET /tail.html?processname=%ff%fe%3Cscript%3E&limit=99999999999999999999999 HTTP/1.0\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        // pipelined: three calls in one write on one connection
        byte[] one = post11("<methodCall><methodName>supervisor.getPID</methodName></methodCall>");
        byte[] three = new byte[one.length * 3];
        for (int i = 0; i < 3; i++) {
            System.arraycopy(one, 0, three, i * one.length, one.length);
        }
        p.add(three);
        p.add(null); // slowloris: a head that never ends
        p.add(SLOW_BODY); // a body that never ends
        p.add(new byte[0]); // connect and close
        return p;
    }

    private static byte[] post(String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return concat(("POST /RPC2 HTTP/1.0\r\nContent-Length: " + b.length + "\r\n\r\n").getBytes(StandardCharsets.UTF_8), b);
    }

    private static byte[] web(String form, String headers) {
        byte[] b = form.getBytes(StandardCharsets.UTF_8);
        return concat(("POST /index.html HTTP/1.0\r\n" + headers + "Content-Length: " + b.length + "\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8), b);
    }

    private static byte[] post11(String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return concat(("POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: " + b.length + "\r\n\r\n").getBytes(StandardCharsets.UTF_8), b);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static int run(int count, List<byte[]> payloads, SocketAddress inet, SocketAddress unix) throws Exception {
        return run(count, payloads, inet, unix, new ConcurrentHashMap<>());
    }

    /** Sends {@code count} requests from 8 workers; returns how many were sent. */
    private static int run(int count, List<byte[]> payloads, SocketAddress inet, SocketAddress unix,
                           ConcurrentHashMap<String, AtomicInteger> statuses) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                workers.add(pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < count) {
                        byte[] payload = payloads.get(i % payloads.size());
                        SocketAddress to = i % 2 == 0 ? inet : unix;
                        String status = send(to, payload);
                        statuses.computeIfAbsent(status, k -> new AtomicInteger()).incrementAndGet();
                        done.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get();
            }
            awaitHeldClosed();
        } finally {
            pool.shutdownNow();
        }
        return done.get();
    }

    private static final byte[] SLOW_BODY = "POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n<methodCall>"
            .getBytes(StandardCharsets.UTF_8);

    /** Slowloris connections, left for the server's deadline to close. */
    private static final java.util.Queue<SocketChannel> HELD = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** Waits until the server has closed every slowloris connection. */
    private static void awaitHeldClosed() throws IOException {
        SocketChannel ch;
        while ((ch = HELD.poll()) != null) {
            try (SocketChannel c = ch) {
                ByteBuffer in = ByteBuffer.allocate(1024);
                while (c.read(in) >= 0) {
                    in.clear();
                }
            } catch (IOException e) {
                // reset: closed too
            }
        }
    }

    /** One request; the status code of the first answer, or "closed". */
    private static String send(SocketAddress to, byte[] payload) {
        if (payload == null || payload == SLOW_BODY) {
            try {
                SocketChannel ch = SocketChannel.open(to);
                ch.write(ByteBuffer.wrap(payload == SLOW_BODY ? SLOW_BODY
                        : "POST /RPC2 HTTP/1.1\r\nContent-Le".getBytes(StandardCharsets.UTF_8)));
                // and nothing more: the server's deadline closes the connection
                HELD.add(ch);
                return "slowloris";
            } catch (IOException e) {
                return "closed";
            }
        }
        try (SocketChannel ch = SocketChannel.open(to)) {
            if (payload.length > 0) {
                try {
                    ByteBuffer out = ByteBuffer.wrap(payload);
                    while (out.hasRemaining()) {
                        ch.write(out);
                    }
                } catch (IOException e) {
                    // refused before everything was sent
                }
            } else {
                return "closed";
            }
            ch.shutdownOutput();
            ByteBuffer in = ByteBuffer.allocate(64 * 1024);
            StringBuilder got = new StringBuilder();
            while (ch.read(in) >= 0) {
                got.append(new String(in.array(), 0, in.position(), StandardCharsets.ISO_8859_1));
                in.clear();
                if (got.length() > 16 && got.indexOf("\r\n") > 0 && payload.length < 1000) {
                    // enough to know the status; answers of HTTP/1.1 may keep the connection open
                    break;
                }
            }
            String s = got.toString();
            if (s.contains(SECRET)) {
                throw new AssertionError("the secret leaked: " + s);
            }
            return s.startsWith("HTTP/") ? s.substring(9, 12) : "closed";
        } catch (IOException e) {
            return "closed";
        }
    }

    private static long settledHeap() throws InterruptedException {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
            best = Math.min(best, heap.getUsed());
        }
        return best;
    }

    private static long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
