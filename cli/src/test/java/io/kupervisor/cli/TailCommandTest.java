package io.kupervisor.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code kupervisor tail -F}, the log sidecar: every line once, in order, across many rotations. */
class TailCommandTest {
    @TempDir
    Path dir;

    @Test
    void followsAFileRotatedManyTimesWithoutLosingOrRepeatingALine() throws Exception {
        Path log = dir.resolve("app.log");
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        TailCommand.stop = null;
        // +1: whether the follower's first look comes before or after the first lines, it starts with them
        Thread tail = Thread.ofPlatform().start(() -> Main.run("tail", "-F", "-n", "+1", log.toString()));
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> TailCommand.stop != null);
            int total = 3000;
            // supervisord-style rotation every 100 lines (f.1 -> f.2 ..., f -> f.1), 40 backups kept
            for (int i = 0; i < total; i++) {
                Files.writeString(log, "line " + i + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                if (i % 100 == 99) {
                    for (int b = 40; b >= 1; b--) {
                        Path from = b == 1 ? log : Path.of(log + "." + (b - 1));
                        if (Files.exists(from)) {
                            Files.move(from, Path.of(log + "." + b), StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                }
                if (i % 250 == 0) {
                    Thread.sleep(30); // let the follower see some rotations one at a time and some in bunches
                }
            }
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                expected.add("line " + i);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> captured.toString(StandardCharsets.UTF_8).lines().count() >= total);
            assertThat(captured.toString(StandardCharsets.UTF_8).lines().toList()).isEqualTo(expected);
        } finally {
            TailCommand.stop.countDown();
            tail.join(5000);
            System.setOut(old);
        }
    }

    @Test
    void withoutFollowItPrintsTheLastLinesAndExits() throws IOException {
        Path log = dir.resolve("short.log");
        Files.writeString(log, "a\nb\nc\nd\n");
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.run("tail", "-n", "2", log.toString())).isZero();
        } finally {
            System.setOut(old);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).isEqualTo("c\nd\n");
    }

    @Test
    void aMissingFileWithoutFollowIsAnError() {
        assertThat(Main.run("tail", dir.resolve("nope").toString())).isEqualTo(1);
    }

    @Test
    void countsAreReadAsGnuTailReadsThem() throws Exception {
        Path file = dir.resolve("numbers.log");
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= 40; i++) {
            text.append("line ").append(i).append('\n');
        }
        text.append("no newline at the end");
        Files.writeString(file, text);
        List<List<String>> cases = List.of(List.of(), List.of("-n", "3"), List.of("-n", "+3"), List.of("-n", "-3"),
                List.of("-3"), List.of("--lines=+38"), List.of("-n", "+1"), List.of("-n", "0"), List.of("-n", "+100"),
                List.of("-c", "7"), List.of("-c", "+7"), List.of("-c", "-7"), List.of("--bytes=+400"),
                List.of("-c", "1K"), List.of("-n", "1K"));
        for (List<String> args : cases) {
            List<String> gnu = new ArrayList<>(List.of("/usr/bin/tail"));
            gnu.addAll(args);
            gnu.add(file.toString());
            Process p = new ProcessBuilder(gnu).redirectErrorStream(true).start();
            String expected = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as("GNU " + gnu).isZero();
            List<String> ours = new ArrayList<>(List.of("tail"));
            ours.addAll(args);
            ours.add(file.toString());
            CliRun run = CliRun.of(ours.toArray(String[]::new));
            assertThat(run.exit()).as(String.join(" ", ours) + ": " + run.err()).isZero();
            assertThat(run.out()).as(String.join(" ", ours)).isEqualTo(expected);
        }
    }

    @Test
    void badCountsAreUsageErrors() throws Exception {
        Path file = dir.resolve("x.log");
        Files.writeString(file, "x\n");
        CliRun bad = CliRun.of("tail", "-n", "ten", file.toString());
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).startsWith("kupervisor tail: invalid number of lines: 'ten'");
        CliRun both = CliRun.of("tail", "-n", "1", "-c", "2", file.toString());
        assertThat(both.exit()).isEqualTo(2);
        CliRun missing = CliRun.of("tail", dir.resolve("none.log").toString());
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("No such file or directory");
    }
}
