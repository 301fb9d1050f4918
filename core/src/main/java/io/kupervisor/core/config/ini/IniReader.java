package io.kupervisor.core.config.ini;

import io.kupervisor.core.config.dialect.PyRepr;
import io.kupervisor.core.config.dialect.PyText;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads files into an {@link IniDocument} with the rules of Python 3.11's {@code RawConfigParser}
 * as supervisord configures it: {@code inline_comment_prefixes=(';', '#')}, {@code strict=False},
 * empty lines allowed inside values. ini4j and the JDK's Properties disagree with it on inline
 * comments, continuation lines and escapes, so this is a line-for-line port of {@code _read}.
 */
public final class IniReader {
    private static final String[] INLINE_COMMENT_PREFIXES = {";", "#"};
    private static final String[] COMMENT_PREFIXES = {"#", ";"};

    private IniReader() {
    }

    /** Reads the main file: its sections are not recorded as coming from an included file. */
    public static void readMain(IniDocument doc, Path file, String displayName) throws IniSyntaxException, IOException {
        read(doc, file, displayName, false);
    }

    /** Reads an included file (supervisord's {@code parser.read(filename)}). */
    public static void readIncluded(IniDocument doc, Path file, String displayName) throws IniSyntaxException, IOException {
        read(doc, file, displayName, true);
    }

    static void read(IniDocument doc, Path file, String displayName, boolean included)
            throws IniSyntaxException, IOException {
        String text = decode(Files.readAllBytes(file), file, displayName);
        parse(doc, text, file, displayName, included);
    }

    /** Parses text as if read from {@code file}; public for tests and for configs held in memory. */
    public static void parse(IniDocument doc, String text, Path file, String displayName, boolean included)
            throws IniSyntaxException {
        List<String> lines = splitLines(text);
        Map<String, IniEntry> cursect = null;
        String optname = null;
        List<String> pending = null;   // the current key's value lines, joined at the end
        List<PendingValue> toJoin = new ArrayList<>();
        int indentLevel = 0;
        StringBuilder errors = null;
        int firstErrorLine = 0;

        for (int i = 0; i < lines.size(); i++) {
            int lineno = i + 1;
            String line = lines.get(i);
            int commentStart = inlineCommentStart(line);
            String stripped = PyText.strip(line);
            for (String prefix : COMMENT_PREFIXES) {
                if (stripped.startsWith(prefix)) {
                    commentStart = 0;
                    break;
                }
            }
            String value = PyText.strip(commentStart < 0 ? line : line.substring(0, commentStart));
            if (value.isEmpty()) {
                // an empty line belongs to the value being read, unless it held a comment
                if (commentStart < 0 && cursect != null && optname != null && !optname.isEmpty() && pending != null) {
                    pending.add("");
                }
                continue;
            }
            int curIndentLevel = firstNonSpace(line);
            if (cursect != null && optname != null && !optname.isEmpty() && curIndentLevel > indentLevel) {
                pending.add(value);
                continue;
            }
            indentLevel = curIndentLevel;
            String header = sectionHeader(value);
            if (header != null) {
                cursect = doc.sectionForWrite(header, file, lineno, included);
                optname = null;
                pending = null;
            } else if (cursect == null) {
                throw new IniSyntaxException("File contains no section headers.\nfile: " + PyRepr.repr(displayName)
                        + ", line: " + lineno + "\n" + PyRepr.repr(line), file, lineno);
            } else {
                int delim = firstDelimiter(value);
                if (delim < 0) {
                    if (errors == null) {
                        errors = new StringBuilder("Source contains parsing errors: " + PyRepr.repr(displayName));
                        firstErrorLine = lineno;
                    }
                    errors.append(String.format("\n\t[line %2d]: %s", lineno, PyRepr.repr(line)));
                    continue;
                }
                String rawName = value.substring(0, delim);
                if (rawName.isEmpty()) {
                    if (errors == null) {
                        errors = new StringBuilder("Source contains parsing errors: " + PyRepr.repr(displayName));
                        firstErrorLine = lineno;
                    }
                    errors.append(String.format("\n\t[line %2d]: %s", lineno, PyRepr.repr(line)));
                }
                optname = PyText.lower(PyText.rstrip(rawName));
                pending = new ArrayList<>();
                pending.add(PyText.strip(value.substring(delim + 1)));
                toJoin.add(new PendingValue(cursect, optname, pending, file, lineno));
            }
        }
        // RawConfigParser joins multi-line values with '\n' and drops trailing blank lines
        for (PendingValue p : toJoin) {
            IniEntry entry = new IniEntry(PyText.rstrip(String.join("\n", p.lines())), p.file(), p.line());
            doc.put(p.section(), p.key(), entry);
        }
        if (errors != null) {
            throw new IniSyntaxException(errors.toString(), file, firstErrorLine);
        }
    }

    private record PendingValue(Map<String, IniEntry> section, String key, List<String> lines, Path file, int line) {
    }

    /**
     * Python's search for inline comments, quirks included: each prefix's next occurrence is tried
     * in turn, and the loop stops in the first round where any occurrence follows whitespace.
     */
    static int inlineCommentStart(String line) {
        int commentStart = Integer.MAX_VALUE;
        int[] index = new int[INLINE_COMMENT_PREFIXES.length];
        boolean[] alive = new boolean[INLINE_COMMENT_PREFIXES.length];
        java.util.Arrays.fill(index, -1);
        java.util.Arrays.fill(alive, true);
        boolean anyAlive = true;
        while (commentStart == Integer.MAX_VALUE && anyAlive) {
            anyAlive = false;
            for (int p = 0; p < INLINE_COMMENT_PREFIXES.length; p++) {
                if (!alive[p]) {
                    continue;
                }
                int found = line.indexOf(INLINE_COMMENT_PREFIXES[p], index[p] + 1);
                if (found == -1) {
                    alive[p] = false;
                    continue;
                }
                index[p] = found;
                anyAlive = true;
                if (found == 0 || PyText.isSpace(line.codePointBefore(found))) {
                    commentStart = Math.min(commentStart, found);
                }
            }
        }
        return commentStart == Integer.MAX_VALUE ? -1 : commentStart;
    }

    /** Python's {@code \[(?P<header>.+)\]} matched at the start: the header runs to the last ']'. */
    static String sectionHeader(String value) {
        if (!value.startsWith("[")) {
            return null;
        }
        int close = value.lastIndexOf(']');
        if (close < 2) {
            return null;
        }
        String header = value.substring(1, close);
        // '.' does not match a newline; values never hold one, but be exact
        return header.indexOf('\n') >= 0 ? null : header;
    }

    /**
     * Where {@code (?P<option>.*?)\s*(?P<vi>=|:)\s*(?P<value>.*)$} splits: the non-greedy key ends at
     * the first '=' or ':' of the line.
     */
    static int firstDelimiter(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '=' || c == ':') {
                return i;
            }
        }
        return -1;
    }

    private static int firstNonSpace(String line) {
        int i = 0;
        while (i < line.length()) {
            int cp = line.codePointAt(i);
            if (!PyText.isSpace(cp)) {
                return i;
            }
            i += Character.charCount(cp);
        }
        return 0;
    }

    /** Python's universal newlines: \r\n, \r and \n end a line, and each line keeps a '\n'. */
    static List<String> splitLines(String text) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                lines.add(text.substring(start, i) + "\n");
                if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        if (start < n) {
            lines.add(text.substring(start));
        }
        return lines;
    }

    private static String decode(byte[] bytes, Path file, String displayName) throws IniSyntaxException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            int line = 1 + (int) new String(bytes, StandardCharsets.UTF_8).lines().count();
            throw new IniSyntaxException("file " + PyRepr.repr(displayName)
                    + " is not valid UTF-8 text; save it as UTF-8", file, 0);
        }
    }
}
