package io.kupervisor.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The in-pod manifests under examples/ are what {@code examples/generate.sh} makes today. */
class ExamplesTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void committedInPodExamplesMatchWhatMigrateGenerates() throws IOException {
        String script = Files.readString(ROOT.resolve("examples/generate.sh")).replace("\\\n", " ");
        List<List<String>> commands = new ArrayList<>();
        for (String line : script.split("\n")) {
            if (line.startsWith("./kupervisor migrate ")) {
                commands.add(List.of(line.substring("./kupervisor ".length()).trim().split("\\s+")));
            }
        }
        assertThat(commands).hasSize(2);
        for (List<String> command : commands) {
            List<String> args = new ArrayList<>();
            Path committed = null;
            Path generated = dir.resolve("out-" + commands.indexOf(command));
            for (int i = 0; i < command.size(); i++) {
                String a = command.get(i);
                boolean pathArg = i > 0 && List.of("-c", "--add-file").contains(command.get(i - 1));
                if (i > 0 && command.get(i - 1).equals("-o")) {
                    committed = ROOT.resolve(a);
                    args.add(generated.toString());
                } else {
                    args.add(pathArg ? ROOT.resolve(a).toString() : a);
                }
            }
            PrintStream old = System.out;
            System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            try {
                assertThat(Main.run(args.toArray(String[]::new))).isZero();
            } finally {
                System.setOut(old);
            }
            try (Stream<Path> mine = Files.list(committed); Stream<Path> theirs = Files.list(generated)) {
                assertThat(mine.map(p -> p.getFileName().toString()).sorted().toList())
                        .as("files in %s: run examples/generate.sh", committed)
                        .isEqualTo(theirs.map(p -> p.getFileName().toString()).sorted().toList());
            }
            try (Stream<Path> files = Files.list(committed)) {
                for (Path f : files.toList()) {
                    assertThat(Files.readString(generated.resolve(f.getFileName())))
                            .as("%s is stale: run examples/generate.sh", f).isEqualTo(Files.readString(f));
                }
            }
        }
    }
}
