package io.kupervisor.core.config.dialect;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import io.kupervisor.core.config.dialect.Shlex.Span;

/**
 * A line-by-line port of Python 3.11's {@code shlex.shlex.read_token} / {@code get_token} for the two
 * configurations supervisord uses (no punctuation_chars, no source inclusion):
 * posix with {@code whitespace_split} and no comments ({@code shlex.split}), and the non-posix default.
 *
 * <p>It works on code points, as Python does, and remembers where each token and each skipped
 * {@code #} comment came from so callers can explain what Python silently dropped.
 */
final class ShlexLexer {

    /** A skipped comment (see {@link Shlex.Lexed}), read while lexing token {@code tokenIndex}. */
    record Comment(Span span, int tokenIndex) {}

    record Result(List<Span> tokens, List<Comment> comments) {}

    private static final String POSIX_EXTRA_WORDCHARS =
            "ßàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞ";
    private static final int EOF = -1;
    private static final int STATE_WORD = 'a';
    private static final int STATE_DONE = -2;

    private final String source;
    private final boolean posix;
    private final boolean whitespaceSplit;
    private final String commenters;
    private final String wordchars;
    private final String whitespace = " \t\r\n";
    private final String quotes = "'\"";
    private final String escape = "\\";
    private final String escapedquotes = "\"";

    private int pos; // UTF-16 index of the next code point to read
    private int state = ' ';
    private final StringBuilder token = new StringBuilder();
    private final Deque<Span> pushback = new ArrayDeque<>();
    private final List<Comment> comments = new ArrayList<>();
    private int tokenStart = -1;
    private int tokenCount;

    private ShlexLexer(String source, boolean posix, boolean whitespaceSplit, String commenters, String extraWordChars) {
        this.source = source;
        this.posix = posix;
        this.whitespaceSplit = whitespaceSplit;
        this.commenters = commenters;
        String words = "abcdfeghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";
        this.wordchars = words + (posix ? POSIX_EXTRA_WORDCHARS : "") + extraWordChars;
    }

    /** {@code shlex.split(s)}: posix, whitespace_split, no comments. */
    static Result split(String s) throws ShlexException {
        return new ShlexLexer(s, true, true, "", "").run();
    }

    /** {@code shlex.shlex(s)} with {@code wordchars += extraWordChars}, iterated to its end. */
    static Result nonPosix(String s, String extraWordChars) throws ShlexException {
        return new ShlexLexer(s, false, false, "#", extraWordChars).run();
    }

    private Result run() throws ShlexException {
        List<Span> tokens = new ArrayList<>();
        for (Span t = nextToken(); t != null; t = nextToken()) {
            tokens.add(t);
            tokenCount++;
        }
        return new Result(List.copyOf(tokens), List.copyOf(comments));
    }

    /** {@code get_token}: null at the end (Python's eof: None in posix mode, '' otherwise). */
    private Span nextToken() throws ShlexException {
        if (!pushback.isEmpty()) {
            return pushback.pop();
        }
        Span raw = readToken();
        // Non-posix: '' means eof, and read_token never yields '' otherwise.
        return raw == null || (!posix && raw.text().isEmpty()) ? null : raw;
    }

    private Span readToken() throws ShlexException {
        boolean quoted = false;
        int escapedstate = ' ';
        int end = -1;
        while (true) {
            int charStart = pos;
            int nextchar = read();
            if (state == STATE_DONE) {
                token.setLength(0); // past end of file
                break;
            } else if (state == ' ') {
                if (nextchar == EOF) {
                    state = STATE_DONE;
                    break;
                } else if (in(whitespace, nextchar)) {
                    if (!token.isEmpty() || (posix && quoted)) {
                        break;
                    }
                } else if (in(commenters, nextchar)) {
                    skipComment(charStart);
                } else if (posix && in(escape, nextchar)) {
                    escapedstate = STATE_WORD;
                    state = nextchar;
                    startToken(charStart);
                } else if (in(wordchars, nextchar)) {
                    append(nextchar, charStart);
                    state = STATE_WORD;
                } else if (in(quotes, nextchar)) {
                    if (!posix) {
                        append(nextchar, charStart);
                    } else {
                        startToken(charStart);
                    }
                    state = nextchar;
                } else if (whitespaceSplit) {
                    append(nextchar, charStart);
                    state = STATE_WORD;
                } else {
                    append(nextchar, charStart);
                    end = pos;
                    break; // a lone punctuation character is a token of its own
                }
            } else if (in(quotes, state)) {
                quoted = true;
                if (nextchar == EOF) {
                    throw new ShlexException("No closing quotation");
                }
                if (nextchar == state) {
                    if (!posix) {
                        token.appendCodePoint(nextchar);
                        state = ' ';
                        end = pos;
                        break;
                    } else {
                        state = STATE_WORD;
                    }
                } else if (posix && in(escape, nextchar) && in(escapedquotes, state)) {
                    escapedstate = state;
                    state = nextchar;
                } else {
                    token.appendCodePoint(nextchar);
                }
            } else if (in(escape, state)) {
                if (nextchar == EOF) {
                    throw new ShlexException("No escaped character");
                }
                // In posix shells only the quote itself or the escape character may be escaped within quotes.
                if (in(quotes, escapedstate) && nextchar != state && nextchar != escapedstate) {
                    token.appendCodePoint(state);
                }
                token.appendCodePoint(nextchar);
                state = escapedstate;
            } else if (state == STATE_WORD) {
                if (nextchar == EOF) {
                    state = STATE_DONE;
                    end = charStart;
                    break;
                } else if (in(whitespace, nextchar)) {
                    state = ' ';
                    end = charStart;
                    if (!token.isEmpty() || (posix && quoted)) {
                        break;
                    }
                } else if (in(commenters, nextchar)) {
                    skipComment(charStart);
                    if (posix) {
                        state = ' ';
                        end = charStart;
                        if (!token.isEmpty() || (posix && quoted)) {
                            break;
                        }
                    }
                } else if (posix && in(quotes, nextchar)) {
                    state = nextchar;
                } else if (posix && in(escape, nextchar)) {
                    escapedstate = STATE_WORD;
                    state = nextchar;
                } else if (in(wordchars, nextchar) || in(quotes, nextchar) || whitespaceSplit) {
                    token.appendCodePoint(nextchar);
                } else {
                    // Python pushes the character back as a token of its own.
                    pushback.push(new Span(Character.toString(nextchar), charStart, pos));
                    state = ' ';
                    end = charStart;
                    if (!token.isEmpty() || (posix && quoted)) {
                        break;
                    }
                }
            }
        }
        String result = token.toString();
        token.setLength(0);
        int start = tokenStart;
        tokenStart = -1;
        if (posix && !quoted && result.isEmpty()) {
            return null;
        }
        if (start < 0) {
            start = end = pos;
        }
        return new Span(result, start, end < 0 ? pos : end);
    }

    private int read() {
        if (pos >= source.length()) {
            return EOF;
        }
        int cp = source.codePointAt(pos);
        pos += Character.charCount(cp);
        return cp;
    }

    /** {@code instream.readline()}: everything up to and including the next newline. */
    private void skipComment(int hashAt) {
        int nl = source.indexOf('\n', pos);
        int lineEnd = nl < 0 ? source.length() : nl;
        comments.add(new Comment(new Span(source.substring(hashAt, lineEnd), hashAt, lineEnd), tokenCount));
        pos = nl < 0 ? source.length() : nl + 1;
    }

    private void append(int cp, int at) {
        startToken(at);
        token.appendCodePoint(cp);
    }

    private void startToken(int at) {
        if (tokenStart < 0) {
            tokenStart = at;
        }
    }

    private static boolean in(String chars, int cp) {
        return cp >= 0 && chars.indexOf(cp) >= 0;
    }
}
