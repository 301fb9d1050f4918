package io.kupervisor.core.config.dialect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class PyReprTest {

    @TestFactory
    Stream<DynamicTest> reprAndStripMatchPython() {
        return Stream.concat(Vectors.stream(Vectors.load("repr.json")), Vectors.stream(Vectors.load("strip.json")))
                .map(v -> dynamicTest(Vectors.name(v.get("input").asText()), () -> check(v)));
    }

    private static void check(JsonNode v) {
        String in = v.get("input").asText();
        if (v.has("repr")) {
            assertThat(PyRepr.repr(in)).as("repr").isEqualTo(v.get("repr").asText());
            assertThat(PyRepr.ascii(in)).as("ascii").isEqualTo(v.get("ascii").asText());
        }
        assertThat(PyText.strip(in)).as("strip").isEqualTo(v.get("strip").asText());
        assertThat(PyText.lstrip(in)).as("lstrip").isEqualTo(v.get("lstrip").asText());
        assertThat(PyText.rstrip(in)).as("rstrip").isEqualTo(v.get("rstrip").asText());
        assertThat(PyText.lower(in)).as("lower").isEqualTo(v.get("lower").asText());
    }

    @Test
    void reprListLooksLikePythonsListRepr() {
        assertThat(PyRepr.reprList(List.of())).isEqualTo("[]");
        assertThat(PyRepr.reprList(List.of("a", "it's", "é\n"))).isEqualTo("['a', \"it's\", 'é\\n']");
    }

    @Test
    void quoteChoice() {
        assertThat(PyRepr.repr("it's")).isEqualTo("\"it's\"");
        assertThat(PyRepr.repr("'\"")).isEqualTo("'\\'\"'");
    }
}
