package io.kupervisor.supervisord.http;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One request and its answer: the head, the body (read within the server's bounds, by its
 * framing), and the answer with medusa's keep-alive rules (a whole body, medusa's error page, or
 * a {@link ResponseStream}).
 */
public final class Exchange {
    /** A chunk-size line (hex digits and extensions) longer than this is refused. */
    private static final int MAX_CHUNK_LINE = 1024;

    private final Connection conn;
    private final RequestHead head;
    private long heldBody;
    private boolean bodyRead;
    boolean responded;
    boolean closeAfter;

    Exchange(Connection conn, RequestHead head) {
        this.conn = conn;
        this.head = head;
        String version = head.version();
        if (version == null || !(version.equals("1.0") || version.equals("1.1"))) {
            closeAfter = true;
        }
    }

    /** The method as sent (medusa does not change its case: {@code post} is not POST). */
    public String method() {
        return head.method();
    }

    /** The URI with its path unquoted, as medusa's handlers see it. */
    public String uri() {
        return head.uri();
    }

    public String version() {
        return head.version();
    }

    /** The first header of that name (case-insensitive), its value stripped; null if none. */
    public String header(String name) {
        return head.header(name);
    }

    /** Whether the client is gone (closed its end, or the watchdog closed the connection). */
    public boolean clientGone() {
        return conn.isGone();
    }

    // ---- the body ----

    /**
     * Reads the body of a POST within the bounds. Answers 411 (no length), 413 (too large) or 503
     * (too many bodies held at once) itself and returns null; the connection then closes.
     */
    public byte[] readBody() throws IOException {
        Limits limits = conn.server.limits();
        // instanceof, not a pattern switch: that is a class spun at run time (issue 18)
        RequestHead.Framing framing = head.framing();
        if (framing instanceof RequestHead.Framing.Length l) {
            long n = l.bytes();
            if (n > limits.maxBodyBytes()) {
                refuse(413);
                return null;
            }
            if (!hold(n)) {
                return null;
            }
            continueIfAsked();
            byte[] body = new byte[(int) n];
            int got = 0;
            conn.readingBody();
            while (got < n) {
                if (!conn.in.hasRemaining() && conn.fill() < 0) {
                    throw new EOFException("client closed within the body");
                }
                int k = Math.min(conn.in.remaining(), (int) n - got);
                conn.in.get(body, got, k);
                got += k;
            }
            conn.enter(Connection.Phase.SERVING);
            bodyRead = true;
            return body;
        }
        if (framing instanceof RequestHead.Framing.Chunked) {
            continueIfAsked();
            conn.readingBody();
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            try {
                readChunks(body, true);
            } catch (BadRequest e) {
                refuse(e.status);
                return null;
            }
            conn.enter(Connection.Phase.SERVING);
            bodyRead = true;
            return body.toByteArray();
        }
        refuse(411); // Framing.None
        return null;
    }

    /** Counts {@code n} bytes against the daemon's budget of bodies held at once; 503 when it is spent. */
    private boolean hold(long n) throws IOException {
        if (conn.server.budget().addAndGet(n) > conn.server.limits().bodyBudgetBytes()) {
            conn.server.budget().addAndGet(-n);
            refuse(503);
            return false;
        }
        heldBody += n;
        return true;
    }

    /**
     * The chunked coding (RFC 9112 §7.1): hex size, optional extensions, CRLF, the data, CRLF;
     * a last chunk of 0, then trailer fields (read and dropped) and CRLF. Bounded by the body
     * limit; with {@code keep}, every byte kept is counted against the daemon's budget.
     */
    private void readChunks(ByteArrayOutputStream body, boolean keep) throws IOException, BadRequest {
        Limits limits = conn.server.limits();
        long total = 0;
        while (true) {
            String line = readLine(MAX_CHUNK_LINE);
            int semicolon = line.indexOf(';');
            String size = RequestParser.strip(semicolon < 0 ? line : line.substring(0, semicolon));
            if (size.isEmpty() || size.length() > 8 || !size.chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
                throw new BadRequest(400, "not a chunk size: " + line);
            }
            long n = Long.parseLong(size, 16);
            if (n == 0) {
                break;
            }
            total += n;
            if (total > limits.maxBodyBytes()) {
                throw new BadRequest(413, "a chunked body larger than " + limits.maxBodyBytes() + " bytes");
            }
            if (keep && conn.server.budget().addAndGet(n) > limits.bodyBudgetBytes()) {
                conn.server.budget().addAndGet(-n);
                throw new BadRequest(503, "too many request bodies held at once");
            }
            if (keep) {
                heldBody += n;
            }
            for (long left = n; left > 0; ) {
                if (!conn.in.hasRemaining() && conn.fill() < 0) {
                    throw new EOFException("client closed within the body");
                }
                int k = (int) Math.min(conn.in.remaining(), left);
                if (keep) {
                    body.write(conn.in.array(), conn.in.arrayOffset() + conn.in.position(), k);
                }
                conn.in.position(conn.in.position() + k);
                left -= k;
            }
            if (!readLine(2).isEmpty()) {
                throw new BadRequest(400, "chunk data longer than its size");
            }
        }
        // trailer fields, up to the empty line; their bytes count as the head's
        int trailer = 0;
        for (String line = readLine(MAX_CHUNK_LINE); !line.isEmpty(); line = readLine(MAX_CHUNK_LINE)) {
            trailer += line.length();
            if (trailer > limits.maxHeaderBytes()) {
                throw new BadRequest(431, "trailer fields larger than " + limits.maxHeaderBytes() + " bytes");
            }
        }
    }

    /** A CRLF-terminated line of at most {@code max} bytes, without its CRLF. */
    private String readLine(int max) throws IOException, BadRequest {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int b = conn.read();
            if (b == '\r') {
                if (conn.read() != '\n') {
                    throw new BadRequest(400, "a bare CR in the chunked body");
                }
                return sb.toString();
            }
            if (b == '\n') {
                throw new BadRequest(400, "a bare LF in the chunked body");
            }
            if (sb.length() >= max) {
                throw new BadRequest(400, "a line of the chunked body longer than " + max + " bytes");
            }
            sb.append((char) b);
        }
    }

    /** {@code Expect: 100-continue} (curl sends it for bodies over 1 KiB): go on, the body is wanted. */
    private void continueIfAsked() throws IOException {
        if ("1.1".equals(head.version()) && "100-continue".equalsIgnoreCase(head.header("Expect"))) {
            conn.writeAll("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            conn.enter(Connection.Phase.READING);
        }
    }

    /**
     * Reads and drops a body that will not be served (bounded: a larger one closes the connection
     * instead, as does any framing trouble).
     */
    void drainBody() throws IOException {
        if (bodyRead || !head.hasBody()) {
            return;
        }
        Limits limits = conn.server.limits();
        RequestHead.Framing framing = head.framing();
        if (framing instanceof RequestHead.Framing.Length l) {
            if (l.bytes() > limits.maxBodyBytes()) {
                closeAfter = true;
                return;
            }
            conn.readingBody();
            long left = l.bytes();
            while (left > 0) {
                if (!conn.in.hasRemaining() && conn.fill() < 0) {
                    throw new EOFException("client closed within the body");
                }
                int k = (int) Math.min(conn.in.remaining(), left);
                conn.in.position(conn.in.position() + k);
                left -= k;
            }
        } else if (framing instanceof RequestHead.Framing.Chunked) {
            conn.readingBody();
            try {
                readChunks(null, false);
            } catch (BadRequest e) {
                closeAfter = true;
                return;
            }
        } else {
            return; // Framing.None
        }
        conn.enter(Connection.Phase.SERVING);
        bodyRead = true;
    }

    void releaseBody() {
        if (heldBody > 0) {
            conn.server.budget().addAndGet(-heldBody);
            heldBody = 0;
        }
    }

    // ---- the answer ----

    private void refuse(int status) throws IOException {
        closeAfter = true;
        respondError(status, Map.of("Connection", "close"));
    }

    /** medusa's keep-alive rules for an answer with a Content-Length. */
    private void keepAlive(Map<String, String> headers) {
        String connection = header("Connection");
        String c = connection == null ? "" : connection.toLowerCase(Locale.ROOT);
        String version = head.version();
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
        respond(status, h, body);
    }

    /** Answers with a whole body and the given headers (Content-Length is added). */
    public void respond(int status, Map<String, String> headers, byte[] body) throws IOException {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put("Content-Length", Integer.toString(body.length));
        send(status, h, body);
    }

    /** Answers with medusa's error page. */
    public void respondError(int status, Map<String, String> extra) throws IOException {
        byte[] body = HttpText.errorBody(status);
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Length", Integer.toString(body.length));
        h.put("Content-Type", "text/html");
        h.putAll(extra);
        if ("close".equals(extra.get("Connection"))) {
            closeAfter = true;
        }
        send(status, h, body);
    }

    private void send(int status, Map<String, String> headers, byte[] body) throws IOException {
        if (!bodyRead && head.hasBody()) {
            // a body not read would be taken for the next request
            closeAfter = true;
        }
        keepAlive(headers);
        byte[] h = HttpText.head(status, head.version(), headers);
        if (head.method().equals("HEAD")) {
            body = new byte[0]; // the length of the body a GET would get, and no body
        }
        ByteBuffer buf = ByteBuffer.allocate(h.length + body.length).put(h).put(body).flip();
        responded = true;
        conn.writeAll(buf);
    }

    /**
     * Starts an answer of unknown length: chunked for HTTP/1.1, else the body as it comes and
     * the connection closed at its end (medusa's rules).
     */
    public ResponseStream stream(int status, Map<String, String> headers) throws IOException {
        Map<String, String> h = new LinkedHashMap<>(headers);
        boolean chunked = "1.1".equals(head.version()) && !"close".equalsIgnoreCase(header("Connection"));
        if (!bodyRead && head.hasBody()) {
            closeAfter = true;
        }
        if (chunked) {
            h.put("Transfer-Encoding", "chunked");
        } else {
            closeAfter = true;
            h.put("Connection", "close");
        }
        responded = true;
        conn.writeAll(HttpText.head(status, head.version(), h));
        return new ResponseStream(this, conn, chunked);
    }
}
