package io.kupervisor.core.config.dialect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

class PyGlobTest {

    private static final JsonNode FILE = Vectors.load("glob.json");

    /** Builds the generator's tree; expectations are relative to its root. */
    private static void buildTree(Path root) throws IOException {
        for (String d : Vectors.strings(FILE.get("dirs"))) {
            Files.createDirectories(root.resolve(d));
        }
        for (String f : Vectors.strings(FILE.get("files"))) {
            Files.writeString(root.resolve(f), "x");
        }
        for (JsonNode link : FILE.get("symlinks")) {
            Files.createSymbolicLink(root.resolve(link.get(0).asText()), Path.of(link.get(1).asText()));
        }
    }

    @TestFactory
    Stream<DynamicTest> globMatchesPython(@TempDir Path tmp) throws IOException {
        Path root = tmp.toRealPath();
        buildTree(root);
        String prefix = root + "/";
        return Vectors.stream(FILE.get("vectors")).map(v -> dynamicTest(Vectors.name(v.get("pattern").asText()), () -> {
            List<String> actual = PyGlob.glob(prefix + v.get("pattern").asText()).stream()
                    .map(p -> {
                        assertThat(p).startsWith(prefix);
                        return p.substring(prefix.length());
                    })
                    .sorted()
                    .toList();
            assertThat(actual).isEqualTo(Vectors.strings(v.get("matches")));
        }));
    }

    @Test
    void relativePatternsListTheWorkingDirectory() {
        // Surefire runs in the module directory, which holds pom.xml.
        assertThat(PyGlob.glob("pom.x?l")).containsExactly("pom.xml");
        assertThat(PyGlob.glob("pom.xml")).containsExactly("pom.xml");
        assertThat(PyGlob.glob("./pom.[x]ml")).containsExactly("./pom.xml");
        assertThat(PyGlob.glob("no-such-file-*")).isEmpty();
    }

    @Test
    void posixPathHelpers() {
        assertThat(PyGlob.split("a//b")).containsExactly("a", "b");
        assertThat(PyGlob.split("//x")).containsExactly("//", "x");
        assertThat(PyGlob.split("x")).containsExactly("", "x");
        assertThat(PyGlob.join("a", "")).isEqualTo("a/");
        assertThat(PyGlob.join("/", "b")).isEqualTo("/b");
    }
}
