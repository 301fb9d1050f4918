package io.kupervisor.core.config.dialect;

import java.util.ArrayList;
import java.util.List;

/** Python 3.11's {@code shlex}, in the two flavours supervisord uses. */
public final class Shlex {

    /**
     * One token of a non-posix {@link #tokenize}.
     *
     * @param text the token exactly as Python returns it (quotes included, non-posix style)
     * @param followsComment true when a {@code #} comment was skipped while this token was being read:
     *     between the previous token and this one, or inside it (non-posix shlex resumes a word on the
     *     line after a comment, so {@code "ab#x\ncd"} is the single token {@code abcd})
     */
    public record Token(String text, boolean followsComment) {}

    /** A token or skipped comment with its source position; {@code start}/{@code end} are String indices. */
    public record Span(String text, int start, int end) {}

    /**
     * The full non-posix lexing result.
     *
     * @param tokens the tokens, as Python yields them
     * @param comments every skipped comment, from {@code #} to the end of its line (newline excluded)
     * @param commentTokenIndexes for each comment, the index of the token being read when it was skipped;
     *     {@code tokens.size()} for a comment after the last token
     */
    public record Lexed(List<Span> tokens, List<Span> comments, List<Integer> commentTokenIndexes) {

        /** Whether Python dropped any {@code #} comment text. */
        public boolean skippedComment() {
            return !comments.isEmpty();
        }
    }

    private Shlex() {}

    /** {@code shlex.split(s)}: posix rules, whitespace splitting, no comments. */
    public static List<String> split(String s) throws ShlexException {
        return ShlexLexer.split(s).tokens().stream().map(Span::text).toList();
    }

    /**
     * {@code list(shlex.shlex(s))} after {@code wordchars += extraWordChars}: non-posix, {@code #} comments.
     * A comment after the last token has no token to mark; use {@link #lex} to see it.
     */
    public static List<Token> tokenize(String s, String extraWordChars) throws ShlexException {
        Lexed lexed = lex(s, extraWordChars);
        List<Token> out = new ArrayList<>();
        for (int i = 0; i < lexed.tokens().size(); i++) {
            out.add(new Token(lexed.tokens().get(i).text(), lexed.commentTokenIndexes().contains(i)));
        }
        return List.copyOf(out);
    }

    /** Like {@link #tokenize} but with source positions and the dropped comment text. */
    public static Lexed lex(String s, String extraWordChars) throws ShlexException {
        ShlexLexer.Result r = ShlexLexer.nonPosix(s, extraWordChars);
        return new Lexed(
                r.tokens(),
                r.comments().stream().map(ShlexLexer.Comment::span).toList(),
                r.comments().stream().map(ShlexLexer.Comment::tokenIndex).toList());
    }
}
