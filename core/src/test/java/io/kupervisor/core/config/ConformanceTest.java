package io.kupervisor.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Every case under {@code src/test/resources/conformance/cases} is parsed by kupervisor and
 * compared, field by field, with what supervisord 4.2.5 itself parsed from the same files
 * ({@code expected.json}, written by {@code tools/conformance/regenerate.sh} from supervisord's
 * own code). Same accept/reject decision, same error text, same values.
 */
class ConformanceTest {
    static final Path CASES = Path.of(System.getProperty("conformance.cases", "src/test/resources/conformance/cases"));
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path scratch;

    static List<Path> cases() throws IOException {
        try (Stream<Path> s = Files.list(CASES)) {
            return s.filter(p -> Files.isRegularFile(p.resolve("expected.json"))).sorted().toList();
        }
    }

    @Test
    void theCorpusAndTheOwnCasesAreAllThere() throws IOException {
        List<Path> all = cases();
        long corpus = all.stream().filter(p -> p.getFileName().toString().startsWith("corpus-")).count();
        assertThat(corpus).as("corpus cases").isGreaterThanOrEqualTo(15);
        assertThat(all.size() - corpus).as("own cases").isGreaterThanOrEqualTo(60);
    }

    @TestFactory
    Stream<DynamicTest> kupervisorReadsEachCaseAsSupervisordDoes() throws IOException {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.getFileName().toString(), () -> check(c)));
    }

    private void check(Path caseDir) throws IOException {
        Path copy = scratch.resolve(caseDir.getFileName().toString());
        copyTree(caseDir, copy);
        Properties props = new Properties();
        Path propsFile = caseDir.resolve("case.properties");
        if (Files.exists(propsFile)) {
            try (Reader r = Files.newBufferedReader(propsFile)) {
                props.load(r);
            }
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/bin:/bin");
        env.put("HOME", "/root");
        env.put("LC_CTYPE", "C.UTF-8");
        for (String name : props.stringPropertyNames()) {
            if (name.startsWith("env.")) {
                env.put(name.substring(4), props.getProperty(name));
            }
        }
        boolean relaxed = !"false".equals(props.getProperty("relaxed", "true"));
        HostEnvironment host = new HostEnvironment(env, "kupervisor-host", copy, HostChecks.strict(copy));
        if (relaxed) {
            host = host.relaxed();
        }

        String actualText;
        try {
            SupervisorConfig config = new ConfigLoader(host).read(copy.resolve("supervisord.conf"));
            actualText = ConfigJson.write(config);
        } catch (ConfigException e) {
            actualText = JsonWriter.write(Map.of("error", e.supervisordMessage()));
        }
        actualText = actualText.replace(copy.toString(), "@CASE@");
        JsonNode actual = JSON.readTree(actualText);
        JsonNode expected = JSON.readTree(caseDir.resolve("expected.json").toFile());

        if (expected.has("error")) {
            assertThat(actual.has("error"))
                    .as("supervisord refuses this config (%s) but kupervisor accepted it", expected.get("error").asText())
                    .isTrue();
            assertThat(actual.get("error").asText()).isEqualTo(expected.get("error").asText());
            return;
        }
        if (actual.has("error")) {
            fail("supervisord accepts this config but kupervisor refused it: " + actual.get("error").asText());
        }
        List<String> differences = new ArrayList<>();
        compare("", expected, actual, differences);
        assertThat(differences).as("fields that differ from supervisord's parse").isEmpty();
    }

    /** Every field supervisord reports must be equal; kupervisor's extra fields are not compared here. */
    static void compare(String path, JsonNode expected, JsonNode actual, List<String> differences) {
        if (expected.isObject()) {
            if (!actual.isObject()) {
                differences.add(path + ": expected an object, got " + actual);
                return;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = expected.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode a = actual.get(e.getKey());
                if (a == null) {
                    differences.add(path + "/" + e.getKey() + ": missing (supervisord: " + e.getValue() + ")");
                } else {
                    compare(path + "/" + e.getKey(), e.getValue(), a, differences);
                }
            }
        } else if (expected.isArray()) {
            if (!actual.isArray() || actual.size() != expected.size()) {
                differences.add(path + ": supervisord " + expected + ", kupervisor " + actual);
                return;
            }
            for (int i = 0; i < expected.size(); i++) {
                compare(path + "[" + i + "]", expected.get(i), actual.get(i), differences);
            }
        } else if (expected.isNumber() && actual.isNumber()) {
            if (expected.decimalValue().compareTo(actual.decimalValue()) != 0) {
                differences.add(path + ": supervisord " + expected + ", kupervisor " + actual);
            }
        } else if (!expected.equals(actual)) {
            differences.add(path + ": supervisord " + expected + ", kupervisor " + actual);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
