package io.kupervisor.supervisord.web;

import io.kupervisor.supervisord.http.Exchange;
import io.kupervisor.supervisord.http.ResponseStream;
import io.kupervisor.supervisord.log.LogFollower;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * {@code GET /events/tail?processname=NAME[&limit=N][&channel=stderr]}: a log followed live as
 * server-sent events. First {@code reset}, then the last {@code max(N, 1024)} bytes and what is
 * appended, as JSON strings (UTF-8 decoded across reads); {@code truncated} when the file shrinks;
 * {@code fault} (then the end) when there is nothing to follow. A rotation is followed
 * ({@link LogFollower}).
 */
final class TailEvents {
    static final Duration POLL = Duration.ofMillis(100);

    private TailEvents() {
    }

    /** The stream's headers. */
    static ResponseStream open(Exchange ex) throws IOException {
        return ex.stream(200, Map.of("Content-Type", "text/event-stream; charset=utf-8", "Cache-Control", "no-store",
                "X-Accel-Buffering", "no", "X-Content-Type-Options", "nosniff"));
    }

    /** A stream that says only why there is nothing to follow. */
    static void fault(Exchange ex, String message) throws IOException {
        ResponseStream out = open(ex);
        write(out, "retry: 86400000\nevent: fault\ndata: " + Text.json(message) + "\n\n");
        out.end();
    }

    static void follow(Exchange ex, Path file, long lastBytes) throws IOException {
        ResponseStream out = open(ex);
        write(out, "retry: 2000\nevent: reset\ndata: \n\n");
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        ByteBuffer pending = ByteBuffer.allocate(64 * 1024);
        LogFollower follower = new LogFollower(file, LogFollower.Start.lastBytes(lastBytes), new LogFollower.Listener() {
            @Override
            public void onData(byte[] buf, int off, int len) throws IOException {
                ByteBuffer in = ByteBuffer.wrap(buf, off, len);
                StringBuilder text = new StringBuilder(len);
                while (in.hasRemaining()) {
                    int n = Math.min(in.remaining(), pending.remaining());
                    pending.put(in.slice(in.position(), n));
                    in.position(in.position() + n);
                    pending.flip();
                    CharBuffer chars = CharBuffer.allocate(pending.remaining() + 1);
                    decoder.decode(pending, chars, false);
                    text.append(chars.flip());
                    pending.compact();
                }
                if (!text.isEmpty()) {
                    write(out, "data: " + Text.json(text.toString()) + "\n\n");
                }
            }

            @Override
            public void onTruncated() throws IOException {
                pending.clear();
                decoder.reset();
                write(out, "event: truncated\ndata: " + Text.json(LogFollower.TRUNCATED_MARKER) + "\n\n");
            }
        });
        Thread watcher = Thread.ofVirtual().name("tail-events-watch").start(() -> {
            out.awaitClientGone();
            follower.close();
        });
        try {
            follower.run(POLL);
        } finally {
            follower.close();
            watcher.interrupt();
        }
    }

    private static void write(ResponseStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
    }
}
