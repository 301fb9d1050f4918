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
    /**
     * Made on first use: a DateTimeFormatter brings about 100 classes of locale data with it, which
     * every request would otherwise load for the rare dateTime value (issue 18).
     */
    private static final class Datetime {
        static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    }

    private PyValues() {
    }

    /** Python's {@code str(value)}. */
    public static String str(Object value) {
        return value instanceof String s ? s : repr(value);
    }

    /** Python's {@code repr(value)}. */
    // here and below instanceof, not pattern switches: each of those is a class spun at run time (issue 18)
    public static String repr(Object value) {
        if (value == null) {
            return "None";
        } else if (value instanceof String s) {
            return PyRepr.repr(s);
        } else if (value instanceof Boolean b) {
            return b ? "True" : "False";
        } else if (value instanceof Double d) {
            return floatRepr(d);
        } else if (value instanceof LocalDateTime t) {
            return "datetime.datetime(" + t.getYear() + ", " + t.getMonthValue() + ", "
                    + t.getDayOfMonth() + ", " + t.getHour() + ", " + t.getMinute()
                    + (t.getSecond() != 0 ? ", " + t.getSecond() : "") + ")";
        } else if (value instanceof List<?> list) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    sb.append(", ");
                }
                sb.append(repr(list.get(i)));
            }
            return sb.append(']').toString();
        } else if (value instanceof Map<?, ?> map) {
            StringBuilder sb = new StringBuilder("{");
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) {
                    sb.append(", ");
                }
                first = false;
                sb.append(repr(e.getKey())).append(": ").append(repr(e.getValue()));
            }
            return sb.append('}').toString();
        }
        return value.toString(); // Integer and Long too
    }

    /** {@code str()} of a datetime, as Python prints it. */
    static String datetimeStr(LocalDateTime t) {
        return Datetime.FORMAT.format(t);
    }

    /** Python's {@code type(value).__name__}. */
    public static String typeName(Object value) {
        if (value == null) {
            return "NoneType";
        } else if (value instanceof String) {
            return "str";
        } else if (value instanceof Boolean) {
            return "bool";
        } else if (value instanceof Integer || value instanceof Long) {
            return "int";
        } else if (value instanceof Double) {
            return "float";
        } else if (value instanceof List<?>) {
            return "list";
        } else if (value instanceof Map<?, ?>) {
            return "dict";
        } else if (value instanceof LocalDateTime) {
            return "datetime";
        }
        return value.getClass().getSimpleName();
    }

    /** About how many bytes a value takes in an answer: its strings' characters, and a little per item. */
    public static long approximateSize(Object value) {
        if (value instanceof String s) {
            return s.length();
        } else if (value instanceof List<?> l) {
            long n = 16;
            for (Object o : l) {
                n += approximateSize(o);
            }
            return n;
        } else if (value instanceof Map<?, ?> m) {
            long n = 16;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                n += approximateSize(e.getKey()) + approximateSize(e.getValue());
            }
            return n;
        }
        return 16;
    }

    /** Python's truth of a value ({@code if wait:}). */
    public static boolean truthy(Object value) {
        if (value == null) {
            return false;
        } else if (value instanceof Boolean b) {
            return b;
        } else if (value instanceof Integer i) {
            return i != 0;
        } else if (value instanceof Long l) {
            return l != 0;
        } else if (value instanceof Double d) {
            return d != 0.0;
        } else if (value instanceof String s) {
            return !s.isEmpty();
        } else if (value instanceof List<?> l) {
            return !l.isEmpty();
        } else if (value instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        return true;
    }

    /**
     * Python's {@code int(value)} for what an XML-RPC client can send: ints, bools, floats
     * (truncated) and numeric strings.
     *
     * @throws IllegalArgumentException when Python's {@code int()} would fail
     */
    public static long toInt(Object value) {
        if (value instanceof Integer i) {
            return i;
        } else if (value instanceof Long l) {
            return l;
        } else if (value instanceof Boolean b) {
            return b ? 1 : 0;
        } else if (value instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                throw new IllegalArgumentException("cannot convert float " + floatRepr(d) + " to integer");
            }
            return (long) (double) d;
        } else if (value instanceof String s) {
            return PyInt.parse(s);
        }
        throw new IllegalArgumentException("int() argument must be a string, a bytes-like object "
                + "or a real number, not '" + typeName(value) + "'");
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
