package io.kupervisor.core.config.dialect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class PyIntTest {

    @TestFactory
    Stream<DynamicTest> parseMatchesPython() {
        return Vectors.stream(Vectors.load("int.json"))
                .map(v -> dynamicTest(Vectors.name(v.get("input").asText()), () -> check(v)));
    }

    private static void check(JsonNode v) {
        String in = v.get("input").asText();
        if (v.has("value")) {
            assertThat(PyInt.parse(in)).isEqualTo(v.get("value").asLong());
        } else if (v.has("too_large")) {
            assertThatThrownBy(() -> PyInt.parse(in))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("integer value too large: ");
        } else {
            assertThatThrownBy(() -> PyInt.parse(in))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(v.get("error").asText());
        }
    }

    @Test
    void tooLargeNamesTheValue() {
        assertThatThrownBy(() -> PyInt.parse("9223372036854775808"))
                .hasMessage("integer value too large: '9223372036854775808'");
        assertThat(PyInt.parse("-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
    }
}
