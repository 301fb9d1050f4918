package io.kupervisor.supervisord.rpc;

import io.kupervisor.supervisord.control.Control;
import io.kupervisor.supervisord.control.ProcessStatus;
import io.kupervisor.supervisord.http.Exchange;
import io.kupervisor.supervisord.http.HttpText;
import io.kupervisor.supervisord.http.ResponseStream;
import io.kupervisor.supervisord.log.LogFollower;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;

/**
 * supervisord's {@code logtail_handler} and {@code mainlogtail_handler} ({@code http.py}):
 * {@code /logtail/<namespec>[/stdout|/stderr]} and {@code /mainlogtail}, the last 1024 bytes of a
 * log, then what is appended, until the client goes ({@code supervisorctl tail -f}, the web page's
 * Tail -f links).
 */
public final class LogTail {
    private final Control control;

    public LogTail(Control control) {
        this.control = control;
    }

    /** {@code /logtail/<namespec>[/<channel>]}, as supervisord's logtail_handler reads it. */
    public void process(Exchange ex) throws IOException {
        if (!ex.method().equals("GET")) {
            ex.respondError(400, Map.of());
            return;
        }
        String path = ex.uri();
        int cut = indexOfAny(path, ";?#");
        if (cut >= 0) {
            path = path.substring(0, cut);
        }
        if (path.indexOf('%') >= 0) {
            path = HttpText.unquote(path);
        }
        while (path.startsWith("/")) {
            path = path.substring(1);
        }
        int slash = path.indexOf('/');
        if (slash < 0) {
            // supervisord fails to unpack the path (a 500)
            ex.respondError(500, Map.of());
            return;
        }
        String rest = path.substring(slash + 1);
        int slash2 = rest.indexOf('/');
        String name = slash2 < 0 ? rest : rest.substring(0, slash2);
        String channel = slash2 < 0 ? "stdout" : rest.substring(slash2 + 1);
        Path file;
        try {
            ProcessStatus p = control.process(name).join();
            file = switch (channel) {
                case "stdout" -> p.stdoutLog();
                case "stderr" -> p.stderrLog();
                default -> null;
            };
        } catch (CompletionException e) {
            file = null;
        }
        if (file == null || !Files.exists(file)) {
            ex.respondError(404, Map.of());
            return;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Last-Modified", HttpText.httpDate(Instant.ofEpochMilli(file.toFile().lastModified())));
        headers.put("Content-Type", "text/plain;charset=utf-8");
        headers.put("X-Accel-Buffering", "no");
        stream(ex, file, headers);
    }

    /** {@code /mainlogtail}. */
    public void main(Exchange ex) throws IOException {
        if (!ex.method().equals("GET")) {
            ex.respondError(400, Map.of());
            return;
        }
        Path file;
        try {
            file = control.status().join().mainLog();
        } catch (CompletionException e) {
            file = null;
        }
        if (file == null || !Files.exists(file)) {
            ex.respondError(404, Map.of());
            return;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Last-Modified", HttpText.httpDate(Instant.ofEpochMilli(file.toFile().lastModified())));
        headers.put("Content-Type", "text/plain;charset=utf-8");
        stream(ex, file, headers);
    }

    /** The last 1024 bytes, then what is appended, until the client goes. */
    private static void stream(Exchange ex, Path file, Map<String, String> headers) throws IOException {
        ResponseStream out = ex.stream(200, headers);
        LogFollower follower = new LogFollower(file, LogFollower.Start.lastBytes(1024), new LogFollower.Listener() {
            @Override
            public void onData(byte[] buf, int off, int len) throws IOException {
                out.write(buf, off, len);
            }

            @Override
            public void onTruncated() throws IOException {
                byte[] marker = LogFollower.TRUNCATED_MARKER.getBytes(StandardCharsets.UTF_8);
                out.write(marker, 0, marker.length);
            }
        });
        Thread watcher = Thread.ofVirtual().name("logtail-watch").start(() -> {
            out.awaitClientGone();
            follower.close();
        });
        try {
            follower.run(Duration.ofMillis(100));
        } finally {
            follower.close();
            watcher.interrupt();
        }
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }
}
