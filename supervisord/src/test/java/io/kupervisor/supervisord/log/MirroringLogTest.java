package io.kupervisor.supervisord.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MirroringLogTest {

    @TempDir
    Path dir;

    /** The daemon's stdout: the mirror writes while holding its monitor, so reads do too. */
    static final class Stdout extends ByteArrayOutputStream {
        synchronized String text() {
            return toString(StandardCharsets.UTF_8);
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void prefixes() {
        assertThat(MirroringLog.prefix("web", "stdout")).isEqualTo("[web] ");
        assertThat(MirroringLog.prefix("web", "stderr")).isEqualTo("[web:stderr] ");
    }

    @Test
    void linesArePrefixedAndTheFileGetsTheRawBytes() throws Exception {
        Stdout stdout = new Stdout();
        Path f = dir.resolve("web.log");
        try (StdoutMirror mirror = new StdoutMirror(stdout)) {
            MirroringLog log = new MirroringLog(RotatingFileLog.open(f, 0, 0, false), mirror, "web", "stdout");
            MirroringLog err = new MirroringLog(ChannelLog.discard(), mirror, "web", "stderr");
            log.write(b("one\ntw"));
            log.write(b("o\nthree\n"));
            err.write(b("oops\n"));
            assertThat(mirror.flush(Duration.ofSeconds(5))).isTrue();
            assertThat(stdout.text()).isEqualTo("[web] one\n[web] two\n[web] three\n[web:stderr] oops\n");
            assertThat(log.path()).isEqualTo(f);
            assertThat(err.path()).isNull();
            log.close();
            err.close();
        }
        assertThat(Files.readString(f)).isEqualTo("one\ntwo\nthree\n");
    }

    @Test
    void aPartialLineIsWrittenAfterTheDelay() throws Exception {
        Stdout stdout = new Stdout();
        try (StdoutMirror mirror = new StdoutMirror(stdout, 1 << 20, Duration.ofMillis(50))) {
            MirroringLog log = new MirroringLog(ChannelLog.discard(), mirror, "p", "stdout");
            log.write(b("Password: "));
            await().atMost(Duration.ofSeconds(5)).until(() -> stdout.text().equals("[p] Password: \n"));
            log.write(b("rest\n"));
            await().atMost(Duration.ofSeconds(5)).until(() -> stdout.text().equals("[p] Password: \n[p] rest\n"));
            log.close();
        }
    }

    @Test
    void closeWritesThePartialLine() throws Exception {
        Stdout stdout = new Stdout();
        try (StdoutMirror mirror = new StdoutMirror(stdout, 1 << 20, Duration.ofHours(1))) {
            MirroringLog log = new MirroringLog(ChannelLog.discard(), mirror, "p", "stdout");
            log.write(b("a\nno newline"));
            log.close();
            log.write(b("after close\n"));
            assertThat(mirror.flush(Duration.ofSeconds(5))).isTrue();
        }
        assertThat(stdout.text()).isEqualTo("[p] a\n[p] no newline\n");
    }

    @Test
    void longLinesAreCut() throws Exception {
        Stdout stdout = new Stdout();
        String longLine = "x".repeat(MirroringLog.MAX_LINE * 2 + 10);
        try (StdoutMirror mirror = new StdoutMirror(stdout, 1 << 20, Duration.ofHours(1))) {
            MirroringLog log = new MirroringLog(ChannelLog.discard(), mirror, "p", "stdout");
            log.write(b(longLine.substring(0, 100)));
            log.write(b(longLine.substring(100) + "\nend"));
            log.write(b("x".repeat(MirroringLog.MAX_LINE - 5) + "\n"));
            log.close();
            assertThat(mirror.flush(Duration.ofSeconds(5))).isTrue();
        }
        // runs of x are shown as x{count} to keep failures readable
        String summary = summarize(stdout.text());
        int max = MirroringLog.MAX_LINE;
        assertThat(summary).isEqualTo("[p] x{" + max + "}\n[p] x{" + max + "}\n[p] x{10}\n[p] endx{" + (max - 5) + "}\n");
    }

    private static String summarize(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("x+").matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, "x{" + m.group().length() + "}");
        }
        m.appendTail(sb);
        return sb.toString();
    }

    @Test
    void interleavedWritersNeverMixWithinALine() throws Exception {
        Stdout stdout = new Stdout();
        int writers = 6;
        int linesEach = 3000;
        Map<String, List<String>> expected = new HashMap<>();
        List<MirroringLog> logs = new ArrayList<>();
        try (StdoutMirror mirror = new StdoutMirror(stdout, 64 << 20, Duration.ofHours(1))) {
            List<CompletableFuture<Void>> running = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                String name = "prog" + w;
                String channel = w % 2 == 0 ? "stdout" : "stderr";
                MirroringLog log = new MirroringLog(
                        RotatingFileLog.open(dir.resolve(name + ".log"), 10_000, 1000, false), mirror, name, channel);
                logs.add(log);
                List<String> lines = new ArrayList<>();
                StringBuilder all = new StringBuilder();
                for (int i = 0; i < linesEach; i++) {
                    String line = name + " line " + i + " " + "z".repeat(i % 37);
                    lines.add(line);
                    all.append(line).append('\n');
                }
                expected.put(MirroringLog.prefix(name, channel), lines);
                byte[] bytes = b(all.toString());
                long seed = w;
                running.add(CompletableFuture.runAsync(() -> {
                    Random random = new Random(seed);
                    int i = 0;
                    while (i < bytes.length) {
                        int n = Math.min(bytes.length - i, 1 + random.nextInt(200)); // splits lines anywhere
                        try {
                            log.write(bytes, i, n);
                        } catch (IOException e) {
                            throw new RuntimeException(e);
                        }
                        i += n;
                    }
                }));
            }
            CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get();
            logs.forEach(MirroringLog::close);
            assertThat(mirror.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(mirror.droppedBytes()).isZero();
        }
        Map<String, List<String>> got = new HashMap<>();
        String text = stdout.text();
        assertThat(text).endsWith("\n");
        for (String line : text.substring(0, text.length() - 1).split("\n", -1)) {
            String prefix = line.substring(0, line.indexOf("] ") + 2);
            assertThat(expected).containsKey(prefix);
            got.computeIfAbsent(prefix, k -> new ArrayList<>()).add(line.substring(prefix.length()));
        }
        assertThat(got).isEqualTo(expected);
    }

    @Test
    void aSlowStdoutNeverBlocksTheChildAndDropsAreReported() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Stdout sink = new Stdout();
        OutputStream slow = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] buf, int off, int len) throws IOException {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                sink.write(buf, off, len);
            }
        };
        Path f = dir.resolve("flood.log");
        byte[] line = b("0123456789012345678901234567890123456789\n");
        int count = 10_000;
        try (StdoutMirror mirror = new StdoutMirror(slow, 4096, Duration.ofHours(1))) {
            MirroringLog log = new MirroringLog(RotatingFileLog.open(f, 0, 0, false), mirror, "flood", "stdout");
            CompletableFuture<Void> child = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < count; i++) {
                    try {
                        log.write(line);
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                }
            });
            child.get(); // finishes although stdout is stuck
            assertThat(mirror.droppedBytes()).isPositive();
            release.countDown();
            log.close();
            assertThat(mirror.flush(Duration.ofSeconds(10))).isTrue();
        }
        assertThat(Files.size(f)).isEqualTo((long) line.length * count); // the file has everything
        String out = sink.text();
        assertThat(out).containsPattern("\\[kupervisor\\] stdout mirror dropped \\d+ lines \\(\\d+ bytes\\)"
                + " of program output: stdout too slow\n");
        for (String l : out.split("\n")) {
            assertThat(l).matches("\\[flood\\] 0123456789012345678901234567890123456789|\\[kupervisor\\] .*");
        }
    }
}
