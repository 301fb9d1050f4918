package io.kupervisor.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    record Observed(List<String> lifecycle, List<String> output) {
    }

    private static Observed run(List<String> command) throws IOException, InterruptedException {
        for (String f : List.of("/tmp/timeit-supervisord.log", "/tmp/timeit.out.log", "/tmp/timeit.err.log",
                "/tmp/timeit-supervisord.pid", "/tmp/timeit-supervisor.sock")) {
            Files.deleteIfExists(Path.of(f));
        }
        Process p = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            // startsecs=10: wait for the promotion to RUNNING, then stop the daemon as a container runtime would
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline && !(Files.exists(MAIN_LOG)
                    && Files.readString(MAIN_LOG).contains("success: timeit"))) {
                Thread.sleep(100);
            }
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
        return new Observed(lifecycle, Files.readAllLines(OUT_LOG));
    }

    @Test
    void timeitRunsUnderKupervisorAsUnderSupervisord() throws Exception {
        Observed supervisord = run(List.of("/usr/bin/supervisord", "-c", CONFIG.toString()));
        Observed kupervisor = run(List.of(ROOT.resolve("kupervisor").toString(), "supervisord", "-c", CONFIG.toString()));

        assertThat(supervisord.lifecycle()).containsExactly(
                "INFO spawned: 'timeit' with pid N",
                "INFO success: timeit entered RUNNING state, process has stayed up for > than 10 seconds (startsecs)",
                "INFO waiting for timeit to die",
                "WARN stopped: timeit (terminated by SIGTERM)");
        assertThat(kupervisor.lifecycle()).isEqualTo(supervisord.lifecycle());

        // the program printed a Unix time every 2 seconds under both
        for (Observed o : List.of(supervisord, kupervisor)) {
            assertThat(o.output().size()).isBetween(5, 8);
            for (int i = 1; i < o.output().size(); i++) {
                long step = Long.parseLong(o.output().get(i)) - Long.parseLong(o.output().get(i - 1));
                assertThat(step).isBetween(1L, 3L);
            }
        }
    }
}
