package io.kupervisor.supervisord.rpc;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Writes XML-RPC documents byte for byte as Python's {@code xmlrpc.client.dumps} does (which is
 * what supervisord answers with): {@code <?xml version='1.0'?>}, one element per line, only
 * {@code & < >} escaped, strings in {@code <string>}, structs in insertion order.
 */
public final class XmlRpcWriter {
    /**
     * Made on first use: a DateTimeFormatter brings about 100 classes of locale data with it, which
     * every request would otherwise load for the rare dateTime value (issue 18).
     */
    private static final class Iso8601 {
        static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd'T'HH:mm:ss");
    }

    private XmlRpcWriter() {
    }

    /** A {@code methodResponse} carrying one value. */
    public static byte[] response(Object value) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n");
        value(sb, value, 0);
        sb.append("</param>\n</params>\n</methodResponse>\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A {@code methodResponse} carrying a fault. */
    public static byte[] fault(int code, String text) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("<?xml version='1.0'?>\n<methodResponse>\n<fault>\n");
        sb.append("<value><struct>\n<member>\n<name>faultCode</name>\n<value><int>").append(code)
                .append("</int></value>\n</member>\n<member>\n<name>faultString</name>\n<value><string>");
        escape(sb, text);
        sb.append("</string></value>\n</member>\n</struct></value>\n");
        sb.append("</fault>\n</methodResponse>\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A {@code methodCall}, for the client. */
    public static byte[] call(String method, List<?> params) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("<?xml version='1.0'?>\n<methodCall>\n<methodName>");
        escape(sb, method);
        sb.append("</methodName>\n<params>\n");
        for (Object p : params) {
            sb.append("<param>\n");
            value(sb, p, 0);
            sb.append("</param>\n");
        }
        sb.append("</params>\n</methodCall>\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void value(StringBuilder sb, Object v, int depth) {
        if (depth > 64) {
            throw new IllegalArgumentException("value nested too deeply");
        }
        // instanceof, not a pattern switch: that is a class spun at run time (issue 18)
        if (v == null) {
            sb.append("<value><nil/></value>\n");
        } else if (v instanceof String s) {
            sb.append("<value><string>");
            escape(sb, s);
            sb.append("</string></value>\n");
        } else if (v instanceof Boolean b) {
            sb.append("<value><boolean>").append(b ? '1' : '0').append("</boolean></value>\n");
        } else if (v instanceof Integer i) {
            sb.append("<value><int>").append(i).append("</int></value>\n");
        } else if (v instanceof Long l) {
            sb.append("<value><int>").append(l).append("</int></value>\n");
        } else if (v instanceof Double d) {
            sb.append("<value><double>").append(PyValues.floatRepr(d)).append("</double></value>\n");
        } else if (v instanceof byte[] bytes) {
            sb.append("<value><base64>\n").append(Base64.getMimeEncoder(76, new byte[] {'\n'})
                    .encodeToString(bytes)).append("\n</base64></value>\n");
        } else if (v instanceof LocalDateTime t) {
            sb.append("<value><dateTime.iso8601>").append(Iso8601.FORMAT.format(t)).append("</dateTime.iso8601></value>\n");
        } else if (v instanceof List<?> list) {
            sb.append("<value><array><data>\n");
            for (Object o : list) {
                value(sb, o, depth + 1);
            }
            sb.append("</data></array></value>\n");
        } else if (v instanceof Map<?, ?> map) {
            sb.append("<value><struct>\n");
            for (Map.Entry<?, ?> e : map.entrySet()) {
                sb.append("<member>\n<name>");
                escape(sb, String.valueOf(e.getKey()));
                sb.append("</name>\n");
                value(sb, e.getValue(), depth + 1);
                sb.append("</member>\n");
            }
            sb.append("</struct></value>\n");
        } else {
            throw new IllegalArgumentException("cannot marshal " + v.getClass().getName());
        }
    }

    /** Python's {@code xmlrpc.client.escape}: {@code &}, {@code <} and {@code >} only. */
    static void escape(StringBuilder sb, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                default -> sb.append(c);
            }
        }
    }
}
