package io.kupervisor.supervisord.rpc;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * supervisord's HTTP server (medusa) as far as its clients can tell: HTTP/1.0 and 1.1 on one
 * listening socket (TCP or a UNIX domain socket), keep-alive by medusa's rules, HTTP Basic auth on
 * every path when a username is set, medusa's error pages. One virtual thread per connection.
 *
 * <p>Unlike medusa it is bounded: request heads, bodies, the bodies held at once across all
 * connections and the number of connections have limits, a request must arrive within a deadline
 * and an answer must be taken by the client within another; a watchdog closes what overstays. At
 * the connection limit the longest idle keep-alive connection is closed to make room; when none
 * is idle the newcomer gets 503.
 */
public final class HttpServer implements AutoCloseable {

    /** The bounds. */
    public record Limits(int maxHeaderBytes, int maxBodyBytes, int maxConnections, Duration requestTimeout,
                         Duration idleTimeout, Duration writeTimeout, long bodyBudgetBytes) {
        /**
         * Heads up to 32 KiB, bodies up to 2 MiB and 16 MiB of bodies at once, 100 connections, 30 s
         * to send a request, 30 min idle between requests (medusa's zombie timeout; the interactive
         * supervisorctl keeps its connection between commands), 60 s to take an answer.
         */
        public static final Limits DEFAULTS = new Limits(32 * 1024, 2 * 1024 * 1024, 100, Duration.ofSeconds(30),
                Duration.ofMinutes(30), Duration.ofSeconds(60), 16L * 1024 * 1024);
    }

    /** Serves one request; the server has read the head and checked the credentials. */
    public interface Route {
        void serve(Exchange exchange) throws IOException;
    }

    /** Picks the route of a request (null: 404). */
    public interface Router {
        Route route(Exchange exchange);
    }

    private static final Pattern REQUEST_LINE = Pattern.compile("([^ ]+) ([^ ]+)(( HTTP/([0-9.]+))$|$)");
    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
    private static final Map<Integer, String> REASONS = Map.ofEntries(
            Map.entry(200, "OK"), Map.entry(303, "See Other"), Map.entry(400, "Bad Request"),
            Map.entry(401, "Unauthorized"), Map.entry(403, "Forbidden"), Map.entry(404, "Not Found"),
            Map.entry(405, "Method Not Allowed"), Map.entry(411, "Length Required"),
            Map.entry(413, "Request Entity Too Large"), Map.entry(431, "Request Header Fields Too Large"),
            Map.entry(500, "Internal Server Error"), Map.entry(503, "Service Unavailable"));
    private static final String SERVER = "kupervisor (Medusa/1.12 compatible)";

    private final ServerSocketChannel listener;
    private final String name;
    private final String username;
    private final String password;
    private final Limits limits;
    private final Router router;
    private final Consumer<String> errorLog;
    private final AtomicLong budget;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private final Thread watchdog;
    private volatile boolean closed;

    /**
     * Starts serving on a bound channel.
     *
     * @param budget the bytes of request bodies that may be held at once, shared by the servers of
     *               one daemon
     */
    public HttpServer(ServerSocketChannel listener, String name, String username, String password, Limits limits,
                      AtomicLong budget, Router router, Consumer<String> errorLog) {
        this.listener = listener;
        this.name = name;
        this.username = username;
        this.password = password;
        this.limits = limits;
        this.router = router;
        this.errorLog = errorLog;
        this.budget = budget;
        this.acceptor = Thread.ofVirtual().name("rpc-accept " + name).unstarted(this::acceptLoop);
        this.watchdog = Thread.ofPlatform().daemon(true).name("rpc-watchdog " + name).unstarted(this::watch);
        acceptor.start();
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
        try {
            acceptor.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // answers already under way get a moment to go out: shutdown() answers "true" while the
        // daemon may already be finishing, and supervisorctl must still print "Shut down"
        long deadline = System.nanoTime() + 500_000_000L;
        while (System.nanoTime() < deadline && connections.stream()
                .anyMatch(c -> c.phase == Phase.SERVING || c.phase == Phase.WRITING)) {
            sleepQuietly(5);
        }
        for (Connection c : connections) {
            c.close();
        }
        watchdog.interrupt();
    }

    // ---- accepting, limits, watchdog ----

    private void acceptLoop() {
        while (!closed) {
            SocketChannel ch;
            try {
                ch = listener.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                errorLog.accept("kupervisor: " + name + ": accept failed: " + e.getMessage());
                sleepQuietly(50);
                continue;
            }
            if (connections.size() >= limits.maxConnections() && !evictIdle()) {
                refuse(ch);
                continue;
            }
            Connection c = new Connection(ch);
            connections.add(c);
            deadlineSet(c.deadline); // now that the watchdog can see it
            Thread.ofVirtual().name("rpc-conn " + name).start(c::run);
        }
    }

    /** Closes the longest idle keep-alive connection; false if none is idle. */
    private boolean evictIdle() {
        Connection oldest = null;
        for (Connection c : connections) {
            if (c.phase == Phase.IDLE && (oldest == null || c.since < oldest.since)) {
                oldest = c;
            }
        }
        if (oldest == null) {
            return false;
        }
        oldest.close();
        return true;
    }

    private void refuse(SocketChannel ch) {
        try (ch) {
            ch.configureBlocking(false);
            ch.write(ByteBuffer.wrap(errorResponse(503, "1.0", Map.of("Connection", "close"))));
        } catch (IOException ignored) {
            // the client is gone either way
        }
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
                java.util.concurrent.locks.LockSupport.park(this);
            } else {
                java.util.concurrent.locks.LockSupport.parkNanos(this, wait);
            }
            if (Thread.interrupted()) {
                return;
            }
        }
    }

    private static final long ONE_SECOND = 1_000_000_000L;
    /** When the watchdog wakes next (System.nanoTime), Long.MAX_VALUE when it waits for a connection. */
    private volatile long plannedWake = Long.MAX_VALUE;

    /** A deadline was set: wake the watchdog if it would sleep past it. */
    private void deadlineSet(long deadline) {
        long planned = plannedWake;
        if (planned == Long.MAX_VALUE || deadline - planned < 0) {
            java.util.concurrent.locks.LockSupport.unpark(watchdog);
        }
    }

    private static boolean sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // ---- one connection ----

    private enum Phase {
        /** Between requests on a kept-alive connection. */
        IDLE,
        /** A request is arriving. */
        READING,
        /** A request is being served (a deferred answer may take minutes). */
        SERVING,
        /** An answer is being written. */
        WRITING
    }

    /** Why a request cannot be served: an HTTP status to answer with, then the connection closes. */
    private static final class Refusal extends Exception {
        final int status;

        Refusal(int status) {
            super(null, null, false, false);
            this.status = status;
        }
    }

    final class Connection {
        final SocketChannel ch;
        final ByteBuffer in = ByteBuffer.allocate(8192);
        volatile Phase phase = Phase.READING;
        volatile long deadline;
        volatile long since = System.nanoTime();
        private volatile boolean gone;

        Connection(SocketChannel ch) {
            this.ch = ch;
            in.flip(); // empty, ready to be read from
            enter(Phase.READING);
        }

        void enter(Phase p) {
            long now = System.nanoTime();
            since = now;
            phase = p;
            deadline = switch (p) {
                case IDLE -> nonZero(now + limits.idleTimeout().toNanos());
                case READING -> nonZero(now + limits.requestTimeout().toNanos());
                case WRITING -> nonZero(now + limits.writeTimeout().toNanos());
                case SERVING -> 0;
            };
            if (deadline != 0) {
                deadlineSet(deadline);
            }
        }

        private static long nonZero(long t) {
            return t == 0 ? 1 : t;
        }

        void close() {
            gone = true;
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }

        boolean isGone() {
            return gone || !ch.isOpen();
        }

        void run() {
            try {
                boolean first = true;
                while (!closed) {
                    if (!first) {
                        enter(Phase.IDLE);
                    }
                    first = false;
                    Exchange ex;
                    try {
                        ex = readHead();
                    } catch (Refusal r) {
                        writeAll(errorResponse(r.status, "1.0", Map.of("Connection", "close")));
                        return;
                    }
                    if (ex == null) {
                        return;
                    }
                    enter(Phase.SERVING);
                    try {
                        serve(ex);
                    } finally {
                        ex.releaseBody();
                    }
                    if (ex.closeAfter || isGone()) {
                        return;
                    }
                }
            } catch (IOException e) {
                // the client went away, or the watchdog closed it
            } finally {
                close();
                connections.remove(this);
            }
        }

        /** Reads into {@link #in}; -1 at end of stream. Moves IDLE to READING at the first byte. */
        private int fill() throws IOException {
            in.compact();
            try {
                int n = ch.read(in);
                if (n > 0 && phase == Phase.IDLE) {
                    enter(Phase.READING);
                }
                return n;
            } finally {
                in.flip();
            }
        }

        /** Reads a request head; null when the client closed (or sent only blank lines). */
        private Exchange readHead() throws IOException, Refusal {
            byte[] head = new byte[Math.min(1024, limits.maxHeaderBytes())];
            int len = 0;
            while (true) {
                while (in.hasRemaining()) {
                    if (len == head.length) {
                        if (len >= limits.maxHeaderBytes()) {
                            throw new Refusal(431);
                        }
                        head = java.util.Arrays.copyOf(head, Math.min(limits.maxHeaderBytes(), len * 2));
                    }
                    head[len++] = in.get();
                    if (len >= 4 && head[len - 1] == '\n' && head[len - 2] == '\r' && head[len - 3] == '\n'
                            && head[len - 4] == '\r') {
                        return parseHead(new String(head, 0, len - 4, StandardCharsets.UTF_8));
                    }
                }
                if (fill() < 0) {
                    return null;
                }
            }
        }

        private Exchange parseHead(String head) throws Refusal {
            List<String> lines = new ArrayList<>(List.of(head.split("\r\n", -1)));
            while (!lines.isEmpty() && lines.getFirst().isEmpty()) {
                lines.removeFirst();
            }
            if (lines.isEmpty()) {
                // medusa closes on a head of blank lines
                return null;
            }
            String requestLine = lines.removeFirst();
            List<String> headers = new ArrayList<>();
            for (String l : lines) {
                if (!l.isEmpty() && (l.charAt(0) == ' ' || l.charAt(0) == '\t') && !headers.isEmpty()) {
                    headers.set(headers.size() - 1, headers.getLast() + l.substring(1));
                } else {
                    headers.add(l);
                }
            }
            Matcher m = REQUEST_LINE.matcher(requestLine);
            if (!m.matches()) {
                throw new Refusal(400);
            }
            String version = m.group(3) != null && !m.group(3).isEmpty() ? m.group(5) : null;
            String uri = m.group(2);
            int q = uri.indexOf('?');
            String path = q >= 0 ? uri.substring(0, q) : uri;
            if (path.indexOf('%') >= 0) {
                String unquoted = unquote(path);
                uri = q >= 0 ? unquoted + uri.substring(q) : unquoted;
            }
            return new Exchange(this, m.group(1), uri, version, headers);
        }

        void writeAll(byte[] bytes) throws IOException {
            writeAll(ByteBuffer.wrap(bytes));
        }

        void writeAll(ByteBuffer buf) throws IOException {
            Phase before = phase;
            enter(Phase.WRITING);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            enter(before == Phase.WRITING ? Phase.SERVING : before);
        }
    }

    private void serve(Exchange ex) throws IOException {
        if (username != null && !authorized(ex)) {
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
            errorLog.accept("kupervisor: " + name + ": error serving " + ex.method() + " " + ex.uri() + ": " + e);
            if (!ex.responded) {
                ex.respondError(500, Map.of());
            }
            ex.closeAfter = true;
        }
    }

    /** medusa's auth_handler with supervisord's {SHA} passwords. */
    private boolean authorized(Exchange ex) {
        String auth = ex.header("Authorization");
        if (auth == null) {
            return false;
        }
        int sp = auth.indexOf(' ');
        if (sp < 0 || !auth.substring(0, sp).equalsIgnoreCase("basic")) {
            return false;
        }
        String decoded;
        try {
            byte[] raw = Base64.getMimeDecoder().decode(auth.substring(sp + 1).strip());
            decoded = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(raw)).toString();
        } catch (IllegalArgumentException | java.nio.charset.CharacterCodingException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return false;
        }
        String user = decoded.substring(0, colon);
        String pass = decoded.substring(colon + 1);
        if (!user.equals(username)) {
            return false;
        }
        if (password.startsWith("{SHA}")) {
            return MessageDigest.isEqual(password.substring(5).getBytes(StandardCharsets.UTF_8),
                    sha1Hex(pass).getBytes(StandardCharsets.UTF_8));
        }
        return MessageDigest.isEqual(password.getBytes(StandardCharsets.UTF_8), pass.getBytes(StandardCharsets.UTF_8));
    }

    static String sha1Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** medusa's piecemeal unquote of the path: %XX sequences decoded as UTF-8, bad ones kept. */
    static String unquote(String s) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(s.length());
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '%' && i + 2 < b.length && hex(b[i + 1]) >= 0 && hex(b[i + 2]) >= 0) {
                out.write(hex(b[i + 1]) * 16 + hex(b[i + 2]));
                i += 2;
            } else {
                out.write(b[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int hex(byte c) {
        return Character.digit((char) c, 16);
    }

    static String httpDate(Instant t) {
        return HTTP_DATE.format(t);
    }

    /** medusa's error page. */
    static byte[] errorBody(int status) {
        return ("<head>\r\n<title>Error response</title>\r\n</head>\r\n<body>\r\n<h1>Error response</h1>\r\n"
                + "<p>Error code " + status + ".\r\n<p>Message: " + REASONS.getOrDefault(status, "Error")
                + ".\r\n</body>\r\n").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] errorResponse(int status, String version, Map<String, String> extra) {
        byte[] body = errorBody(status);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Length", Integer.toString(body.length));
        headers.put("Content-Type", "text/html");
        headers.putAll(extra);
        byte[] head = head(status, version, headers);
        byte[] all = java.util.Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    static byte[] head(int status, String version, Map<String, String> headers) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("HTTP/").append(version == null ? "1.0" : version).append(' ').append(status).append(' ')
                .append(REASONS.getOrDefault(status, "Error")).append("\r\n");
        sb.append("Server: ").append(SERVER).append("\r\n");
        sb.append("Date: ").append(httpDate(Instant.now())).append("\r\n");
        headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
        sb.append("\r\n");
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** One request and its answer. */
    public final class Exchange {
        private final Connection conn;
        private final String method;
        private final String uri;
        private final String version;
        private final List<String> headers;
        private long heldBody;
        private boolean bodyRead;
        boolean responded;
        boolean closeAfter;

        Exchange(Connection conn, String method, String uri, String version, List<String> headers) {
            this.conn = conn;
            this.method = method;
            this.uri = uri;
            this.version = version;
            this.headers = headers;
            if (version == null || !(version.equals("1.0") || version.equals("1.1"))) {
                closeAfter = true;
            }
        }

        /** The method as sent (medusa does not change its case: {@code post} is not POST). */
        public String method() {
            return method;
        }

        /** The URI with its path unquoted, as medusa's handlers see it. */
        public String uri() {
            return uri;
        }

        public String version() {
            return version;
        }

        /** The first header of that name (case-insensitive), its value stripped; null if none. */
        public String header(String name) {
            for (String h : headers) {
                int colon = h.indexOf(':');
                if (colon > 0 && h.substring(0, colon).strip().equalsIgnoreCase(name)) {
                    return h.substring(colon + 1).strip();
                }
            }
            return null;
        }

        /** Whether the client is gone (closed its end, or the watchdog closed the connection). */
        public boolean clientGone() {
            return conn.isGone();
        }

        /** Content-Length, or -1 when absent. @throws IllegalArgumentException when malformed */
        private long contentLength() {
            String cl = header("Content-Length");
            if (cl == null || cl.isEmpty()) {
                return -1;
            }
            long n;
            try {
                n = Long.parseLong(cl.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad Content-Length");
            }
            if (n < 0) {
                throw new IllegalArgumentException("bad Content-Length");
            }
            return n;
        }

        /**
         * Reads the body of a POST within the limits. Answers 411 (no Content-Length), 400 (a bad
         * one), 413 (too large) or 503 (too many bodies held at once) itself and returns null.
         */
        public byte[] readBody() throws IOException {
            long n;
            try {
                n = contentLength();
            } catch (IllegalArgumentException e) {
                closeAfter = true;
                respondError(400, Map.of("Connection", "close"));
                return null;
            }
            if (n < 0) {
                closeAfter = true;
                respondError(411, Map.of("Connection", "close"));
                return null;
            }
            if (n > limits.maxBodyBytes()) {
                closeAfter = true;
                respondError(413, Map.of("Connection", "close"));
                return null;
            }
            if (budget.addAndGet(n) > limits.bodyBudgetBytes()) {
                budget.addAndGet(-n);
                closeAfter = true;
                respondError(503, Map.of("Connection", "close"));
                return null;
            }
            heldBody = n;
            byte[] body = new byte[(int) n];
            int got = 0;
            conn.enter(Phase.READING);
            while (got < n) {
                if (!conn.in.hasRemaining() && conn.fill() < 0) {
                    throw new java.io.EOFException("client closed within the body");
                }
                int k = Math.min(conn.in.remaining(), (int) n - got);
                conn.in.get(body, got, k);
                got += k;
            }
            conn.enter(Phase.SERVING);
            bodyRead = true;
            return body;
        }

        /** Reads and drops a body that will not be served (bounded; else the connection closes). */
        void drainBody() throws IOException {
            long n;
            try {
                n = contentLength();
            } catch (IllegalArgumentException e) {
                closeAfter = true;
                return;
            }
            if (n <= 0 || bodyRead) {
                return;
            }
            if (n > limits.maxBodyBytes()) {
                closeAfter = true;
                return;
            }
            conn.enter(Phase.READING);
            long left = n;
            while (left > 0) {
                if (!conn.in.hasRemaining() && conn.fill() < 0) {
                    throw new java.io.EOFException("client closed within the body");
                }
                int k = (int) Math.min(conn.in.remaining(), left);
                conn.in.position(conn.in.position() + k);
                left -= k;
            }
            conn.enter(Phase.SERVING);
            bodyRead = true;
        }

        void releaseBody() {
            if (heldBody > 0) {
                budget.addAndGet(-heldBody);
                heldBody = 0;
            }
        }

        /** medusa's keep-alive rules for an answer with a Content-Length. */
        private void keepAlive(Map<String, String> headers) {
            String connection = header("Connection");
            String c = connection == null ? "" : connection.toLowerCase(Locale.ROOT);
            if ("1.0".equals(version)) {
                if (c.equals("keep-alive") && !closeAfter) {
                    headers.putIfAbsent("Connection", "Keep-Alive");
                } else {
                    closeAfter = true;
                }
            } else if ("1.1".equals(version)) {
                if (c.equals("close")) {
                    closeAfter = true;
                }
            } else {
                closeAfter = true;
            }
            if (closeAfter) {
                headers.put("Connection", "close");
            }
        }

        /** Answers with a whole body. */
        public void respond(int status, String contentType, byte[] body) throws IOException {
            Map<String, String> h = new LinkedHashMap<>();
            h.put("Content-Type", contentType);
            h.put("Content-Length", Integer.toString(body.length));
            send(status, h, body);
        }

        /** Answers with a whole body and the given headers (Content-Length is added). */
        public void respond(int status, Map<String, String> headers, byte[] body) throws IOException {
            Map<String, String> h = new LinkedHashMap<>(headers);
            h.put("Content-Length", Integer.toString(body.length));
            if (!bodyRead && contentLengthOrZero() > 0) {
                // a body not read would be taken for the next request
                closeAfter = true;
            }
            send(status, h, body);
        }

        /** Answers with medusa's error page. */
        public void respondError(int status, Map<String, String> extra) throws IOException {
            byte[] body = errorBody(status);
            Map<String, String> h = new LinkedHashMap<>();
            h.put("Content-Length", Integer.toString(body.length));
            h.put("Content-Type", "text/html");
            h.putAll(extra);
            if ("close".equals(extra.get("Connection"))) {
                closeAfter = true;
            }
            if (!bodyRead && contentLengthOrZero() > 0) {
                // a body not read would be taken for the next request
                closeAfter = true;
            }
            send(status, h, body);
        }

        private long contentLengthOrZero() {
            try {
                return Math.max(0, contentLength());
            } catch (IllegalArgumentException e) {
                return 1;
            }
        }

        private void send(int status, Map<String, String> headers, byte[] body) throws IOException {
            keepAlive(headers);
            byte[] head = head(status, version, headers);
            if (method.equals("HEAD")) {
                body = new byte[0]; // the length of the body a GET would get, and no body
            }
            ByteBuffer buf = ByteBuffer.allocate(head.length + body.length).put(head).put(body).flip();
            responded = true;
            conn.writeAll(buf);
        }

        /**
         * Starts an answer of unknown length: chunked for HTTP/1.1, else the body as it comes and
         * the connection closed at its end (medusa's rules).
         */
        public Stream stream(int status, Map<String, String> headers) throws IOException {
            Map<String, String> h = new LinkedHashMap<>(headers);
            String connection = header("Connection");
            boolean chunked = "1.1".equals(version) && !"close".equalsIgnoreCase(connection);
            if (chunked) {
                h.put("Transfer-Encoding", "chunked");
            } else {
                closeAfter = true;
                h.put("Connection", "close");
            }
            responded = true;
            conn.writeAll(head(status, version, h));
            return new Stream(chunked);
        }

        /** A streamed answer. */
        public final class Stream {
            private final boolean chunked;

            Stream(boolean chunked) {
                this.chunked = chunked;
            }

            public void write(byte[] data, int off, int len) throws IOException {
                if (len == 0) {
                    return;
                }
                if (chunked) {
                    byte[] size = (Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
                    ByteBuffer buf = ByteBuffer.allocate(size.length + len + 2);
                    buf.put(size).put(data, off, len).put((byte) '\r').put((byte) '\n').flip();
                    conn.writeAll(buf);
                } else {
                    conn.writeAll(ByteBuffer.wrap(data, off, len));
                }
            }

            /**
             * Ends the answer: the last chunk (the connection may serve another request), or the
             * connection closes after it (HTTP/1.0).
             */
            public void end() throws IOException {
                if (chunked) {
                    conn.writeAll("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                } else {
                    closeAfter = true;
                }
            }

            /**
             * Blocks until the client closes its end (or sends anything: a streamed answer takes
             * no request). Run it in a thread of its own beside the writer.
             */
            public void awaitClientGone() {
                ByteBuffer sink = ByteBuffer.allocate(256);
                try {
                    while (conn.ch.read(sink) >= 0) {
                        sink.clear();
                    }
                } catch (IOException e) {
                    // closed
                }
                closeAfter = true;
                conn.close();
            }
        }
    }
}
