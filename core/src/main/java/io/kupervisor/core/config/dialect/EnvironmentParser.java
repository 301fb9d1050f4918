package io.kupervisor.core.config.dialect;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/**
 * supervisor 4.2.5's {@code datatypes.dict_of_key_value_pairs}, which parses {@code environment=}.
 *
 * <p>It lexes with non-posix shlex (extra word characters {@code /.+-():}) and then blindly takes
 * tokens four at a time: KEY, '=', VALUE and a separator it never looks at. Whatever lands in the
 * separator slot is thrown away, and a {@code #} starts a comment that eats the rest of the line.
 * supervisord accepts all that silently; we reproduce the result and also report the losses.
 */
public final class EnvironmentParser {

    static final String WORD_CHARS = "/.+-():";

    /**
     * @param variables the parsed pairs in Python dict order (a repeated key keeps its first position)
     * @param truncations human-readable warnings about text supervisord silently dropped; empty for clean input
     */
    public record Result(LinkedHashMap<String, String> variables, List<String> truncations) {}

    private EnvironmentParser() {}

    public static Result parse(String value) throws EnvironmentException {
        Shlex.Lexed lexed;
        try {
            lexed = Shlex.lex(value, WORD_CHARS);
        } catch (ShlexException e) {
            throw new EnvironmentException(e.getMessage());
        }
        List<Shlex.Span> tokens = lexed.tokens();
        LinkedHashMap<String, String> variables = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i += 4) {
            if (i + 2 >= tokens.size() || !tokens.get(i + 1).text().equals("=")) {
                // Python formats the raw value with '%s', not %r.
                throw new EnvironmentException("Unexpected end of key/value pairs in value '" + value + "'");
            }
            String key = tokens.get(i).text();
            Shlex.Span raw = tokens.get(i + 2);
            String kept = stripQuotes(raw.text());
            variables.put(key, kept);
            quoteLoss(key, raw.text(), kept).ifPresent(warnings::add);
            if (i + 3 < tokens.size()) {
                Shlex.Span separator = tokens.get(i + 3);
                if (!separator.text().equals(",") && !separator.text().equals(";")) {
                    warnings.add(i + 4 < tokens.size()
                            ? droppedSeparatorWarning(key, kept, separator.text())
                            : cutWarning(key, value.substring(raw.start(), separator.end()), kept));
                }
            }
        }
        for (Shlex.Span comment : lexed.comments()) {
            warnings.add(commentWarning(comment, tokens, variables));
        }
        return new Result(variables, List.copyOf(warnings));
    }

    /** Python's {@code value.strip('\'"')}: every quote character at either end goes, not just one pair. */
    static String stripQuotes(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isQuote(s.charAt(start))) {
            start++;
        }
        while (end > start && isQuote(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean isQuote(char c) {
        return c == '\'' || c == '"';
    }

    /** A quoted value loses exactly its enclosing pair; anything beyond that is data loss. */
    private static Optional<String> quoteLoss(String key, String token, String kept) {
        boolean pair = token.length() >= 2 && isQuote(token.charAt(0)) && token.charAt(token.length() - 1) == token.charAt(0);
        String expected = pair ? token.substring(1, token.length() - 1) : token;
        if (expected.equals(kept)) {
            return Optional.empty();
        }
        return Optional.of("environment: supervisord strips every quote character from both ends of a value:"
                + " " + key + "=" + token + " becomes \"" + kept + "\", not \"" + expected + "\"");
    }

    private static String cutWarning(String key, String written, String kept) {
        String advice = written.indexOf('"') < 0 && written.indexOf('\'') < 0
                ? " (quote the value: " + key + "=\"" + written + "\")"
                : " (quote the whole value)";
        return "environment: value of " + key + " was cut at \"" + written + "\": supervisord keeps only \""
                + kept + "\"" + advice;
    }

    /** The junk token sits between two pairs, so it may have been meant as a separator. */
    private static String droppedSeparatorWarning(String key, String kept, String separator) {
        return "environment: \"" + separator + "\" after " + key + "=\"" + kept + "\" was silently dropped as if it"
                + " were a separator (separate pairs with \",\", or quote the value)";
    }

    private static String commentWarning(Shlex.Span comment, List<Shlex.Span> tokens, LinkedHashMap<String, String> variables) {
        // Name the pair of the last token that started before the '#'.
        int before = -1;
        for (int t = 0; t < tokens.size() && tokens.get(t).start() < comment.start(); t++) {
            before = t;
        }
        String where = "";
        if (before >= 0) {
            String key = tokens.get(before / 4 * 4).text();
            String kept = variables.get(key);
            where = " after " + (kept == null ? key : key + "=\"" + kept + "\"");
        }
        return "environment: \"" + comment.text() + "\"" + where + " was silently dropped as a comment;"
                + " supervisord's parser treats # as the start of a comment up to the end of the line (quote values containing #)";
    }
}
