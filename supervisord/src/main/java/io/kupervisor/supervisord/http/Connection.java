package io.kupervisor.supervisord.http;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.Map;

/**
 * One client connection: its requests one after the other (keep-alive by medusa's rules), the
 * phase it is in and the deadline of that phase, which the server's watchdog enforces. Reads and
 * writes block the connection's own virtual thread.
 */
final class Connection {

    /** What the connection is waiting for. */
    enum Phase {
        /** Between requests on a kept-alive connection. */
        IDLE,
        /** A request head or body is arriving. */
        READING,
        /** A request is being served (a deferred answer may take minutes). */
        SERVING,
        /** An answer is being written. */
        WRITING
    }

    final HttpServer server;
    final SocketChannel ch;
    final ByteBuffer in = ByteBuffer.allocate(8192);
    volatile Phase phase;
    volatile long deadline;
    /** When the phase began: the idlest connection is evicted first at the limit. */
    volatile long since = System.nanoTime();
    private volatile boolean gone;

    Connection(HttpServer server, SocketChannel ch) {
        this.server = server;
        this.ch = ch;
        in.flip(); // empty, ready to be read from
        enter(Phase.READING);
    }

    void enter(Phase p) {
        long now = System.nanoTime();
        since = now;
        phase = p;
        Limits limits = server.limits();
        deadline = switch (p) {
            case IDLE -> nonZero(now + limits.idleTimeout().toNanos());
            case READING -> nonZero(now + limits.headTimeout().toNanos());
            case WRITING -> nonZero(now + limits.writeTimeout().toNanos());
            case SERVING -> 0;
        };
        if (deadline != 0) {
            server.deadlineSet(deadline);
        }
    }

    /** A body is arriving: the request deadline, not the head's. */
    void readingBody() {
        long now = System.nanoTime();
        since = now;
        phase = Phase.READING;
        deadline = nonZero(now + server.limits().requestTimeout().toNanos());
        server.deadlineSet(deadline);
    }

    private static long nonZero(long t) {
        return t == 0 ? 1 : t;
    }

    /** Whether the watchdog or eviction may close it: it waits for the client, not for the daemon. */
    boolean waitingForClient() {
        Phase p = phase;
        return p == Phase.IDLE || p == Phase.READING;
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

    /** Serves requests until the client goes, an answer closes the connection, or the server closes. */
    void run() {
        try {
            boolean first = true;
            while (!server.isClosed()) {
                if (!first) {
                    enter(Phase.IDLE);
                }
                first = false;
                RequestHead head;
                try {
                    head = readHead();
                } catch (BadRequest r) {
                    writeAll(HttpText.errorResponse(r.status, "1.0", Map.of("Connection", "close")));
                    return;
                }
                if (head == null) {
                    return;
                }
                enter(Phase.SERVING);
                Exchange ex = new Exchange(this, head);
                try {
                    server.serve(ex);
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
            server.gone(this);
        }
    }

    /** Reads into {@link #in}; -1 at end of stream. Moves IDLE to READING at the first byte. */
    int fill() throws IOException {
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

    /** The next byte of the request; EOF when the client closed. */
    int read() throws IOException {
        if (!in.hasRemaining() && fill() < 0) {
            throw new EOFException("client closed within the request");
        }
        return in.get() & 0xff;
    }

    /**
     * Reads a request head up to its CRLF CRLF; null when the client closed before one began (or
     * sent only blank lines).
     */
    private RequestHead readHead() throws IOException, BadRequest {
        int max = server.limits().maxHeaderBytes();
        byte[] head = new byte[Math.min(1024, max)];
        int len = 0;
        while (true) {
            if (!in.hasRemaining() && fill() < 0) {
                return null;
            }
            while (in.hasRemaining()) {
                if (len == head.length) {
                    if (len >= max) {
                        throw new BadRequest(431, "the request head is larger than " + max + " bytes");
                    }
                    head = Arrays.copyOf(head, Math.min(max, len * 2));
                }
                byte b = in.get();
                head[len++] = b;
                if (b == '\n' && (len < 2 || head[len - 2] != '\r')) {
                    throw new BadRequest(400, "a bare LF in the head");
                }
                if (len >= 2 && head[len - 2] == '\r' && b != '\n') {
                    throw new BadRequest(400, "a bare CR in the head");
                }
                if (len >= 4 && b == '\n' && head[len - 3] == '\n') {
                    return RequestParser.parse(head, len - 4);
                }
            }
        }
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
