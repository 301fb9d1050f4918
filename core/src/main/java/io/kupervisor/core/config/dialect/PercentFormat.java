package io.kupervisor.core.config.dialect;

import java.util.Locale;
import java.util.Map;

/**
 * Python's {@code template % mapping} for str and int values: how supervisord expands
 * {@code %(program_name)s}, {@code %(process_num)02d}, {@code %(ENV_HOME)s} and friends.
 *
 * <p>This is a port of CPython 3.11's {@code PyUnicode_Format}, down to the order in which it
 * notices errors (a missing name wins over a bad conversion character after it, for instance),
 * because supervisord prints those messages. It runs on code points, as Python indexes them.
 *
 * <p>One deliberate difference: a conversion without a {@code (name)} is rejected. With a mapping
 * Python formats the whole mapping there, which in supervisord means dumping its expansion table
 * (environment variables included) into a command line or path.
 */
public final class PercentFormat {

    private static final int F_LJUST = 1;
    private static final int F_SIGN = 2;
    private static final int F_BLANK = 4;
    private static final int F_ALT = 8;
    private static final int F_ZERO = 16;

    /** Beyond this many code points Python would be exhausting memory; we refuse instead. */
    private static final long MAX_PIECE = 50_000_000L;

    /** Stands for "the mapping itself", the argument a name-less conversion receives. */
    private static final Object WHOLE_MAPPING = new Object();

    private final int[] fmt;
    private final Map<String, ?> mapping;
    private final StringBuilder out = new StringBuilder();

    // CPython's cursor: fmtcnt counts down the characters left and may go negative on the way out.
    private int pos;
    private long fmtcnt;

    // CPython's "current argument": the mapping until a %(name) replaces it with that value.
    private Object args = WHOLE_MAPPING;
    private int argidx = -2;

    private PercentFormat(String template, Map<String, ?> mapping) {
        this.fmt = template.codePoints().toArray();
        this.mapping = mapping;
    }

    /**
     * Expands {@code template % mapping}.
     *
     * @param mapping values must be {@link String}, {@link Integer} or {@link Long} (not null)
     * @throws FormatException MISSING_NAME for an unknown {@code %(name)}, BAD_FORMAT with Python's
     *     message for anything else (and for a name-less conversion, see the class comment)
     */
    public static String format(String template, Map<String, ?> mapping) throws FormatException {
        return new PercentFormat(template, mapping).run();
    }

    private String run() throws FormatException {
        fmtcnt = fmt.length;
        while (--fmtcnt >= 0) {
            if (fmt[pos] != '%') {
                int start = pos;
                while (pos < fmt.length && fmt[pos] != '%') {
                    pos++;
                }
                appendCodePoints(fmt, start, pos - start);
                fmtcnt = fmt.length - pos;
            } else {
                pos++;
                formatOne();
            }
        }
        return out.toString();
    }

    /** One conversion; {@code pos} is just after its '%'. */
    private void formatOne() throws FormatException {
        int specStart = pos - 1;
        int ch = read(pos);
        if (ch == '%') {
            pos++;
            fmtcnt--;
            out.append('%');
            return;
        }
        Spec spec = new Spec();
        spec.ch = ch;
        parse(spec);
        Object v = nextArg();
        if (v == WHOLE_MAPPING) {
            // Python formats the whole dict for %s/%r/%a (kupervisor refuses: never what was meant)
            // and fails for the numeric conversions with its own words
            String text = new String(fmt, specStart, pos - specStart);
            switch (spec.ch) {
                case 's', 'r', 'a' -> throw FormatException.badFormat("'" + text + "' without a name would insert"
                        + " supervisord's whole expansion table; write %" + text + " for a literal " + text);
                case 'd', 'i', 'u' -> throw FormatException.badFormat(
                        "%" + (char) spec.ch + " format: a real number is required, not dict");
                case 'o', 'x', 'X' -> throw FormatException.badFormat(
                        "%" + (char) spec.ch + " format: an integer is required, not dict");
                case 'e', 'E', 'f', 'F', 'g', 'G' -> throw FormatException.badFormat("must be real number, not dict");
                case 'c' -> throw FormatException.badFormat("%c requires int or char");
                default -> {
                }
            }
        }
        String str = convert(spec, v);
        output(spec, str.codePoints().toArray());
    }

    private static final class Spec {
        int ch;
        int flags;
        long width = -1;
        int prec = -1;
        boolean sign;

        boolean has(int flag) {
            return (flags & flag) != 0;
        }
    }

    /** {@code unicode_format_arg_parse}: name, flags, width, precision, length modifier. */
    private void parse(Spec a) throws FormatException {
        if (a.ch == '(') {
            pos++;
            fmtcnt--;
            int keystart = pos;
            int pcount = 1;
            while (pcount > 0 && --fmtcnt >= 0) {
                a.ch = read(pos);
                if (a.ch == ')') {
                    pcount--;
                } else if (a.ch == '(') {
                    pcount++;
                }
                pos++;
            }
            if (fmtcnt < 0 || pcount > 0) {
                throw FormatException.badFormat("incomplete format key");
            }
            String key = new String(fmt, keystart, pos - keystart - 1);
            if (!mapping.containsKey(key)) {
                throw FormatException.missingName(key);
            }
            args = mapping.get(key);
            argidx = -2;
        }
        flags:
        while (--fmtcnt >= 0) {
            a.ch = read(pos++);
            switch (a.ch) {
                case '-' -> a.flags |= F_LJUST;
                case '+' -> a.flags |= F_SIGN;
                case ' ' -> a.flags |= F_BLANK;
                case '#' -> a.flags |= F_ALT;
                case '0' -> a.flags |= F_ZERO;
                default -> {
                    break flags;
                }
            }
        }
        if (a.ch == '*') {
            long w = starArgument();
            if (w < 0) {
                a.flags |= F_LJUST;
                w = -w; // Long.MIN_VALUE stays negative, as in C, and then acts like "no width"
            }
            a.width = w;
            if (--fmtcnt >= 0) {
                a.ch = read(pos++);
            }
        } else if (isDigit(a.ch)) {
            a.width = a.ch - '0';
            while (--fmtcnt >= 0) {
                a.ch = read(pos++);
                if (!isDigit(a.ch)) {
                    break;
                }
                if (a.width > (Long.MAX_VALUE - (a.ch - '0')) / 10) {
                    throw FormatException.badFormat("width too big");
                }
                a.width = a.width * 10 + (a.ch - '0');
            }
        }
        if (a.ch == '.') {
            a.prec = 0;
            if (--fmtcnt >= 0) {
                a.ch = read(pos++);
            }
            if (a.ch == '*') {
                long p = starArgument();
                if (p < Integer.MIN_VALUE || p > Integer.MAX_VALUE) {
                    throw FormatException.badFormat("Python int too large to convert to C int");
                }
                a.prec = (int) Math.max(p, 0);
                if (--fmtcnt >= 0) {
                    a.ch = read(pos++);
                }
            } else if (isDigit(a.ch)) {
                a.prec = a.ch - '0';
                while (--fmtcnt >= 0) {
                    a.ch = read(pos++);
                    if (!isDigit(a.ch)) {
                        break;
                    }
                    if (a.prec > (Integer.MAX_VALUE - (a.ch - '0')) / 10) {
                        throw FormatException.badFormat("precision too big");
                    }
                    a.prec = a.prec * 10 + (a.ch - '0');
                }
            }
        }
        if (fmtcnt >= 0 && (a.ch == 'h' || a.ch == 'l' || a.ch == 'L')) {
            if (--fmtcnt >= 0) {
                a.ch = read(pos++);
            }
        }
        if (fmtcnt < 0) {
            throw FormatException.badFormat("incomplete format");
        }
    }

    private long starArgument() throws FormatException {
        Object v = nextArg();
        if (!(v instanceof Integer || v instanceof Long)) {
            throw FormatException.badFormat("* wants int");
        }
        return ((Number) v).longValue();
    }

    /** {@code unicode_format_getnextarg}: each argument (the mapping, or a named value) serves once. */
    private Object nextArg() throws FormatException {
        if (argidx < -1) {
            argidx++;
            return args;
        }
        throw FormatException.badFormat("not enough arguments for format string");
    }

    /** {@code unicode_format_arg_format}: the converted text before padding. */
    private String convert(Spec a, Object v) throws FormatException {
        return switch (a.ch) {
            case 's' -> v instanceof String s ? s : Long.toString(integer(v));
            case 'r' -> v instanceof String s ? PyRepr.repr(s) : Long.toString(integer(v));
            case 'a' -> v instanceof String s ? PyRepr.ascii(s) : Long.toString(integer(v));
            case 'd', 'i', 'u', 'o', 'x', 'X' -> {
                if (v instanceof String) {
                    String need = a.ch == 'o' || a.ch == 'x' || a.ch == 'X' ? "an integer" : "a real number";
                    throw FormatException.badFormat("%" + (char) a.ch + " format: " + need + " is required, not str");
                }
                a.sign = true;
                yield formatLong(integer(v), a.has(F_ALT), a.prec, a.ch);
            }
            case 'e', 'E', 'f', 'F', 'g', 'G' -> {
                if (v instanceof String) {
                    throw FormatException.badFormat("must be real number, not str");
                }
                a.sign = true;
                int prec = a.prec < 0 ? 6 : a.prec;
                checkSize(prec);
                yield PyFloatFormat.format((double) integer(v), a.ch, prec, a.has(F_ALT));
            }
            case 'c' -> Character.toString(charOf(v));
            default -> throw FormatException.badFormat("unsupported format character '"
                    + (a.ch >= 31 && a.ch <= 126 ? Character.toString(a.ch) : "?")
                    + "' (0x" + Integer.toHexString(a.ch) + ") at index " + (pos - 1));
        };
    }

    private static long integer(Object v) {
        // instanceof, not a pattern switch: that is a class spun at run time (issue 18)
        if (v instanceof Integer i) {
            return i;
        } else if (v instanceof Long l) {
            return l;
        } else if (v == null) {
            throw new IllegalArgumentException("format values must not be null");
        }
        throw new IllegalArgumentException("format values must be String, Integer or Long, not " + v.getClass().getName());
    }

    private static int charOf(Object v) throws FormatException {
        if (v instanceof String s) {
            if (s.codePointCount(0, s.length()) == 1) {
                return s.codePointAt(0);
            }
            throw FormatException.badFormat("%c requires int or char");
        }
        long x = integer(v);
        if (x < 0 || x > Character.MAX_CODE_POINT) {
            throw FormatException.badFormat("%c arg not in range(0x110000)");
        }
        return (int) x;
    }

    /**
     * {@code _PyUnicode_FormatLong}: optional sign, "0x"/"0X"/"0o" only with the # flag, and at least
     * {@code prec} digits.
     */
    private static String formatLong(long value, boolean alt, int prec, int type) throws FormatException {
        if (prec > Integer.MAX_VALUE - 3) {
            throw FormatException.badFormat("precision too large");
        }
        int radix = switch (type) {
            case 'o' -> 8;
            case 'x', 'X' -> 16;
            default -> 10;
        };
        // -value overflows only for Long.MIN_VALUE, whose unsigned reading is still right.
        String digits = Long.toUnsignedString(value < 0 ? -value : value, radix);
        String prefix = alt && radix != 10 ? (radix == 8 ? "0o" : "0x") : "";
        if (prec > digits.length()) {
            checkSize(prec);
            digits = "0".repeat(prec - digits.length()) + digits;
        }
        String s = (value < 0 ? "-" : "") + prefix + digits;
        return type == 'X' ? s.toUpperCase(Locale.ROOT) : s;
    }

    /** {@code unicode_format_arg_output}: precision cut for s/r/a, sign, "0x" prefix and padding. */
    private void output(Spec a, int[] str) throws FormatException {
        int fill = a.sign && a.has(F_ZERO) ? '0' : ' ';
        long len = str.length;
        if ((a.width == -1 || a.width <= len) && (a.prec == -1 || a.prec >= len)
                && !a.has(F_SIGN) && !a.has(F_BLANK)) {
            appendCodePoints(str, 0, str.length);
            return;
        }
        if ((a.ch == 's' || a.ch == 'r' || a.ch == 'a') && a.prec >= 0 && len > a.prec) {
            len = a.prec;
        }
        int pindex = 0;
        int signchar = 0;
        boolean sign = a.sign;
        if (sign) {
            int first = str[0];
            if (first == '-' || first == '+') {
                signchar = first;
                len--;
                pindex++;
            } else if (a.has(F_SIGN)) {
                signchar = '+';
            } else if (a.has(F_BLANK)) {
                signchar = ' ';
            } else {
                sign = false;
            }
        }
        long width = Math.max(a.width, len);
        checkSize(width);
        boolean prefixed = a.has(F_ALT) && (a.ch == 'x' || a.ch == 'X' || a.ch == 'o');
        if (sign) {
            if (fill != ' ') {
                out.appendCodePoint(signchar);
            }
            if (width > len) {
                width--;
            }
        }
        if (prefixed) {
            if (fill != ' ') {
                out.append('0').appendCodePoint(a.ch);
                pindex += 2;
            }
            width = Math.max(width - 2, 0);
            len -= 2;
        }
        if (width > len && !a.has(F_LJUST)) {
            out.repeat(fill, (int) (width - len));
            width = len;
        }
        if (fill == ' ') {
            if (sign) {
                out.appendCodePoint(signchar);
            }
            if (prefixed) {
                out.append('0').appendCodePoint(a.ch);
                pindex += 2;
            }
        }
        if (len > 0) {
            appendCodePoints(str, pindex, (int) len);
        }
        if (width > len) {
            out.repeat(' ', (int) (width - len));
        }
    }

    private static void checkSize(long n) throws FormatException {
        if (n > MAX_PIECE) {
            // Python would try to allocate this; kupervisor refuses (a deliberate deviation).
            throw FormatException.badFormat("formatted value too large: " + n + " characters");
        }
    }

    private int read(int index) {
        // CPython reads the string's NUL terminator when a format ends right after '%'.
        return index < fmt.length ? fmt[index] : 0;
    }

    private static boolean isDigit(int ch) {
        return ch >= '0' && ch <= '9';
    }

    private void appendCodePoints(int[] cps, int offset, int count) {
        for (int i = offset; i < offset + count; i++) {
            out.appendCodePoint(cps[i]);
        }
    }
}
