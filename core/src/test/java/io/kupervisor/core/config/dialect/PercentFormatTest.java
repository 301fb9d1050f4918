package io.kupervisor.core.config.dialect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class PercentFormatTest {

    private static final JsonNode FILE = Vectors.load("percent.json");

    /** The generator's mapping; ints that fit become Integer, the rest Long, to exercise both. */
    private static Map<String, Object> mapping() {
        Map<String, Object> m = new LinkedHashMap<>();
        FILE.get("mapping").properties().forEach(e -> {
            JsonNode n = e.getValue();
            m.put(e.getKey(), n.isTextual() ? n.asText() : n.canConvertToInt() ? (Object) n.asInt() : (Object) n.asLong());
        });
        return m;
    }

    @TestFactory
    Stream<DynamicTest> formatMatchesPython() {
        Map<String, Object> mapping = mapping();
        return Vectors.stream(FILE.get("vectors"))
                .map(v -> dynamicTest(Vectors.name(v.get("template").asText()), () -> check(v, mapping)));
    }

    private static void check(JsonNode v, Map<String, Object> mapping) throws FormatException {
        String template = v.get("template").asText();
        if (v.has("result")) {
            assertThat(PercentFormat.format(template, mapping)).isEqualTo(v.get("result").asText());
            return;
        }
        FormatException e = catchThrowableOfType(FormatException.class, () -> PercentFormat.format(template, mapping));
        assertThat(e).as("expected an error").isNotNull();
        if (v.has("rejected_bare")) {
            // Python would have formatted the whole mapping here.
            assertThat(e.kind()).isEqualTo(FormatException.Kind.BAD_FORMAT);
            assertThat(e.detail()).contains("without a name would insert supervisord's whole expansion table");
            return;
        }
        JsonNode error = v.get("error");
        assertThat(e.kind()).isEqualTo(FormatException.Kind.valueOf(error.get("kind").asText()));
        if (error.path("python_type").asText().equals("MemoryError")) {
            assertThat(e.detail()).startsWith("formatted value too large"); // deliberate deviation
        } else {
            assertThat(e.detail()).isEqualTo(error.get("detail").asText());
        }
    }

    private static FormatException failure(String template, Map<String, ?> mapping) {
        return catchThrowableOfType(FormatException.class, () -> PercentFormat.format(template, mapping));
    }

    @Test
    void supervisordStyleExpansions() throws FormatException {
        Map<String, Object> m = Map.of("process_num", 3, "program_name", "web", "ENV_HOME", "/home/u", "here", "/etc");
        assertThat(PercentFormat.format("%(program_name)s_%(process_num)02d", m)).isEqualTo("web_03");
        assertThat(PercentFormat.format("%(ENV_HOME)s/%(here)s 100%%", m)).isEqualTo("/home/u//etc 100%");
        assertThat(PercentFormat.format("%(process_num)x|%(process_num)5s|", Map.of("process_num", 255L)))
                .isEqualTo("ff|  255|");
    }

    @Test
    void bareConversionIsRejectedWithAHint() {
        FormatException e = failure("run %s now", Map.of("s", "x"));
        assertThat(e.kind()).isEqualTo(FormatException.Kind.BAD_FORMAT);
        assertThat(e.detail()).isEqualTo("'%s' without a name would insert supervisord's whole expansion table;"
                + " write %%s for a literal %s");
        assertThat(e.missingName()).isNull();
        // a numeric conversion fails in Python too, with its own words
        assertThat(failure("%d", Map.of()).detail()).isEqualTo("%d format: a real number is required, not dict");
        assertThat(failure("%-5r", Map.of()).detail()).startsWith("'%-5r' without a name").endsWith("write %%-5r for a literal %-5r");
    }

    @Test
    void bareConversionAfterANamedOneIsPythonsError() {
        // Python itself fails here, so its message is kept.
        assertThat(failure("%(a)s %s", Map.of("a", "x")).detail()).isEqualTo("not enough arguments for format string");
    }

    @Test
    void missingNameCarriesRawNameAndRepr() {
        FormatException e = failure("%(it's)s", Map.of());
        assertThat(e.kind()).isEqualTo(FormatException.Kind.MISSING_NAME);
        assertThat(e.missingName()).isEqualTo("it's");
        assertThat(e.detail()).isEqualTo("\"it's\"");
    }

    @Test
    void errorIndexCountsCodePoints() {
        assertThat(failure("\uD83D\uDE00%(a)U", Map.of("a", 1)).detail())
                .isEqualTo("unsupported format character 'U' (0x55) at index 5");
    }
}
