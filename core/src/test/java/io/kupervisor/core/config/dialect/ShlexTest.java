package io.kupervisor.core.config.dialect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class ShlexTest {

    @TestFactory
    Stream<DynamicTest> splitMatchesPython() {
        return Vectors.stream(Vectors.load("shlex-split.json"))
                .map(v -> dynamicTest(Vectors.name(v.get("input").asText()), () -> {
                    String in = v.get("input").asText();
                    if (v.has("error")) {
                        assertThatThrownBy(() -> Shlex.split(in))
                                .isInstanceOf(ShlexException.class)
                                .hasMessage(v.get("error").asText());
                    } else {
                        assertThat(Shlex.split(in)).isEqualTo(Vectors.strings(v.get("tokens")));
                    }
                }));
    }

    @TestFactory
    Stream<DynamicTest> nonPosixTokensMatchPython() {
        return Vectors.stream(Vectors.load("shlex-tokens.json"))
                .map(v -> dynamicTest(Vectors.name(v.get("input").asText()) + " +" + v.get("wordchars").asText(),
                        () -> checkTokens(v)));
    }

    private static void checkTokens(JsonNode v) throws ShlexException {
        String in = v.get("input").asText();
        String extra = v.get("wordchars").asText();
        if (v.has("error")) {
            assertThatThrownBy(() -> Shlex.tokenize(in, extra))
                    .isInstanceOf(ShlexException.class)
                    .hasMessage(v.get("error").asText());
            return;
        }
        List<Shlex.Token> expected = new ArrayList<>();
        for (int i = 0; i < v.get("tokens").size(); i++) {
            expected.add(new Shlex.Token(v.get("tokens").get(i).asText(), v.get("follows_comment").get(i).asBoolean()));
        }
        assertThat(Shlex.tokenize(in, extra)).isEqualTo(expected);

        Shlex.Lexed lexed = Shlex.lex(in, extra);
        assertThat(lexed.comments().stream().map(Shlex.Span::text).toList()).isEqualTo(Vectors.strings(v.get("comments")));
        List<Integer> indexes = new ArrayList<>();
        v.get("comment_token_indexes").forEach(n -> indexes.add(n.asInt()));
        assertThat(lexed.commentTokenIndexes()).isEqualTo(indexes);
        assertThat(lexed.skippedComment()).isEqualTo(!indexes.isEmpty());
        for (Shlex.Span s : lexed.comments()) {
            assertThat(in.substring(s.start(), s.end())).isEqualTo(s.text());
        }
    }

    @Test
    void spansPointAtTheSource() throws ShlexException {
        Shlex.Lexed lexed = Shlex.lex("A=\"x y\", B=$HOME", "/.+-():");
        assertThat(lexed.tokens()).containsExactly(
                new Shlex.Span("A", 0, 1), new Shlex.Span("=", 1, 2), new Shlex.Span("\"x y\"", 2, 7),
                new Shlex.Span(",", 7, 8), new Shlex.Span("B", 9, 10), new Shlex.Span("=", 10, 11),
                new Shlex.Span("$", 11, 12), new Shlex.Span("HOME", 12, 16));
    }

    @Test
    void aCommentInsideAWordJoinsTheNextLine() throws ShlexException {
        assertThat(Shlex.tokenize("abc#def\nghi", "")).containsExactly(new Shlex.Token("abcghi", true));
    }
}
