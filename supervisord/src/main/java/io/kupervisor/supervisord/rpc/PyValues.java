package io.kupervisor.supervisord.rpc;

import io.kupervisor.core.config.dialect.PyInt;
import io.kupervisor.core.config.dialect.PyRepr;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * XML-RPC values as supervisord's Python sees them: {@code str()}, {@code repr()}, the type name,
 * truth and {@code int()}, for fault texts and for arguments that Python takes by duck typing.
 * Values are {@link String}, {@link Integer}/{@link Long}, {@link Boolean}, {@link Double},
 * {@link List}, {@link Map}, {@link LocalDateTime} or null (Python's None).
 */
public final class PyValues {
    private static final DateTimeFormatter DATETIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private PyValues() {
    }

    /** Python's {@code str(value)}. */
    public static String str(Object value) {
        return value instanceof String s ? s : repr(value);
    }

    /** Python's {@code repr(value)}. */
    public static String repr(Object value) {
        return switch (value) {
            case null -> "None";
            case String s -> PyRepr.repr(s);
            case Boolean b -> b ? "True" : "False";
            case Integer i -> i.toString();
            case Long l -> l.toString();
            case Double d -> floatRepr(d);
            case LocalDateTime t -> "datetime.datetime(" + t.getYear() + ", " + t.getMonthValue() + ", "
                    + t.getDayOfMonth() + ", " + t.getHour() + ", " + t.getMinute()
                    + (t.getSecond() != 0 ? ", " + t.getSecond() : "") + ")";
            case List<?> list -> {
                StringBuilder sb = new StringBuilder("[");
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) {
                        sb.append(", ");
                    }
                    sb.append(repr(list.get(i)));
                }
                yield sb.append(']').toString();
            }
            case Map<?, ?> map -> {
                StringBuilder sb = new StringBuilder("{");
                boolean first = true;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (!first) {
                        sb.append(", ");
                    }
                    first = false;
                    sb.append(repr(e.getKey())).append(": ").append(repr(e.getValue()));
                }
                yield sb.append('}').toString();
            }
            default -> value.toString();
        };
    }

    /** {@code str()} of a datetime, as Python prints it. */
    static String datetimeStr(LocalDateTime t) {
        return DATETIME.format(t);
    }

    /** Python's {@code type(value).__name__}. */
    public static String typeName(Object value) {
        return switch (value) {
            case null -> "NoneType";
            case String s -> "str";
            case Boolean b -> "bool";
            case Integer i -> "int";
            case Long l -> "int";
            case Double d -> "float";
            case List<?> l -> "list";
            case Map<?, ?> m -> "dict";
            case LocalDateTime t -> "datetime";
            default -> value.getClass().getSimpleName();
        };
    }

    /** About how many bytes a value takes in an answer: its strings' characters, and a little per item. */
    public static long approximateSize(Object value) {
        return switch (value) {
            case String s -> s.length();
            case List<?> l -> {
                long n = 16;
                for (Object o : l) {
                    n += approximateSize(o);
                }
                yield n;
            }
            case Map<?, ?> m -> {
                long n = 16;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    n += approximateSize(e.getKey()) + approximateSize(e.getValue());
                }
                yield n;
            }
            case null, default -> 16;
        };
    }

    /** Python's truth of a value ({@code if wait:}). */
    public static boolean truthy(Object value) {
        return switch (value) {
            case null -> false;
            case Boolean b -> b;
            case Integer i -> i != 0;
            case Long l -> l != 0;
            case Double d -> d != 0.0;
            case String s -> !s.isEmpty();
            case List<?> l -> !l.isEmpty();
            case Map<?, ?> m -> !m.isEmpty();
            default -> true;
        };
    }

    /**
     * Python's {@code int(value)} for what an XML-RPC client can send: ints, bools, floats
     * (truncated) and numeric strings.
     *
     * @throws IllegalArgumentException when Python's {@code int()} would fail
     */
    public static long toInt(Object value) {
        return switch (value) {
            case Integer i -> i;
            case Long l -> l;
            case Boolean b -> b ? 1 : 0;
            case Double d -> {
                if (d.isNaN() || d.isInfinite()) {
                    throw new IllegalArgumentException("cannot convert float " + floatRepr(d) + " to integer");
                }
                yield (long) (double) d;
            }
            case String s -> PyInt.parse(s);
            case null -> throw new IllegalArgumentException("int() argument must be a string, a bytes-like object "
                    + "or a real number, not 'NoneType'");
            default -> throw new IllegalArgumentException("int() argument must be a string, a bytes-like object "
                    + "or a real number, not '" + typeName(value) + "'");
        };
    }

    /** Python's {@code repr(float)}: the shortest digits, {@code 1.0}, {@code 1e+16}, {@code 1.5e-05}. */
    public static String floatRepr(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0.0" : "0.0";
        }
        BigDecimal bd = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        String digits = bd.unscaledValue().toString();
        int exp = digits.length() - bd.scale() - 1;
        StringBuilder sb = new StringBuilder(d < 0 ? "-" : "");
        if (exp >= -5 + 1 && exp < 16) {
            if (exp >= 0) {
                if (digits.length() <= exp + 1) {
                    sb.append(digits).append("0".repeat(exp + 1 - digits.length())).append(".0");
                } else {
                    sb.append(digits, 0, exp + 1).append('.').append(digits.substring(exp + 1));
                }
            } else {
                sb.append("0.").append("0".repeat(-exp - 1)).append(digits);
            }
        } else {
            sb.append(digits.charAt(0));
            if (digits.length() > 1) {
                sb.append('.').append(digits.substring(1));
            }
            sb.append('e').append(exp < 0 ? '-' : '+');
            int a = Math.abs(exp);
            sb.append(a < 10 ? "0" + a : Integer.toString(a));
        }
        return sb.toString();
    }
}
