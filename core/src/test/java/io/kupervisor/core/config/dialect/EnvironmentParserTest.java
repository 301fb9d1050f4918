package io.kupervisor.core.config.dialect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class EnvironmentParserTest {

    @TestFactory
    Stream<DynamicTest> parseMatchesSupervisor() {
        return Vectors.stream(Vectors.load("environment.json"))
                .map(v -> dynamicTest(Vectors.name(v.get("input").asText()), () -> check(v)));
    }

    private static void check(JsonNode v) throws EnvironmentException {
        String in = v.get("input").asText();
        if (v.has("error")) {
            assertThatThrownBy(() -> EnvironmentParser.parse(in))
                    .isInstanceOf(EnvironmentException.class)
                    .hasMessage(v.get("error").asText());
            return;
        }
        EnvironmentParser.Result result = EnvironmentParser.parse(in);
        List<List<String>> pairs = new ArrayList<>();
        result.variables().forEach((k, val) -> pairs.add(List.of(k, val)));
        List<List<String>> expected = new ArrayList<>();
        v.get("pairs").forEach(p -> expected.add(List.of(p.get(0).asText(), p.get(1).asText())));
        assertThat(pairs).as("pairs in dict order").isEqualTo(expected);
        if (v.has("lossy")) {
            assertThat(result.truncations()).as("truncation warnings").hasSize(v.get("lossy").asBoolean() ? 1 : 0);
        }
    }

    private static List<String> warnings(String value) throws EnvironmentException {
        return EnvironmentParser.parse(value).truncations();
    }

    @Test
    void unquotedDollarKeepsOnlyTheDollar() throws EnvironmentException {
        EnvironmentParser.Result r = EnvironmentParser.parse("A=$HOME");
        assertThat(r.variables()).containsExactly(Map.entry("A", "$"));
        assertThat(r.truncations()).containsExactly(
                "environment: value of A was cut at \"$HOME\": supervisord keeps only \"$\" (quote the value: A=\"$HOME\")");
    }

    @Test
    void otherCutsNameTheKeyAndTheLostText() throws EnvironmentException {
        assertThat(warnings("A=*.log")).containsExactly(
                "environment: value of A was cut at \"*.log\": supervisord keeps only \"*\" (quote the value: A=\"*.log\")");
        assertThat(warnings("X=1,A=a b")).containsExactly(
                "environment: value of A was cut at \"a b\": supervisord keeps only \"a\" (quote the value: A=\"a b\")");
        assertThat(warnings("A=100%")).containsExactly(
                "environment: value of A was cut at \"100%\": supervisord keeps only \"100\" (quote the value: A=\"100%\")");
        assertThat(warnings("A=\"x\"y")).containsExactly(
                "environment: value of A was cut at \"\"x\"y\": supervisord keeps only \"x\" (quote the whole value)");
    }

    @Test
    void commentSwallowsTheRestOfTheLine() throws EnvironmentException {
        EnvironmentParser.Result r = EnvironmentParser.parse("A=abc#def,B=1");
        assertThat(r.variables()).containsExactly(Map.entry("A", "abc"));
        assertThat(r.truncations()).containsExactly("environment: \"#def,B=1\" after A=\"abc\" was silently dropped"
                + " as a comment; supervisord's parser treats # as the start of a comment up to the end of the line"
                + " (quote values containing #)");
    }

    @Test
    void commentBetweenPairsIsAttributedToThePairBeforeIt() throws EnvironmentException {
        EnvironmentParser.Result r = EnvironmentParser.parse("A=1,#B=2\nC=3");
        assertThat(r.variables()).containsExactly(Map.entry("A", "1"), Map.entry("C", "3"));
        assertThat(r.truncations()).singleElement().asString().startsWith("environment: \"#B=2\" after A=\"1\" was silently dropped");
        assertThat(warnings("#x")).singleElement().asString().startsWith("environment: \"#x\" was silently dropped");
    }

    @Test
    void junkBetweenTwoPairsIsReportedAsADroppedSeparator() throws EnvironmentException {
        EnvironmentParser.Result r = EnvironmentParser.parse("A=1&B=2");
        assertThat(r.variables()).containsExactly(Map.entry("A", "1"), Map.entry("B", "2"));
        assertThat(r.truncations()).containsExactly("environment: \"&\" after A=\"1\" was silently dropped as if it"
                + " were a separator (separate pairs with \",\", or quote the value)");
        assertThat(warnings("A=a b c=1")).containsExactly("environment: \"b\" after A=\"a\" was silently dropped as if"
                + " it were a separator (separate pairs with \",\", or quote the value)");
    }

    @Test
    void quoteStrippingBeyondOnePairIsReported() throws EnvironmentException {
        assertThat(EnvironmentParser.parse("A='\"x\"'").variables()).containsExactly(Map.entry("A", "x"));
        assertThat(warnings("A='\"x\"'")).containsExactly("environment: supervisord strips every quote character"
                + " from both ends of a value: A='\"x\"' becomes \"x\", not \"\"x\"\"");
    }

    @Test
    void cleanValuesGiveNoWarnings() throws EnvironmentException {
        for (String clean : List.of("A=1,B=2", "A=1;B=2", "A=1,B=2,", "A=\"x y\",B='z'", "A=1,\n B=2", "", "A=\"it's\"")) {
            assertThat(warnings(clean)).as(clean).isEmpty();
        }
    }

    @Test
    void reassignedKeyKeepsItsFirstPosition() throws EnvironmentException {
        assertThat(EnvironmentParser.parse("A=1,B=2,A=3").variables())
                .containsExactly(Map.entry("A", "3"), Map.entry("B", "2"));
    }

    @Test
    void errorQuotesTheRawValue() {
        assertThatThrownBy(() -> EnvironmentParser.parse("A=it's,B"))
                .hasMessage("Unexpected end of key/value pairs in value 'A=it's,B'");
        assertThatThrownBy(() -> EnvironmentParser.parse("A=\"open"))
                .hasMessage("No closing quotation");
    }
}
