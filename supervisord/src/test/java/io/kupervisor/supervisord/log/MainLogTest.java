package io.kupervisor.supervisord.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kupervisor.core.config.LogLevel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainLogTest {

    /** 2026-11-24 21:04:52.652999 in Europe/Paris (UTC+1 in November). */
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T20:04:52.652999Z"), ZoneOffset.UTC);
    static final ZoneId PARIS = ZoneId.of("Europe/Paris");

    @TempDir
    Path dir;

    @Test
    void lineFormatIsSupervisords() throws IOException {
        Path f = dir.resolve("supervisord.log");
        try (MainLog log = MainLog.open(f.toString(), 0, 0, LogLevel.INFO, null, PARIS, CLOCK)) {
            log.info("spawned: 'exit0after2' with pid 7347");
            log.critical("Supervisor is running as root.");
            log.warn("multi\nline");
            log.error("e");
        }
        assertThat(Files.readString(f)).isEqualTo("""
                2026-11-24 21:04:52,652 INFO spawned: 'exit0after2' with pid 7347
                2026-11-24 21:04:52,652 CRIT Supervisor is running as root.
                2026-11-24 21:04:52,652 WARN multi
                line
                2026-11-24 21:04:52,652 ERRO e
                """);
    }

    @Test
    void fieldsArePadded() throws IOException {
        Clock early = Clock.fixed(Instant.parse("2026-01-02T03:04:05.006Z"), ZoneOffset.UTC);
        Path f = dir.resolve("pad.log");
        try (MainLog log = MainLog.open(f.toString(), 0, 0, LogLevel.INFO, null, ZoneOffset.UTC, early)) {
            log.info("x");
        }
        assertThat(Files.readString(f)).isEqualTo("2026-01-02 03:04:05,006 INFO x\n");
    }

    @Test
    void levelsBelowTheConfiguredOneAreDropped() throws IOException {
        Path f = dir.resolve("lvl.log");
        try (MainLog log = MainLog.open(f.toString(), 0, 0, LogLevel.WARN, null, ZoneOffset.UTC, CLOCK)) {
            for (LogLevel l : LogLevel.values()) {
                log.log(l, l.name());
            }
            assertThat(log.isEnabledFor(LogLevel.INFO)).isFalse();
            assertThat(log.isEnabledFor(LogLevel.CRITICAL)).isTrue();
        }
        assertThat(Files.readAllLines(f)).extracting(l -> l.substring(24))
                .containsExactly("CRIT CRITICAL", "ERRO ERROR", "WARN WARN");
        Path all = dir.resolve("all.log");
        try (MainLog log = MainLog.open(all.toString(), 0, 0, LogLevel.BLATHER, null, ZoneOffset.UTC, CLOCK)) {
            for (LogLevel l : LogLevel.values()) {
                log.log(l, "m");
            }
        }
        assertThat(Files.readAllLines(all)).extracting(l -> l.substring(24, 28))
                .containsExactly("CRIT", "ERRO", "WARN", "INFO", "DEBG", "TRAC", "BLAT");
    }

    @Test
    void echoGetsTheSameLines() throws IOException {
        Path f = dir.resolve("echo.log");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        try (MainLog log = MainLog.open(f.toString(), 0, 0, LogLevel.INFO, stdout, PARIS, CLOCK)) {
            log.info("supervisord started with pid 1");
            log.debug("hidden");
        }
        assertThat(stdout.toString(StandardCharsets.UTF_8))
                .isEqualTo("2026-11-24 21:04:52,652 INFO supervisord started with pid 1\n")
                .isEqualTo(Files.readString(f));
    }

    @Test
    void childOutputAtDebugLevel() throws IOException {
        Path f = dir.resolve("debug.log");
        try (MainLog log = MainLog.open(f.toString(), 0, 0, LogLevel.DEBUG, null, ZoneOffset.UTC, CLOCK)) {
            log.logChildOutput("cat", "stdout", "hello\n".getBytes(StandardCharsets.UTF_8));
            log.logChildOutput("o'k", "stderr", "caf\u00e9".getBytes(StandardCharsets.UTF_8));
            log.logChildOutput("bin", "stdout", new byte[] {(byte) 0xff, 'a', '\n', '\'', '"'});
            log.logChildOutput("empty", "stdout", new byte[0]);
        }
        assertThat(Files.readString(f)).isEqualTo("""
                2026-11-24 20:04:52,652 DEBG 'cat' stdout output:
                hello

                2026-11-24 20:04:52,652 DEBG "o'k" stderr output:
                caf\u00e9
                2026-11-24 20:04:52,652 DEBG 'bin' stdout output:
                Undecodable: b'\\xffa\\n\\'"'
                """);
        Path info = dir.resolve("info.log");
        try (MainLog log = MainLog.open(info.toString(), 0, 0, LogLevel.INFO, null, ZoneOffset.UTC, CLOCK)) {
            log.logChildOutput("cat", "stdout", "hello\n".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(Files.size(info)).isZero();
    }

    @Test
    void bytesReprIsPythons() {
        assertThat(MainLog.bytesRepr(new byte[] {(byte) 0xff, 'a', 'b', '\n', '\t', 0, 0x7f, '\\'}))
                .isEqualTo("b'\\xffab\\n\\t\\x00\\x7f\\\\'");
        assertThat(MainLog.bytesRepr("it's".getBytes(StandardCharsets.US_ASCII))).isEqualTo("b\"it's\"");
        assertThat(MainLog.bytesRepr("it's \"q\"".getBytes(StandardCharsets.US_ASCII))).isEqualTo("b'it\\'s \"q\"'");
    }

    @Test
    void mainLogRotatesLikeChildLogs() throws IOException {
        Path f = dir.resolve("rot.log");
        try (MainLog log = MainLog.open(f.toString(), 100, 3, LogLevel.INFO, null, ZoneOffset.UTC, CLOCK)) {
            for (int i = 0; i < 10; i++) {
                log.info("message number " + i);
            }
        }
        StringBuilder all = new StringBuilder();
        for (int i = 3; i >= 1; i--) {
            Path p = Path.of(f + "." + i);
            if (Files.exists(p)) {
                assertThat(Files.size(p)).isGreaterThanOrEqualTo(100);
                all.append(Files.readString(p));
            }
        }
        all.append(Files.readString(f));
        assertThat(all.toString()).endsWith("INFO message number 9\n");
        assertThat(Path.of(f + ".4")).doesNotExist();
    }

    @Test
    void reopenLogsToTheOldFileThenReopens() throws IOException {
        Path f = dir.resolve("reopen.log");
        Path old = dir.resolve("reopen.log.old");
        try (MainLog log = MainLog.open(f.toString(), 0, 0, LogLevel.INFO, null, ZoneOffset.UTC, CLOCK)) {
            log.info("before");
            Files.move(f, old);
            log.reopen();
            log.info("after");
        }
        assertThat(Files.readString(old)).contains("INFO before\n").endsWith("INFO supervisord logreopen\n");
        assertThat(Files.readString(f)).isEqualTo("2026-11-24 20:04:52,652 INFO after\n");
    }

    @Test
    void clearEmptiesTheFileAndEchoesReopeningPerHandler() throws IOException {
        Path f = dir.resolve("clear.log");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        try (MainLog log = MainLog.open(f.toString(), 0, 0, LogLevel.INFO, stdout, ZoneOffset.UTC, CLOCK)) {
            log.info("old");
            log.clear();
            assertThat(Files.size(f)).isZero();
            log.info("new");
        }
        assertThat(Files.readString(f)).isEqualTo("2026-11-24 20:04:52,652 INFO new\n");
        assertThat(stdout.toString(StandardCharsets.UTF_8)).isEqualTo("""
                2026-11-24 20:04:52,652 INFO old
                2026-11-24 20:04:52,652 INFO reopening log file
                2026-11-24 20:04:52,652 INFO reopening log file
                2026-11-24 20:04:52,652 INFO new
                """);
    }

    @Test
    void clearWithoutAFileIsNoFile() throws IOException {
        Path f = dir.resolve("gone.log");
        try (MainLog log = MainLog.open(f.toString(), 0, 0, LogLevel.INFO, null, ZoneOffset.UTC, CLOCK)) {
            Files.delete(f);
            assertThatThrownBy(log::clear).isInstanceOf(NoSuchFileException.class);
        }
    }

    @Test
    void syslogGoesToStdoutOnlyAndSaysSo() throws IOException {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        try (MainLog log = MainLog.open("syslog", 1000, 3, LogLevel.INFO, stdout, ZoneOffset.UTC, CLOCK)) {
            assertThat(log.path()).isNull();
            log.info("hello");
            assertThatThrownBy(log::clear).isInstanceOf(NoSuchFileException.class);
        }
        assertThat(stdout.toString(StandardCharsets.UTF_8)).isEqualTo(
                "2026-11-24 20:04:52,652 WARN " + MainLog.SYSLOG_WARNING + "\n"
                        + "2026-11-24 20:04:52,652 INFO hello\n");
        assertThat(dir.resolve("syslog")).doesNotExist();
    }

    @Test
    void recordsFromManyThreadsStayWhole() throws Exception {
        Path f = dir.resolve("mt.log");
        try (MainLog log = MainLog.open(f.toString(), 2000, 100, LogLevel.INFO, null, ZoneOffset.UTC, CLOCK)) {
            CompletableFuture<?>[] all = new CompletableFuture<?>[4];
            for (int t = 0; t < all.length; t++) {
                int id = t;
                all[t] = CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < 500; i++) {
                        log.info("thread " + id + " record " + i);
                    }
                });
            }
            CompletableFuture.allOf(all).get();
        }
        long lines = 0;
        for (Path p : Files.list(dir).toList()) {
            for (String line : Files.readAllLines(p)) {
                assertThat(line).matches("2026-11-24 20:04:52,652 INFO thread \\d record \\d+");
                lines++;
            }
        }
        assertThat(lines).isEqualTo(2000);
    }
}
