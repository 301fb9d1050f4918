package io.kupervisor.core.config.dialect;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * CPython's {@code PyOS_double_to_string} for the %-conversions e, E, f, F, g and G.
 *
 * <p>Both sides round correctly with ties to even: Python through David Gay's dtoa, here through
 * the exact decimal expansion of the double in {@link BigDecimal}. The digits are then laid out as
 * CPython's {@code format_float_short} does.
 */
final class PyFloatFormat {

    private PyFloatFormat() {}

    static String format(double x, int type, int precision, boolean alt) {
        // %-formatting only ever sees finite values here (they come from ints).
        boolean negative = x < 0;
        BigDecimal abs = new BigDecimal(x).abs();
        int lower = Character.toLowerCase(type);
        String body = switch (lower) {
            case 'e' -> {
                Digits d = significant(abs, precision + 1);
                yield layout(d, true, precision + 1, alt);
            }
            case 'f' -> {
                Digits d = fixed(abs, precision);
                yield layout(d, false, d.decpt() + precision, alt);
            }
            case 'g' -> {
                int p = precision == 0 ? 1 : precision;
                Digits d = significant(abs, p);
                boolean useExp = d.decpt() <= -4 || d.decpt() > p;
                yield layout(d, useExp, alt ? p : d.digits().length(), alt);
            }
            default -> throw new IllegalArgumentException("not a float conversion: " + Character.toString(type));
        };
        String s = (negative ? "-" : "") + body;
        return type == lower ? s : s.toUpperCase(Locale.ROOT);
    }

    /** dtoa's output: significant digits without trailing zeros, value = 0.DIGITS * 10^decpt. */
    private record Digits(String digits, int decpt) {}

    private static Digits significant(BigDecimal abs, int count) {
        if (abs.signum() == 0) {
            return new Digits("0", 1);
        }
        return digitsOf(abs.round(new MathContext(count, RoundingMode.HALF_EVEN)));
    }

    private static Digits fixed(BigDecimal abs, int decimals) {
        BigDecimal rounded = abs.setScale(decimals, RoundingMode.HALF_EVEN);
        return rounded.signum() == 0 ? new Digits("0", 1) : digitsOf(rounded);
    }

    private static Digits digitsOf(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        String digits = stripped.unscaledValue().toString();
        return new Digits(digits, digits.length() - stripped.scale());
    }

    /** {@code format_float_short}'s layout: zero padding, decimal point, then an exponent if asked for. */
    private static String layout(Digits d, boolean useExp, int vdigitsEnd, boolean alt) {
        String digits = d.digits();
        int decpt = d.decpt();
        int exp = 0;
        if (useExp) {
            exp = decpt - 1;
            decpt = 1;
        }
        int vdigitsStart = decpt <= 0 ? decpt - 1 : 0;
        vdigitsEnd = Math.max(vdigitsEnd, decpt);
        StringBuilder p = new StringBuilder();
        if (decpt <= 0) {
            p.repeat('0', decpt - vdigitsStart).append('.').repeat('0', -decpt);
        } else {
            p.repeat('0', -vdigitsStart);
        }
        if (0 < decpt && decpt <= digits.length()) {
            p.append(digits, 0, decpt).append('.').append(digits, decpt, digits.length());
        } else {
            p.append(digits);
        }
        if (digits.length() < decpt) {
            p.repeat('0', decpt - digits.length()).append('.').repeat('0', vdigitsEnd - decpt);
        } else {
            p.repeat('0', vdigitsEnd - digits.length());
        }
        if (p.charAt(p.length() - 1) == '.' && !alt) {
            p.setLength(p.length() - 1);
        }
        if (useExp) {
            p.append('e').append(exp < 0 ? '-' : '+');
            String e = Integer.toString(Math.abs(exp));
            p.append(e.length() < 2 ? "0" + e : e);
        }
        return p.toString();
    }
}
