package io.kupervisor.supervisord.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RotatingFileLogTest {

    @TempDir
    Path dir;

    @Test
    void rotationKeepsEveryByte() throws IOException {
        Path f = dir.resolve("child.log");
        Random random = new Random(42);
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        try (RotatingFileLog log = RotatingFileLog.open(f, 1000, 500, false)) {
            assertThat(log.rotates()).isTrue();
            for (int i = 0; i < 2000; i++) {
                byte[] chunk = new byte[1 + random.nextInt(300)];
                random.nextBytes(chunk);
                log.write(chunk, 0, chunk.length);
                written.write(chunk, 0, chunk.length);
            }
            assertThat(log.rotations()).isGreaterThan(100);
        }
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        int n = 1;
        while (Files.exists(numbered(f, n))) {
            n++;
        }
        for (int i = n - 1; i >= 1; i--) {
            byte[] part = Files.readAllBytes(numbered(f, i));
            // rotation is checked after each write: a rotated file is >= maxbytes, by less than one write
            assertThat(part.length).isBetween(1000, 1000 + 299);
            read.write(part);
        }
        read.write(Files.readAllBytes(f));
        assertThat(Files.size(f)).isLessThan(1000);
        assertThat(read.toByteArray()).isEqualTo(written.toByteArray());
    }

    @Test
    void oldestBackupsAreDiscarded() throws IOException {
        Path f = dir.resolve("b.log");
        try (RotatingFileLog log = RotatingFileLog.open(f, 10, 2, false)) {
            for (String s : new String[] {"aaaaaaaaaa", "bbbbbbbbbb", "cccccccccc", "dd"}) {
                log.write(s.getBytes(StandardCharsets.US_ASCII));
            }
        }
        assertThat(Files.readString(numbered(f, 2))).isEqualTo("bbbbbbbbbb");
        assertThat(Files.readString(numbered(f, 1))).isEqualTo("cccccccccc");
        assertThat(Files.readString(f)).isEqualTo("dd");
        assertThat(numbered(f, 3)).doesNotExist();
    }

    @Test
    void backupsZeroTruncates() throws IOException {
        Path f = dir.resolve("t.log");
        try (RotatingFileLog log = RotatingFileLog.open(f, 100, 0, false)) {
            log.write(new byte[150]);
            assertThat(Files.size(f)).isZero();
            log.write("kept".getBytes(StandardCharsets.US_ASCII));
            assertThat(log.rotations()).isEqualTo(1);
        }
        assertThat(Files.readString(f)).isEqualTo("kept");
        assertThat(numbered(f, 1)).doesNotExist();
    }

    @Test
    void maxbytesZeroNeverRotates() throws IOException {
        Path f = dir.resolve("n.log");
        try (RotatingFileLog log = RotatingFileLog.open(f, 0, 10, false)) {
            assertThat(log.rotates()).isFalse();
            for (int i = 0; i < 100; i++) {
                log.write(new byte[1000]);
            }
        }
        assertThat(Files.size(f)).isEqualTo(100_000);
        assertThat(numbered(f, 1)).doesNotExist();
    }

    @Test
    void existingFileIsAppendedTo() throws IOException {
        Path f = dir.resolve("a.log");
        Files.writeString(f, "before\n");
        try (RotatingFileLog log = RotatingFileLog.open(f, 1000, 1, false)) {
            assertThat(log.size()).isEqualTo(7);
            log.write("after\n".getBytes(StandardCharsets.US_ASCII));
        }
        assertThat(Files.readString(f)).isEqualTo("before\nafter\n");
    }

    @Test
    void existingSizeCountsTowardsRotation() throws IOException {
        Path f = dir.resolve("s.log");
        Files.writeString(f, "x".repeat(95));
        try (RotatingFileLog log = RotatingFileLog.open(f, 100, 3, false)) {
            log.write("12345".getBytes(StandardCharsets.US_ASCII));
        }
        assertThat(Files.readString(numbered(f, 1))).isEqualTo("x".repeat(95) + "12345");
        assertThat(Files.size(f)).isZero();
    }

    @Test
    void externallyTruncatedFileIsNotRotatedEarly() throws IOException {
        Path f = dir.resolve("ct.log");
        try (RotatingFileLog log = RotatingFileLog.open(f, 100, 3, false)) {
            log.write(new byte[90]);
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                ch.truncate(0); // logrotate copytruncate
            }
            log.write(new byte[20]);
            assertThat(log.rotations()).isZero();
            assertThat(Files.size(f)).isEqualTo(20);
        }
    }

    @Test
    void fifoIsWrittenWithoutRotation() throws Exception {
        Path fifo = dir.resolve("pipe");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertThat(mk.waitFor()).isZero();
        byte[] expected = "0123456789".repeat(100).getBytes(StandardCharsets.US_ASCII);
        CompletableFuture<byte[]> reader = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = new FileInputStream(fifo.toFile())) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        try (RotatingFileLog log = RotatingFileLog.open(fifo, 10, 3, false)) {
            assertThat(log.rotates()).isFalse();
            for (int i = 0; i < expected.length; i += 10) {
                log.write(expected, i, 10);
            }
            log.clear(); // must not delete the FIFO
            assertThat(log.rotations()).isZero();
        }
        assertThat(reader.get()).isEqualTo(expected);
        assertThat(Files.isRegularFile(fifo)).isFalse();
        assertThat(fifo).exists();
        assertThat(numbered(fifo, 1)).doesNotExist();
    }

    @Test
    void devNullAndStdoutNamesDoNotRotate() throws IOException {
        try (RotatingFileLog log = RotatingFileLog.open(Path.of("/dev/null"), 1, 10, false)) {
            assertThat(log.rotates()).isFalse();
            log.write(new byte[100]);
            log.write(new byte[100]);
            assertThat(log.rotations()).isZero();
        }
        assertThat(RotatingFileLog.isSpecial(Path.of("/dev/stdout"))).isTrue();
        assertThat(RotatingFileLog.isSpecial(Path.of("/dev/fd/1"))).isTrue();
        assertThat(RotatingFileLog.isSpecial(Path.of("/proc/self/fd/2"))).isTrue();
        assertThat(RotatingFileLog.isSpecial(dir.resolve("regular.log"))).isFalse();
    }

    @Test
    void reopenFollowsAnExternalRename() throws IOException {
        Path f = dir.resolve("r.log");
        try (RotatingFileLog log = RotatingFileLog.open(f, 0, 0, false)) {
            log.write("one\n".getBytes(StandardCharsets.US_ASCII));
            Files.move(f, dir.resolve("r.log.old"));
            log.write("two\n".getBytes(StandardCharsets.US_ASCII)); // still the old file
            log.reopen();
            log.write("three\n".getBytes(StandardCharsets.US_ASCII));
        }
        assertThat(Files.readString(dir.resolve("r.log.old"))).isEqualTo("one\ntwo\n");
        assertThat(Files.readString(f)).isEqualTo("three\n");
    }

    @Test
    void clearRemovesAndReopens() throws IOException {
        Path f = dir.resolve("c.log");
        try (RotatingFileLog log = RotatingFileLog.open(f, 10, 2, false)) {
            log.write("0123456789abc".getBytes(StandardCharsets.US_ASCII));
            log.write("old".getBytes(StandardCharsets.US_ASCII));
            log.clear();
            assertThat(f).exists();
            assertThat(Files.size(f)).isZero();
            log.write("new".getBytes(StandardCharsets.US_ASCII));
        }
        assertThat(Files.readString(f)).isEqualTo("new");
        assertThat(numbered(f, 1)).exists(); // rotated copies are left alone
    }

    @Test
    void clearOfAClosedLogLeavesAnEmptyFile() throws IOException {
        Path f = dir.resolve("cc.log");
        RotatingFileLog log = RotatingFileLog.open(f, 0, 0, false);
        log.write("data".getBytes(StandardCharsets.US_ASCII));
        log.close();
        log.write("ignored".getBytes(StandardCharsets.US_ASCII));
        assertThat(Files.readString(f)).isEqualTo("data");
        log.clear();
        assertThat(Files.size(f)).isZero();
    }

    @Test
    void autoLogsStayPrivateAcrossRotationAndClear() throws IOException {
        Path f = dir.resolve("auto.log");
        try (RotatingFileLog log = RotatingFileLog.open(f, 10, 2, true)) {
            assertThat(mode(f)).isEqualTo("rw-------");
            log.write(new byte[12]);
            assertThat(mode(f)).isEqualTo("rw-------");
            assertThat(mode(numbered(f, 1))).isEqualTo("rw-------");
            log.clear();
            assertThat(mode(f)).isEqualTo("rw-------");
        }
    }

    @Test
    void writesRecoverAfterAFailedReopen() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("sub"));
        Path f = sub.resolve("x.log");
        try (RotatingFileLog log = RotatingFileLog.open(f, 0, 0, false)) {
            Files.delete(f);
            Files.delete(sub);
            org.assertj.core.api.Assertions.assertThatThrownBy(log::reopen).isInstanceOf(IOException.class);
            Files.createDirectory(sub);
            log.write("back".getBytes(StandardCharsets.US_ASCII));
        }
        assertThat(Files.readString(f)).isEqualTo("back");
    }

    @Test
    void concurrentWritersAndRotationLoseNothing() throws Exception {
        Path f = dir.resolve("cw.log");
        int threads = 4;
        int lines = 2000;
        try (RotatingFileLog log = RotatingFileLog.open(f, 4096, 1000, false)) {
            CompletableFuture<?>[] all = new CompletableFuture<?>[threads];
            for (int t = 0; t < threads; t++) {
                int id = t;
                all[t] = CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < lines; i++) {
                        try {
                            log.write(("t" + id + " " + i + "\n").getBytes(StandardCharsets.US_ASCII));
                        } catch (IOException e) {
                            throw new RuntimeException(e);
                        }
                    }
                });
            }
            CompletableFuture.allOf(all).get();
        }
        StringBuilder sb = new StringBuilder();
        int n = 1;
        while (Files.exists(numbered(f, n))) {
            n++;
        }
        for (int i = n - 1; i >= 1; i--) {
            sb.append(Files.readString(numbered(f, i)));
        }
        sb.append(Files.readString(f));
        String[] got = sb.toString().split("\n");
        assertThat(got).hasSize(threads * lines);
        int[] next = new int[threads];
        for (String line : got) {
            String[] p = line.split(" ");
            int t = Integer.parseInt(p[0].substring(1));
            assertThat(Integer.parseInt(p[1])).isEqualTo(next[t]++);
        }
    }

    private static Path numbered(Path f, int i) {
        return Path.of(f + "." + i);
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
