package io.kupervisor.supervisord.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * An answer of unknown length ({@code /logtail}, the web page's event streams): chunks for
 * HTTP/1.1, else raw bytes until the connection closes (medusa's rules).
 */
public final class ResponseStream {
    private final Exchange exchange;
    private final Connection conn;
    private final boolean chunked;

    ResponseStream(Exchange exchange, Connection conn, boolean chunked) {
        this.exchange = exchange;
        this.conn = conn;
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
            exchange.closeAfter = true;
        }
    }

    /**
     * Blocks until the client closes its end (or sends anything: a streamed answer takes no
     * request). Run it in a thread of its own beside the writer.
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
        exchange.closeAfter = true;
        conn.close();
    }
}
