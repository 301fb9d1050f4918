package io.kupervisor.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's example: examples/timeit runs under kupervisor supervisord as it does under
 * Debian's supervisord 4.2.5 — the same lifecycle lines in the main log, the same output in the
 * program's log. Both daemons run the unchanged config, one after the other (it uses /tmp paths).
 */
class TimeitIT {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path CONFIG = ROOT.resolve("examples/timeit/supervisord.conf");
    static final Path MAIN_LOG = Path.of("/tmp/timeit-supervisord.log");
    static final Path OUT_LOG = Path.of("/tmp/timeit.out.log");

    record Observed(List<String> lifecycle, List<String> output, List<String> status, String page) {
    }

    /** The README's second terminal: a status command's output while the daemon runs. */
    private static String statusBy(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
        return out.replaceAll("pid \\d+, uptime \\d+:\\d\\d:\\d\\d", "pid N, uptime T");
    }

    private static Observed run(List<String> command) throws IOException, InterruptedException {
        for (String f : List.of("/tmp/timeit-supervisord.log", "/tmp/timeit.out.log", "/tmp/timeit.err.log",
                "/tmp/timeit-supervisord.pid", "/tmp/timeit-supervisor.sock")) {
            Files.deleteIfExists(Path.of(f));
        }
        Process p = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        List<String> status = new ArrayList<>();
        String body;
        try {
            // startsecs=10: wait for the promotion to RUNNING, then stop the daemon as a container runtime would
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (System.nanoTime() < deadline && !(Files.exists(MAIN_LOG)
                    && Files.readString(MAIN_LOG).contains("success: timeit"))) {
                Thread.sleep(100);
            }
            assertThat(Files.readString(MAIN_LOG)).contains("success: timeit");
            status.add(statusBy(List.of("/usr/bin/supervisorctl", "-c", CONFIG.toString(), "status")));
            status.add(statusBy(List.of(ROOT.resolve("kupervisor").toString(), "ctl", "-c", CONFIG.toString(), "status")));
            var page = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:9001/")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            body = page.body();
        } finally {
            p.destroy();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(p.exitValue()).as(String.join(" ", command)).isZero();
        List<String> lifecycle = new ArrayList<>();
        for (String line : Files.readAllLines(MAIN_LOG)) {
            String msg = line.length() > 24 ? line.substring(24) : line;
            if (msg.contains("timeit") && !msg.contains("Included extra file")) {
                lifecycle.add(msg.replaceAll("pid \\d+", "pid N"));
            }
        }
        return new Observed(lifecycle, Files.readAllLines(OUT_LOG), status, body);
    }

    @Test
    void timeitRunsUnderKupervisorAsUnderSupervisord() throws Exception {
        Observed supervisord;
        Observed kupervisor;
        // the example's paths (/tmp/timeit-*) and port (9001) are fixed: checkouts testing on the same
        // machine at the same time take turns
        try (FileChannel lock = FileChannel.open(Path.of("/tmp/kupervisor-timeit-example.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            lock.lock(); // released when the channel closes
            supervisord = run(List.of("/usr/bin/supervisord", "-c", CONFIG.toString()));
            kupervisor = run(List.of(ROOT.resolve("kupervisor").toString(), "supervisord", "-c", CONFIG.toString()));
        }

        assertThat(supervisord.lifecycle()).containsExactly(
                "INFO spawned: 'timeit' with pid N",
                "INFO success: timeit entered RUNNING state, process has stayed up for > than 10 seconds (startsecs)",
                "INFO waiting for timeit to die",
                "WARN stopped: timeit (terminated by SIGTERM)");
        assertThat(kupervisor.lifecycle()).isEqualTo(supervisord.lifecycle());

        // the README's second terminal: supervisorctl and kupervisor ctl say the same of both daemons
        String running = "timeit                           RUNNING   pid N, uptime T\n";
        assertThat(supervisord.status()).containsExactly(running, running);
        assertThat(kupervisor.status()).containsExactly(running, running);
        // and the web page the README mentions opens on both
        assertThat(supervisord.page()).contains("Supervisor Status", "timeit");
        assertThat(kupervisor.page()).contains("timeit");

        // the program printed a Unix time every 2 seconds under both
        for (Observed o : List.of(supervisord, kupervisor)) {
            assertThat(o.output().size()).isGreaterThanOrEqualTo(5);
            for (int i = 1; i < o.output().size(); i++) {
                long step = Long.parseLong(o.output().get(i)) - Long.parseLong(o.output().get(i - 1));
                assertThat(step).isBetween(1L, 3L);
            }
        }
    }
}
