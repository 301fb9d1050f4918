package io.kupervisor.core.config.dialect;

import java.util.List;

/** Python 3's {@code repr()} and {@code ascii()} of {@code str} values, used verbatim in supervisord's messages. */
public final class PyRepr {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private PyRepr() {}

    /** Python's {@code repr(s)}: printable non-ASCII characters are kept as they are. */
    public static String repr(String s) {
        return quote(s, false);
    }

    /** Python's {@code ascii(s)}: like {@link #repr} but every non-ASCII character is escaped. */
    public static String ascii(String s) {
        return quote(s, true);
    }

    /** Python's {@code repr(list_of_str)}, e.g. {@code ['a', "b'c"]}. */
    public static String reprList(List<String> items) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                out.append(", ");
            }
            out.append(repr(items.get(i)));
        }
        return out.append(']').toString();
    }

    private static String quote(String s, boolean asciiOnly) {
        // Python prefers single quotes and switches only when that avoids escaping.
        char q = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder out = new StringBuilder(s.length() + 2).append(q);
        s.codePoints().forEach(cp -> appendChar(out, cp, q, asciiOnly));
        return out.append(q).toString();
    }

    private static void appendChar(StringBuilder out, int cp, char quote, boolean asciiOnly) {
        if (cp == quote || cp == '\\') {
            out.append('\\').appendCodePoint(cp);
        } else if (cp == '\t') {
            out.append("\\t");
        } else if (cp == '\n') {
            out.append("\\n");
        } else if (cp == '\r') {
            out.append("\\r");
        } else if (cp < ' ' || cp == 0x7F) {
            hex(out, 'x', cp, 2);
        } else if (cp < 0x7F || (!asciiOnly && Unicode14.isPrintable(cp))) {
            out.appendCodePoint(cp);
        } else if (cp <= 0xFF) {
            hex(out, 'x', cp, 2);
        } else if (cp <= 0xFFFF) {
            hex(out, 'u', cp, 4);
        } else {
            hex(out, 'U', cp, 8);
        }
    }

    private static void hex(StringBuilder out, char kind, int cp, int digits) {
        out.append('\\').append(kind);
        for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4) {
            out.append(HEX[(cp >> shift) & 0xF]);
        }
    }
}
