package io.kupervisor.core.config;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes maps, lists, strings, numbers, booleans and nulls as JSON the way Python's
 * {@code json.dumps(..., indent=1, sort_keys=True)} does, so kupervisor's output and supervisord's
 * oracle output can be compared with diff.
 */
public final class JsonWriter {
    private JsonWriter() {
    }

    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, 0);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object value, int depth) {
        switch (value) {
            case null -> sb.append("null");
            case String s -> string(sb, s);
            case Boolean b -> sb.append(b);
            case Number n -> sb.append(n);
            case Map<?, ?> m -> {
                if (m.isEmpty()) {
                    sb.append("{}");
                    return;
                }
                Map<String, Object> sorted = new TreeMap<>();
                m.forEach((k, v) -> sorted.put(String.valueOf(k), v));
                sb.append('{');
                boolean first = true;
                for (var e : sorted.entrySet()) {
                    sb.append(first ? "\n" : ",\n").append(" ".repeat(depth + 1));
                    first = false;
                    string(sb, e.getKey());
                    sb.append(": ");
                    write(sb, e.getValue(), depth + 1);
                }
                sb.append('\n').append(" ".repeat(depth)).append('}');
            }
            case List<?> l -> {
                if (l.isEmpty()) {
                    sb.append("[]");
                    return;
                }
                sb.append('[');
                boolean first = true;
                for (Object o : l) {
                    sb.append(first ? "\n" : ",\n").append(" ".repeat(depth + 1));
                    first = false;
                    write(sb, o, depth + 1);
                }
                sb.append('\n').append(" ".repeat(depth)).append(']');
            }
            default -> string(sb, value.toString());
        }
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
