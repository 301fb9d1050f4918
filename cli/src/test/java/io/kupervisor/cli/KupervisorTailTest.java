package io.kupervisor.cli;

import io.kupervisor.supervisord.log.RotatingFileLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * kupervisor-tail (tail/kupervisor-tail.c), the log sidecar of in-pod mode, with real processes:
 * built by tail/build.sh as the Dockerfile builds it, fed by Debian's supervisord 4.2.5 and by the
 * daemon's own {@link RotatingFileLog}, its output compared byte for byte with what was written.
 */
class KupervisorTailTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static Path tail;

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    @BeforeAll
    static void build() throws Exception {
        tail = ROOT.resolve("cli/target/kupervisor-tail");
        Process p = new ProcessBuilder(ROOT.resolve("tail/build.sh").toString(), tail.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("tail/build.sh: %s", out).isZero();
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        for (Process p : processes) {
            p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly); // a sidecar under strace
            p.destroyForcibly();
            p.waitFor(20, TimeUnit.SECONDS);
        }
    }

    private Process start(Path out, Path err, Object... command) throws IOException {
        List<String> args = new ArrayList<>();
        for (Object c : command) {
            args.add(c.toString());
        }
        Process p = new ProcessBuilder(args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        processes.add(p);
        return p;
    }

    /** Lines {@code from} (inclusive) to {@code to} (exclusive) of the stream every writer here writes. */
    private static byte[] lines(int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            sb.append("line ").append(i).append(' ').append("x".repeat(i % 97)).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }

    private static String text(Path p) throws IOException {
        return Files.exists(p) ? Files.readString(p) : "";
    }

    /** The first offset where two byte arrays differ, for a readable failure. */
    private static void assertSameBytes(byte[] actual, byte[] expected, String what) {
        int i = Arrays.mismatch(actual, expected);
        assertThat(i).as("%s: %d bytes against %d written, first difference at byte %d", what, actual.length,
                expected.length, i).isEqualTo(-1);
    }

    @Test
    void everyByteSupervisordWritesReachesTheSidecarAcrossItsRotations() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Path log = logs.resolve("writer.log");
        Path writer = dir.resolve("writer.py");
        int count = 60_000;
        Files.writeString(writer, """
                import sys
                out = sys.stdout.buffer
                for i in range(int(sys.argv[1])):
                    out.write(b"line %d %s\\n" % (i, b"x" * (i % 97)))
                    out.flush()
                """);
        // 4 KB files and enough backups that none is deleted: a byte missing is the follower's loss
        Path conf = dir.resolve("supervisord.conf");
        Files.writeString(conf, """
                [supervisord]
                nodaemon=true
                logfile=%1$s/supervisord.log
                pidfile=%1$s/supervisord.pid
                childlogdir=%1$s
                [program:writer]
                command=python3 %2$s %3$d
                startsecs=0
                autorestart=false
                stdout_logfile=%4$s
                stdout_logfile_maxbytes=4KB
                stdout_logfile_backups=400
                """.formatted(dir, writer, count, log));
        // the sidecar starts first, as a native sidecar does, and waits for the file
        Process sidecar = start(dir.resolve("sidecar.out"), dir.resolve("sidecar.err"), tail, "--position",
                dir.resolve("position"), log);
        start(dir.resolve("supervisord.out"), dir.resolve("supervisord.err"), "/usr/bin/supervisord", "-c", conf);
        await().atMost(WAIT).until(() -> text(dir.resolve("supervisord.log")).contains("exited: writer (exit status 0;"));
        byte[] expected = lines(0, count);
        await().atMost(WAIT).until(() -> size(dir.resolve("sidecar.out")) >= expected.length);
        assertSameBytes(Files.readAllBytes(dir.resolve("sidecar.out")), expected, "the sidecar's output");
        // the rotations the follower went through, and it said nothing about them
        try (var names = Files.list(logs)) {
            assertThat(names.filter(p -> p.getFileName().toString().startsWith("writer.log.")).count())
                    .isGreaterThan(20);
        }
        assertThat(text(dir.resolve("sidecar.err"))).isEmpty();
        assertThat(sidecar.isAlive()).isTrue();
    }

    private static int write(RotatingFileLog log, ByteArrayOutputStream written, int from, int count)
            throws IOException {
        byte[] data = lines(from, from + count);
        // in pieces, as a program's output arrives
        for (int off = 0; off < data.length; off += 700) {
            log.write(data, off, Math.min(700, data.length - off));
        }
        written.write(data);
        return from + count;
    }

    @Test
    void aRestartedSidecarGoesOnWhereTheLastOneStopped() throws Exception {
        Path log = dir.resolve("app.log");
        Path position = Files.createDirectories(dir.resolve("positions")).resolve("app");
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        List<Path> outputs = new ArrayList<>();
        List<Boolean> killed = new ArrayList<>();
        // the daemon's own rotation (2 KB files, none deleted), written while a sidecar runs and while none does
        try (RotatingFileLog w = RotatingFileLog.open(log, 2048, 1000, false)) {
            int next = 0;
            for (int round = 0; round < 6; round++) {
                Path out = dir.resolve("out-" + round);
                outputs.add(out);
                Process p = start(out, dir.resolve("err-" + round), tail, "--position", position, log);
                // the first one starts at the file's first byte: it must be looking before the first rotation
                next = write(w, written, next, round == 0 ? 1 : 100);
                await().atMost(WAIT).until(() -> size(out) > 0); // it runs
                next = write(w, written, next, 300);
                boolean kill = round % 2 == 1;
                killed.add(kill);
                if (kill) {
                    int total = written.size();
                    await().atMost(WAIT).until(() -> endsWith(out, written.toByteArray(), total));
                    p.destroyForcibly();
                    p.waitFor(20, TimeUnit.SECONDS);
                } else {
                    // SIGTERM as the kubelet stops a sidecar: what was written before is out before it exits
                    p.destroy();
                    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
                    assertThat(p.exitValue()).isZero();
                }
                next = write(w, written, next, 300); // rotations while no sidecar runs
            }
            Path last = dir.resolve("out-last");
            outputs.add(last);
            killed.add(false);
            start(last, dir.resolve("err-last"), tail, "--position", position, log);
            int total = written.size();
            await().atMost(WAIT).until(() -> endsWith(last, written.toByteArray(), total));
        }
        byte[] all = written.toByteArray();
        int end = 0;
        for (int i = 0; i < outputs.size(); i++) {
            byte[] out = Files.readAllBytes(outputs.get(i));
            int from = end;
            if (i > 0 && killed.get(i - 1)) {
                // a SIGKILL between a write and its record repeats that write (at most 64 KiB), never skips
                from = -1;
                for (int s = end; s >= Math.max(0, end - 65536) && from < 0; s--) {
                    if (s + out.length <= all.length && Arrays.equals(out, 0, out.length, all, s, s + out.length)) {
                        from = s;
                    }
                }
                assertThat(from).as("sidecar %d starts within the last write of the one killed before it", i)
                        .isNotNegative();
            }
            assertSameBytes(out, Arrays.copyOfRange(all, from, Math.min(all.length, from + out.length)),
                    "sidecar " + i + " (from byte " + from + ")");
            end = from + out.length;
            if (!killed.get(i)) {
                assertThat(text(dir.resolve(i == outputs.size() - 1 ? "err-last" : "err-" + i))).isEmpty();
            }
        }
        assertThat(end).as("the last sidecar's end").isEqualTo(all.length);
    }

    /**
     * A sidecar that starts while the daemon rotates its log: the file the last one stopped in
     * moves to the next backup names between the new one's look at the names and its open (a
     * loaded node deschedules it there). It follows the file instead of taking it as gone, which
     * skipped the rest of it. strace holds the open of that file for 50 ms (the second openat:
     * the first is the position file's) while the log rotates every few lines. (env gives strace
     * default signal actions: under signals ignored by whoever started the tests it stalls.)
     */
    @Test
    void aSidecarStartedWhileTheLogRotatesLosesNothing() throws Exception {
        Path log = dir.resolve("busy.log");
        Path position = dir.resolve("busy.position");
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        List<Path> outputs = new ArrayList<>();
        // 512-byte files and no backup deleted (at most 400 x 3 lines, 140 rotations, a round): a
        // rotation every few lines, a byte missing is the sidecar's loss
        try (RotatingFileLog w = RotatingFileLog.open(log, 512, 3000, false)) {
            // the first sidecar starts before any rotation (a new one starts at the file's first byte)
            Path first = dir.resolve("busy-first");
            outputs.add(first);
            Process p0 = start(first, dir.resolve("busy-first-err"), tail, "--position", position, log);
            int next = write(w, written, 0, 1);
            await().atMost(WAIT).until(() -> size(first) == written.size());
            p0.destroyForcibly();
            p0.waitFor(20, TimeUnit.SECONDS);
            for (int round = 0; round < 6; round++) {
                AtomicBoolean writing = new AtomicBoolean(true);
                int from = next;
                CompletableFuture<Integer> writer = CompletableFuture.supplyAsync(() -> {
                    int n = from;
                    try {
                        for (int batch = 0; batch < 400 && writing.get(); batch++) {
                            n = write(w, written, n, 3);
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    return n;
                });
                Path out = dir.resolve("busy-" + round);
                outputs.add(out);
                Process p = start(out, dir.resolve("busy-err-" + round), "env", "--default-signal", "strace", "-f", "-o", "/dev/null",
                        "-e", "trace=openat", "-e", "inject=openat:delay_enter=50000:when=2", tail, "--position", position, log);
                // it has passed the held open and written what it read (or the writer has done its round)
                await().atMost(WAIT).until(() -> size(out) > 0 || writer.isDone());
                writing.set(false);
                next = writer.get(60, TimeUnit.SECONDS);
                int total = written.size();
                await().atMost(WAIT).until(() -> endsWith(out, written.toByteArray(), total));
                // caught up and idle, so its position is recorded exactly: a SIGKILL repeats nothing
                p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(20, TimeUnit.SECONDS);
            }
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (Path out : outputs) {
            all.write(Files.readAllBytes(out));
        }
        assertSameBytes(all.toByteArray(), written.toByteArray(), "7 sidecars, one after the other");
    }

    private static boolean endsWith(Path out, byte[] written, int total) throws IOException {
        byte[] o = Files.readAllBytes(out);
        int n = Math.min(o.length, 4096);
        return o.length > 0 && Arrays.equals(o, o.length - n, o.length, written, total - n, total);
    }

    @Test
    void aFileItCannotOpenIsSaidOnceAndFollowedOnceItCanBe() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        dir.toFile().setExecutable(true, false);
        Path log = shared.resolve("app.log");
        // write-only for its owner: a sidecar of another user (as in a pod, 65532) cannot read it
        Files.writeString(log, "before\n");
        Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("-w-------"));
        List<Object> command = new ArrayList<>();
        if (root) {
            command.addAll(List.of("setpriv", "--reuid=65532", "--regid=65532", "--clear-groups"));
        }
        command.addAll(List.of(tail, "--position", shared.resolve("position"), log));
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        Process p = start(out, err, command.toArray());
        String denied = "kupervisor-tail: cannot open '" + log + "' for reading: Permission denied\n";
        await().atMost(WAIT).until(() -> text(err).contains(denied));
        // it keeps trying (every second while it cannot read; each try is a wake-up): say three more tries
        long woken = wakeUps(p);
        Files.writeString(log, "during\n", StandardOpenOption.APPEND);
        await().atMost(WAIT).until(() -> wakeUps(p) >= woken + 3);
        assertThat(text(err)).isEqualTo(denied);
        Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("rw-r--r--"));
        await().atMost(WAIT).until(() -> text(out).equals("before\nduring\n"));
        assertThat(text(err)).isEqualTo(denied + "kupervisor-tail: '" + log + "' has become accessible\n");
        Files.writeString(log, "after\n", StandardOpenOption.APPEND);
        await().atMost(WAIT).until(() -> text(out).equals("before\nduring\nafter\n"));
        assertThat(p.isAlive()).isTrue();
    }

    private static long wakeUps(Process p) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + p.pid() + "/status")).stream()
                .filter(l -> l.startsWith("voluntary_ctxt_switches:"))
                .mapToLong(l -> Long.parseLong(l.split("\\s+")[1])).findFirst().orElseThrow();
    }

    @Test
    void whileTheLogIsIdleItSleepsWithoutATimeout() throws Exception {
        Path log = dir.resolve("idle.log");
        Files.writeString(log, "one line\n");
        Path out = dir.resolve("out");
        Process p = start(out, dir.resolve("err"), tail, log);
        await().atMost(WAIT).until(() -> text(out).equals("one line\n"));
        // asleep in poll(2) with no timeout: only a change of the file or a signal wakes it
        // (x86_64: poll, timeout -1; aarch64 has only ppoll, with no timespec)
        String arch = System.getProperty("os.arch");
        await().atMost(WAIT).until(() -> {
            String[] call = Files.readString(Path.of("/proc/" + p.pid() + "/syscall")).strip().split(" ");
            return switch (arch) {
                case "amd64", "x86_64" -> call[0].equals("7") && call[3].equals("0xffffffff");
                case "aarch64" -> call[0].equals("73") && call[3].equals("0x0");
                default -> throw new AssertionError("no syscall numbers for " + arch);
            };
        });
        Files.writeString(log, "two\n", StandardOpenOption.APPEND);
        await().atMost(WAIT).until(() -> text(out).equals("one line\ntwo\n"));
    }

    @Test
    void aTruncatedFileIsReadAgainFromItsStartAndAClearedOneAfterTheRestOfTheOld() throws Exception {
        Path log = dir.resolve("app.log");
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        try (RotatingFileLog w = RotatingFileLog.open(log, 0, 0, false)) {
            w.write("first line of a long file\n".getBytes(StandardCharsets.US_ASCII));
            start(out, err, tail, log);
            await().atMost(WAIT).until(() -> text(out).equals("first line of a long file\n"));
            // copytruncate's way: emptied in place
            try (FileChannel c = FileChannel.open(log, StandardOpenOption.WRITE)) {
                c.truncate(0);
            }
            await().atMost(WAIT).until(() -> text(err).equals("kupervisor-tail: " + log + ": file truncated\n"));
            w.write("short\n".getBytes(StandardCharsets.US_ASCII));
            await().atMost(WAIT).until(() -> text(out).equals("first line of a long file\nshort\n"));
            // supervisorctl clear: the file removed and created again
            w.clear();
            w.write("after clear\n".getBytes(StandardCharsets.US_ASCII));
            await().atMost(WAIT).until(() -> text(out).equals("first line of a long file\nshort\nafter clear\n"));
        }
        assertThat(text(err)).isEqualTo("kupervisor-tail: " + log + ": file truncated\n");
    }

    @Test
    void aMistakenCommandLineIsSaidWithTheUsage() throws Exception {
        for (List<Object> args : List.<List<Object>>of(List.of(), List.of("--follow", "x"), List.of("a", "b"))) {
            List<Object> command = new ArrayList<>(List.of(tail));
            command.addAll(args);
            Process p = start(dir.resolve("out"), dir.resolve("err"), command.toArray());
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("%s", args).isEqualTo(2);
            assertThat(text(dir.resolve("err"))).startsWith("usage: kupervisor-tail [--position STATE] FILE\n");
        }
    }
}
