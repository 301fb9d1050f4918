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
        Thread tail = Thread.ofPlatform().start(() -> Main.run("tail", "-F", "-n", "0", log.toString()));
        try {
            // -n 0 starts at the end of what exists at the first look: start writing after it
            await().atMost(Duration.ofSeconds(10)).until(() -> TailCommand.stop != null);
            Thread.sleep(200);
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
}
