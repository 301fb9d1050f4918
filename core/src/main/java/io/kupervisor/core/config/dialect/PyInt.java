package io.kupervisor.core.config.dialect;

/**
 * Python's {@code int(s)} for a {@code str} in base 10, which supervisord uses for numeric options.
 *
 * <p>Accepted: surrounding whitespace, one sign, single underscores between digits, leading zeros
 * and any Unicode decimal digit ({@code int('１２') == 12}). Python has unbounded ints; values
 * outside {@code long} are rejected with a message of our own.
 */
public final class PyInt {

    /** CPython's default {@code sys.get_int_max_str_digits()}, checked before anything after the digits. */
    private static final int MAX_STR_DIGITS = 4300;

    private PyInt() {}

    /**
     * Parses like Python's {@code int(s)}.
     *
     * @throws IllegalArgumentException with Python's exact message, e.g.
     *     {@code invalid literal for int() with base 10: 'abc'}
     */
    public static long parse(String s) {
        int[] cps = s.codePoints().toArray();
        int i = 0;
        while (i < cps.length && isIntSpace(cps[i])) {
            i++;
        }
        boolean negative = false;
        if (i < cps.length && (cps[i] == '+' || cps[i] == '-')) {
            negative = cps[i] == '-';
            i++;
        }
        // Accumulate as a negative number so Long.MIN_VALUE fits.
        long value = 0;
        boolean overflow = false;
        int digits = 0;
        int prev = -1;
        for (; i < cps.length; i++) {
            int cp = cps[i];
            if (cp == '_') {
                if (prev != 'd') {
                    throw invalid(s); // leading or doubled underscore
                }
                prev = '_';
                continue;
            }
            int d = digitValue(cp);
            if (d < 0) {
                break;
            }
            digits++;
            prev = 'd';
            if (!overflow) {
                if (value < (Long.MIN_VALUE + d) / 10) {
                    overflow = true;
                } else {
                    value = value * 10 - d;
                }
            }
        }
        if (prev == '_') {
            throw invalid(s); // trailing underscore
        }
        if (digits > MAX_STR_DIGITS) {
            throw new IllegalArgumentException("Exceeds the limit (" + MAX_STR_DIGITS
                    + " digits) for integer string conversion: value has " + digits
                    + " digits; use sys.set_int_max_str_digits() to increase the limit");
        }
        if (digits == 0) {
            throw invalid(s);
        }
        while (i < cps.length && isIntSpace(cps[i])) {
            i++;
        }
        if (i != cps.length) {
            throw invalid(s);
        }
        if (overflow || (!negative && value == Long.MIN_VALUE)) {
            throw new IllegalArgumentException("integer value too large: " + shortRepr(s));
        }
        return negative ? value : -value;
    }

    /** Digits as CPython sees them after mapping non-ASCII decimals to ASCII. */
    private static int digitValue(int cp) {
        if (cp >= '0' && cp <= '9') {
            return cp - '0';
        }
        return cp >= 0x7F ? Unicode14.decimalValue(cp) : -1;
    }

    /**
     * CPython maps non-ASCII whitespace to ' ' and then skips C {@code isspace()}; so U+001C..U+001F,
     * which {@code str.isspace()} accepts, are NOT skipped by {@code int()}.
     */
    private static boolean isIntSpace(int cp) {
        return cp == ' ' || (cp >= '\t' && cp <= '\r') || (cp >= 0x7F && PyText.isSpace(cp));
    }

    private static IllegalArgumentException invalid(String s) {
        return new IllegalArgumentException("invalid literal for int() with base 10: " + shortRepr(s));
    }

    /** CPython formats the value with {@code %.200R}: the repr cut to 200 code points. */
    static String shortRepr(String s) {
        String r = PyRepr.repr(s);
        return r.codePointCount(0, r.length()) <= 200 ? r : r.substring(0, r.offsetByCodePoints(0, 200));
    }
}
