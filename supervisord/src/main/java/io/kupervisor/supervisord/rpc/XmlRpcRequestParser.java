package io.kupervisor.supervisord.rpc;

import io.kupervisor.core.config.dialect.PyInt;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@code methodCall} as supervisord's own loader ({@code supervisor_xmlrpc_handler.loads})
 * does, quirks included: it walks every element, unmarshals the typed ones bottom-up
 * ({@code <boolean>} is true only for {@code 1}, a {@code <value>} without a type is its text, an
 * unknown type such as {@code <i8>} is passed on as its text), and takes the last
 * {@code <methodName>} and {@code <params>} it finds wherever they are.
 *
 * <p>Hardened where supervisord is not: no DTDs and no entities beyond XML's own five (a document
 * with a DOCTYPE is refused), a bound on nesting depth and on the number of elements. The XML is
 * read by {@link XmlReader} (the pod's runtime has no java.xml).
 */
public final class XmlRpcRequestParser {
    /** Deeper documents are refused (supervisord has no bound; no real call nests beyond 5). */
    public static final int MAX_DEPTH = 128;
    /** More elements are refused (a 2 MiB body holds about 100,000 values). */
    public static final int MAX_ELEMENTS = 500_000;

    /**
     * Made on first use: a DateTimeFormatter brings about 100 classes of locale data with it, which
     * every request would otherwise load for the rare dateTime value (issue 18).
     */
    private static final class Iso8601 {
        static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd'T'HH:mm:ss");
    }

    /** The call: method null when the document has none; params null when it has no {@code <params>}. */
    public record Call(String method, List<Object> params) {
    }

    /** The body could not be read as supervisord reads it (its answer: 400). */
    public static final class Malformed extends Exception {
        public Malformed(String message) {
            super(message, null, false, false);
        }
    }

    private XmlRpcRequestParser() {
    }

    /** One element on the way down; {@code text} becomes the unmarshalled value on the way up. */
    private static final class Node {
        final String tag;
        Object text;
        StringBuilder chars;
        List<Node> children;

        Node(String tag) {
            this.tag = tag;
        }

        int size() {
            return children == null ? 0 : children.size();
        }

        Node child(int i) throws Malformed {
            if (i >= size()) {
                throw new Malformed("IndexError: child index out of range in <" + tag + ">");
            }
            return children.get(i);
        }
    }

    public static Call parse(byte[] body) throws Malformed {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(body)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new Malformed("body is not UTF-8");
        }
        return parse(text);
    }

    public static Call parse(String body) throws Malformed {
        String method = null;
        List<Object> params = null;
        List<Node> stack = new ArrayList<>();
        int elements = 0;
        XmlReader r = new XmlReader(body, false);
        try {
            for (int ev = r.next(); ev != XmlReader.END_DOCUMENT; ev = r.next()) {
                switch (ev) {
                    case XmlReader.START -> {
                        if (++elements > MAX_ELEMENTS) {
                            throw new Malformed("more than " + MAX_ELEMENTS + " elements");
                        }
                        if (stack.size() >= MAX_DEPTH) {
                            throw new Malformed("nested deeper than " + MAX_DEPTH + " elements");
                        }
                        Node n = new Node(r.name());
                        if (!stack.isEmpty()) {
                            Node parent = stack.getLast();
                            if (parent.children == null) {
                                parent.children = new ArrayList<>(2);
                            }
                            parent.children.add(n);
                        }
                        stack.add(n);
                    }
                    case XmlReader.TEXT -> {
                        Node n = stack.getLast();
                        // ElementTree's text is what comes before the first child; the rest is tails
                        if (n.children == null) {
                            if (n.chars == null) {
                                n.chars = new StringBuilder();
                            }
                            r.appendText(n.chars);
                        }
                    }
                    case XmlReader.END -> {
                        Node n = stack.removeLast();
                        n.text = n.chars == null ? null : n.chars.toString();
                        n.chars = null;
                        switch (n.tag) {
                            case "methodName" -> method = n.text instanceof String s ? s : null;
                            case "params" -> {
                                List<Object> ps = new ArrayList<>(n.size());
                                for (int i = 0; i < n.size(); i++) {
                                    ps.add(n.children.get(i).text);
                                }
                                params = ps;
                            }
                            default -> unmarshal(n);
                        }
                    }
                    default -> throw new IllegalStateException("XML event " + ev);
                }
            }
        } catch (XmlReader.NotWellFormed e) {
            throw new Malformed(e.getMessage());
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new Malformed(e.getMessage());
        }
        return new Call(method, params);
    }

    private static void unmarshal(Node n) throws Malformed {
        Object data;
        switch (n.tag) {
            case "int", "i4" -> {
                if (!(n.text instanceof String s)) {
                    throw new Malformed("TypeError: int() of None");
                }
                long v = PyInt.parse(s);
                data = v == (int) v ? (Object) (int) v : (Object) v;
            }
            case "boolean" -> data = "1".equals(n.text);
            case "string" -> data = n.text == null ? "" : n.text;
            case "double" -> {
                if (!(n.text instanceof String s)) {
                    throw new Malformed("TypeError: float() of None");
                }
                data = pyFloat(s);
            }
            case "dateTime.iso8601" -> {
                if (!(n.text instanceof String s)) {
                    throw new Malformed("TypeError: strptime() of None");
                }
                data = LocalDateTime.parse(s.strip(), Iso8601.FORMAT);
            }
            case "array" -> data = n.child(0).text;
            case "data" -> {
                List<Object> list = new ArrayList<>(n.size());
                for (int i = 0; i < n.size(); i++) {
                    list.add(n.children.get(i).text);
                }
                data = list;
            }
            case "struct" -> {
                Map<Object, Object> map = new LinkedHashMap<>();
                for (int i = 0; i < n.size(); i++) {
                    Node member = n.children.get(i);
                    if (member.size() != 2) {
                        throw new Malformed("ValueError: a struct member needs a name and a value");
                    }
                    Object key = member.children.get(0).text;
                    if (!PyValues.truthy(key)) {
                        key = "";
                    }
                    map.put(key, member.children.get(1).text);
                }
                data = map;
            }
            case "base64" -> {
                String s = n.text instanceof String t ? t : "";
                byte[] bytes;
                try {
                    bytes = Base64.getMimeDecoder().decode(s);
                } catch (IllegalArgumentException e) {
                    throw new Malformed("binascii.Error: " + e.getMessage());
                }
                try {
                    data = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
                } catch (java.nio.charset.CharacterCodingException e) {
                    throw new Malformed("UnicodeDecodeError in base64 value");
                }
            }
            case "param" -> data = n.child(0).text;
            case "value" -> data = n.size() > 0 ? n.children.getFirst().text : (n.text == null ? "" : n.text);
            default -> {
                return; // left as it is, children and raw text, as ElementTree leaves it
            }
        }
        n.children = null;
        n.text = data;
    }

    /** Python's {@code float(str)}: blanks around, underscores between digits, inf and nan. */
    static double pyFloat(String s) {
        String t = s.strip();
        String lower = t.toLowerCase(java.util.Locale.ROOT);
        String unsigned = lower.startsWith("+") || lower.startsWith("-") ? lower.substring(1) : lower;
        boolean neg = lower.startsWith("-");
        if (unsigned.equals("inf") || unsigned.equals("infinity")) {
            return neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (unsigned.equals("nan")) {
            return Double.NaN;
        }
        if (!t.matches("[+-]?(\\d(_?\\d)*)?(\\.(\\d(_?\\d)*)?)?([eE][+-]?\\d(_?\\d)*)?") || !t.matches(".*\\d.*")
                || t.matches("[+-]?\\.?([eE].*)?")) {
            throw new IllegalArgumentException("could not convert string to float: " + PyValues.repr(s));
        }
        return Double.parseDouble(t.replace("_", ""));
    }
}
