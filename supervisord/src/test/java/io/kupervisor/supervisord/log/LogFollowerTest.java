package io.kupervisor.supervisord.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kupervisor.supervisord.log.LogFollower.Start;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogFollowerTest {

    @TempDir
    Path dir;

    /** Collects what the follower emits. */
    static final class Collector implements LogFollower.Listener {
        private final ByteArrayOutputStream data = new ByteArrayOutputStream();
        final AtomicInteger truncations = new AtomicInteger();
        final List<Path> newFiles = new CopyOnWriteArrayList<>();

        @Override
        public synchronized void onData(byte[] buf, int off, int len) {
            data.write(buf, off, len);
        }

        @Override
        public void onTruncated() {
            truncations.incrementAndGet();
        }

        @Override
        public void onNewFile(Path file) {
            newFiles.add(file);
        }

        synchronized String text() {
            return data.toString(StandardCharsets.UTF_8);
        }

        synchronized int size() {
            return data.size();
        }
    }

    private static void append(Path f, String s) throws IOException {
        Files.writeString(f, s, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static void truncate(Path f) throws IOException {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.truncate(0);
        }
    }

    @Test
    void startsWithTheLast1024BytesThenStreams() throws IOException {
        Path f = dir.resolve("a.log");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            sb.append(i).append('\n');
        }
        String content = sb.toString();
        Files.writeString(f, content);
        Collector c = new Collector();
        try (LogFollower follower = new LogFollower(f, Start.lastBytes(1024), c)) {
            assertThat(follower.poll()).isTrue();
            assertThat(c.text()).isEqualTo(content.substring(content.length() - 1024));
            assertThat(follower.poll()).isFalse();
            append(f, "more\n");
            assertThat(follower.poll()).isTrue();
            assertThat(c.text()).endsWith("499\nmore\n");
        }
    }

    @Test
    void smallFileIsSentWhole() throws IOException {
        Path f = dir.resolve("small.log");
        Files.writeString(f, "tiny\n");
        Collector c = new Collector();
        try (LogFollower follower = new LogFollower(f, Start.lastBytes(1024), c)) {
            follower.poll();
            assertThat(c.text()).isEqualTo("tiny\n");
        }
    }

    @Test
    void startsWithTheLastLines() throws IOException {
        assertThat(startLines("a\nb\nc\nd\n", 2)).isEqualTo("c\nd\n");
        assertThat(startLines("a\nb\nc", 2)).isEqualTo("b\nc");
        assertThat(startLines("a\nb\n", 10)).isEqualTo("a\nb\n");
        assertThat(startLines("a\nb\n", 0)).isEmpty();
        assertThat(startLines("", 3)).isEmpty();
        assertThat(startLines("\n\n\n", 2)).isEqualTo("\n\n");
        String big = "x".repeat(100_000) + "\nlast\n";
        assertThat(startLines(big, 1)).isEqualTo("last\n");
        assertThat(startLines(big, 2)).isEqualTo(big);
    }

    private String startLines(String content, int n) throws IOException {
        Path f = Files.createTempFile(dir, "lines", ".log");
        Files.writeString(f, content);
        Collector c = new Collector();
        try (LogFollower follower = new LogFollower(f, Start.lastLines(n), c)) {
            follower.poll();
        }
        return c.text();
    }

    @Test
    void aFileThatDoesNotExistYetIsFollowedFromItsStart() throws IOException {
        Path f = dir.resolve("later.log");
        Collector c = new Collector();
        try (LogFollower follower = new LogFollower(f, Start.end(), c)) {
            assertThat(follower.poll()).isFalse();
            Files.writeString(f, "hello\n");
            assertThat(follower.poll()).isTrue();
            assertThat(c.text()).isEqualTo("hello\n");
            assertThat(c.newFiles).containsExactly(f);
        }
    }

    @Test
    void truncationIsReportedAndFollowed() throws IOException {
        Path f = dir.resolve("t.log");
        Files.writeString(f, "first line\n");
        Collector c = new Collector();
        try (LogFollower follower = new LogFollower(f, Start.beginning(), c)) {
            follower.poll();
            truncate(f);
            append(f, "new\n"); // smaller than what was read: detected
            follower.poll();
            assertThat(c.truncations).hasValue(1);
            assertThat(c.text()).isEqualTo("first line\nnew\n");
            follower.poll();
            assertThat(c.truncations).hasValue(1);
        }
    }

    @Test
    void rotationByRenameReadsTheRestOfTheOldFileFirst() throws IOException {
        Path f = dir.resolve("r.log");
        Files.writeString(f, "1\n");
        Collector c = new Collector();
        try (LogFollower follower = new LogFollower(f, Start.beginning(), c)) {
            follower.poll();
            Files.move(f, dir.resolve("r.log.1"));
            append(dir.resolve("r.log.1"), "2\n"); // the writer had not reopened yet
            assertThat(follower.poll()).isTrue(); // the new file is not there yet
            assertThat(c.text()).isEqualTo("1\n2\n");
            Files.writeString(f, "3\n");
            follower.poll();
            assertThat(c.text()).isEqualTo("1\n2\n3\n");
            assertThat(c.newFiles).containsExactly(f);
            assertThat(c.truncations).hasValue(0);
        }
    }

    @Test
    void severalRotationsBetweenTwoPollsLoseNothing() throws IOException {
        Path f = dir.resolve("multi.log");
        Collector c = new Collector();
        StringBuilder expected = new StringBuilder();
        try (RotatingFileLog log = RotatingFileLog.open(f, 30, 100, false);
                LogFollower follower = new LogFollower(f, Start.beginning(), c)) {
            for (int i = 0; i < 5; i++) {
                String line = "L%03d\n".formatted(i);
                log.write(line.getBytes(StandardCharsets.US_ASCII));
                expected.append(line);
            }
            follower.poll();
            for (int i = 5; i < 100; i++) { // about 15 rotations with no poll in between
                String line = "L%03d\n".formatted(i);
                log.write(line.getBytes(StandardCharsets.US_ASCII));
                expected.append(line);
            }
            assertThat(log.rotations()).isGreaterThan(10);
            follower.poll();
            assertThat(c.text()).isEqualTo(expected.toString());
        }
    }

    @Test
    void aRecreatedFileThatRotatedBeforeThePollIsNotSkipped() throws IOException {
        Path f = dir.resolve("recreated.log");
        Collector c = new Collector();
        StringBuilder expected = new StringBuilder();
        try (RotatingFileLog log = RotatingFileLog.open(f, 30, 100, false);
                LogFollower follower = new LogFollower(f, Start.beginning(), c)) {
            follower.poll();
            for (int i = 0; i < 20; i++) { // a few rotations: f.1, f.2 ... exist before the clear
                String line = "A%03d\n".formatted(i);
                log.write(line.getBytes(StandardCharsets.US_ASCII));
                expected.append(line);
            }
            follower.poll();
            log.write("A-last\n".getBytes(StandardCharsets.US_ASCII));
            expected.append("A-last\n");
            log.clear(); // the followed file is unlinked and a new one created
            for (int i = 0; i < 20; i++) { // the new file rotates away before the next poll
                String line = "B%03d\n".formatted(i);
                log.write(line.getBytes(StandardCharsets.US_ASCII));
                expected.append(line);
            }
            follower.poll();
            assertThat(c.text()).isEqualTo(expected.toString());
        }
    }

    @Test
    void aFileThatDisappearsForAWhileIsFollowedWhenItComesBack() throws IOException {
        Path f = dir.resolve("gone.log");
        Files.writeString(f, "a\n");
        Collector c = new Collector();
        try (LogFollower follower = new LogFollower(f, Start.beginning(), c)) {
            follower.poll();
            Files.delete(f);
            assertThat(follower.poll()).isFalse();
            assertThat(follower.poll()).isFalse();
            Files.writeString(f, "b\n");
            follower.poll();
            assertThat(c.text()).isEqualTo("a\nb\n");
        }
    }

    @Test
    void aListenerFailureStopsTheLoop() throws Exception {
        Path f = dir.resolve("fail.log");
        Files.writeString(f, "x\n");
        LogFollower follower = new LogFollower(f, Start.beginning(), (buf, off, len) -> {
            throw new IOException("client gone");
        }).start(Duration.ofMillis(20));
        assertThat(follower.awaitTermination(Duration.ofSeconds(10))).isTrue();
        assertThat(follower.failure()).hasMessage("client gone");
        follower.close();
    }

    @Test
    void closeStopsTheThread() throws Exception {
        Path f = dir.resolve("stop.log");
        LogFollower follower = new LogFollower(f, Start.end(), new Collector()).start(Duration.ofMillis(20));
        follower.close();
        assertThat(follower.awaitTermination(Duration.ofSeconds(10))).isTrue();
        assertThat(follower.failure()).isNull();
    }

    @Test
    void everyLineExactlyOnceThroughFastRotations() throws Exception {
        Path f = dir.resolve("fast.log");
        int lines = 30_000;
        Collector c = new Collector();
        StringBuilder expected = new StringBuilder();
        try (RotatingFileLog log = RotatingFileLog.open(f, 8192, 10_000, false);
                LogFollower follower = new LogFollower(f, Start.beginning(), c).start(Duration.ofMillis(10))) {
            for (int i = 0; i < lines; i++) {
                String line = "line " + i + "\n";
                log.write(line.getBytes(StandardCharsets.US_ASCII));
                expected.append(line);
            }
            assertThat(log.rotations()).isGreaterThan(20);
            await().atMost(Duration.ofSeconds(30)).until(() -> c.size() >= expected.length());
            assertThat(c.text()).isEqualTo(expected.toString());
            assertThat(c.truncations).hasValue(0);
            assertThat(follower.failure()).isNull();
        }
    }

    @Test
    void everyLineExactlyOnceThroughRenamesTruncationsAndRecreations() throws Exception {
        Path f = dir.resolve("mixed.log");
        Collector c = new Collector();
        List<String> expected = new ArrayList<>();
        int truncations = 0;
        try (RotatingFileLog log = RotatingFileLog.open(f, 4096, 10_000, false);
                LogFollower follower = new LogFollower(f, Start.beginning(), c).start(Duration.ofMillis(10))) {
            int written = 0;
            for (int round = 0; round < 30; round++) {
                for (int i = 0; i < 400; i++) { // rotations by rename happen along the way
                    String line = "r" + round + " line " + i + "\n";
                    log.write(line.getBytes(StandardCharsets.US_ASCII));
                    expected.add(line);
                    written += line.length();
                }
                int target = written;
                switch (round % 3) {
                    case 0 -> {
                        // truncation in place (copytruncate): what is truncated must have been read
                        await().atMost(Duration.ofSeconds(30)).until(() -> c.size() >= target);
                        truncate(f);
                        int seen = ++truncations;
                        await().atMost(Duration.ofSeconds(30)).until(() -> c.truncations.get() >= seen);
                    }
                    case 1 -> {
                        // clear (unlink and recreate) deletes what was not read yet, on purpose
                        await().atMost(Duration.ofSeconds(30)).until(() -> c.size() >= target);
                        log.clear();
                    }
                    default -> log.reopen();
                }
            }
            int total = written;
            await().atMost(Duration.ofSeconds(30)).until(() -> c.size() >= total);
            assertThat(c.text().split("(?<=\n)")).containsExactlyElementsOf(expected);
            assertThat(c.truncations).hasValue(truncations);
            assertThat(follower.failure()).isNull();
        }
    }

    @Test
    void concurrentWriterAndFollowerAgreeWhileTheWriterRuns() throws Exception {
        Path f = dir.resolve("live.log");
        Collector c = new Collector();
        StringBuilder expected = new StringBuilder();
        try (RotatingFileLog log = RotatingFileLog.open(f, 1000, 10_000, false);
                LogFollower follower = new LogFollower(f, Start.beginning(), c).start(Duration.ofMillis(10))) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 5000; i++) {
                    String line = "w " + i + "\n";
                    try {
                        log.write(line.getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                    synchronized (expected) {
                        expected.append(line);
                    }
                }
            });
            writer.get();
            await().atMost(Duration.ofSeconds(30)).until(() -> c.size() >= expected.length());
            assertThat(c.text()).isEqualTo(expected.toString());
            assertThat(follower.failure()).isNull();
        }
    }
}
