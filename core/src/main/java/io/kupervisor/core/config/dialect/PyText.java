package io.kupervisor.core.config.dialect;

import java.util.Locale;

/** Python {@code str} helpers whose notion of whitespace differs from Java's {@code strip()}. */
public final class PyText {

    private PyText() {}

    /**
     * Python's {@code str.isspace()} for one code point. Unlike {@link Character#isWhitespace}, it
     * includes U+001C..U+001F, U+0085 and the no-break spaces; unlike {@link String#strip()} it is
     * the fixed Unicode 14 list Python 3.11 uses.
     */
    public static boolean isSpace(int codePoint) {
        return switch (codePoint) {
            case '\t', '\n', 0x0B, 0x0C, '\r', 0x1C, 0x1D, 0x1E, 0x1F, ' ', 0x85, 0xA0, 0x1680,
                 0x2028, 0x2029, 0x202F, 0x205F, 0x3000 -> true;
            default -> codePoint >= 0x2000 && codePoint <= 0x200A;
        };
    }

    /** Python's {@code s.strip()}. */
    public static String strip(String s) {
        int start = leadingSpace(s);
        return start == s.length() ? "" : s.substring(start, s.length() - trailingSpace(s));
    }

    /** Python's {@code s.lstrip()}. */
    public static String lstrip(String s) {
        return s.substring(leadingSpace(s));
    }

    /** Python's {@code s.rstrip()}. */
    public static String rstrip(String s) {
        return s.substring(0, s.length() - trailingSpace(s));
    }

    /** Python's {@code s.lower()}; the root locale keeps it independent of the JVM's locale (no Turkish i). */
    public static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    // All Python whitespace is in the BMP, so counting chars is counting code points here.
    private static int leadingSpace(String s) {
        int i = 0;
        while (i < s.length() && isSpace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int trailingSpace(String s) {
        int n = 0;
        while (n < s.length() && isSpace(s.charAt(s.length() - 1 - n))) {
            n++;
        }
        return n;
    }
}
