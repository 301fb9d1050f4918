package io.kupervisor.supervisord;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Bytes on the wire, for what a well-behaved client never sends. */
final class RawHttp {
    private RawHttp() {
    }

    /** Sends {@code request}, then reads until the server closes or {@code timeout} passes. */
    static String exchange(SocketAddress address, byte[] request, Duration timeout) throws IOException {
        try (SocketChannel ch = SocketChannel.open(address)) {
            CompletableFuture<String> read = CompletableFuture.supplyAsync(() -> readAll(ch),
                    r -> Thread.ofVirtual().start(r));
            try {
                ByteBuffer out = ByteBuffer.wrap(request);
                while (out.hasRemaining()) {
                    ch.write(out);
                }
            } catch (IOException e) {
                // the server may close before taking everything (a refusal); read what it said
            }
            try {
                return read.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                ch.close();
                return read.join();
            } catch (InterruptedException | ExecutionException e) {
                throw new IOException(e);
            }
        }
    }

    static String exchange(SocketAddress address, String request, Duration timeout) throws IOException {
        return exchange(address, request.getBytes(StandardCharsets.UTF_8), timeout);
    }

    private static String readAll(SocketChannel ch) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(8192);
        try {
            while (ch.read(buf) >= 0) {
                all.write(buf.array(), 0, buf.position());
                buf.clear();
            }
        } catch (IOException e) {
            // closed
        }
        return all.toString(StandardCharsets.UTF_8);
    }

    static String post(String path, String body, String... headers) {
        StringBuilder sb = new StringBuilder("POST " + path + " HTTP/1.0\r\n");
        for (String h : headers) {
            sb.append(h).append("\r\n");
        }
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        sb.append("Content-Length: ").append(b.length).append("\r\n\r\n").append(body);
        return sb.toString();
    }

    static String status(String response) {
        int nl = response.indexOf("\r\n");
        return nl < 0 ? response : response.substring(0, nl);
    }
}
