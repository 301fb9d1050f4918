package io.kupervisor.core.config.dialect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

class FnMatchTest {

    private static final JsonNode FILE = Vectors.load("fnmatch.json");

    @TestFactory
    Stream<DynamicTest> fnmatchcaseMatchesPython() {
        List<String> defaultNames = Vectors.strings(FILE.get("names"));
        return Vectors.stream(FILE.get("vectors")).map(v -> dynamicTest(Vectors.name(v.get("pattern").asText()), () -> {
            List<String> names = v.has("names") ? Vectors.strings(v.get("names")) : defaultNames;
            FnMatch matcher = FnMatch.compile(v.get("pattern").asText());
            assertThat(names.stream().filter(matcher::matches).toList()).isEqualTo(Vectors.strings(v.get("matches")));
        }));
    }
}
