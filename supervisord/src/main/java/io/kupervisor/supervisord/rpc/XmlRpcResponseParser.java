package io.kupervisor.supervisord.rpc;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@code methodResponse} as Python's {@code xmlrpc.client} does, for {@code kupervisor ctl}.
 * One difference on purpose: control characters that XML 1.0 forbids (supervisord copies program
 * output into {@code <string>} as it is, ANSI colour codes included, and Python's client then
 * fails to parse the answer) are accepted and given back as they were sent. The XML is read by
 * {@link XmlReader} (the pod's runtime has no java.xml).
 */
public final class XmlRpcResponseParser {
    /**
     * Made on first use: a DateTimeFormatter brings about 100 classes of locale data with it, which
     * every request would otherwise load for the rare dateTime value (issue 18).
     */
    private static final class Iso8601 {
        static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd'T'HH:mm:ss");
    }
    private static final int MAX_DEPTH = 256;
    /** The types whose text is read with blanks around it stripped. */
    private static final java.util.Set<String> STRIPPED = java.util.Set.of("int", "i4", "i8", "boolean", "double",
            "dateTime.iso8601");

    private XmlRpcResponseParser() {
    }

    /** A response that is not XML-RPC. */
    public static final class BadResponse extends Exception {
        public BadResponse(String message) {
            super(message);
        }
    }

    private static final class Node {
        final String tag;
        final StringBuilder text = new StringBuilder();
        final List<Node> children = new ArrayList<>(2);

        Node(String tag) {
            this.tag = tag;
        }
    }

    /**
     * The value of a {@code methodResponse}.
     *
     * @throws RpcFault    when the answer is a fault
     * @throws BadResponse when it is not a methodResponse
     */
    public static Object parse(byte[] body) throws BadResponse {
        String text = new String(body, StandardCharsets.UTF_8);
        Node root = tree(text);
        if (!root.tag.equals("methodResponse")) {
            throw new BadResponse("not a methodResponse: <" + root.tag + ">");
        }
        Node first = only(root, "params", "fault");
        if (first.tag.equals("fault")) {
            Object f = value(only(first, "value"), 0);
            if (f instanceof Map<?, ?> m && m.get("faultCode") instanceof Integer code) {
                throw RpcFault.received(code, String.valueOf(m.get("faultString")));
            }
            throw new BadResponse("malformed fault");
        }
        Node param = only(first, "param");
        return value(only(param, "value"), 0);
    }

    private static Node only(Node parent, String... tags) throws BadResponse {
        for (Node c : parent.children) {
            for (String t : tags) {
                if (c.tag.equals(t)) {
                    return c;
                }
            }
        }
        throw new BadResponse("<" + parent.tag + "> has no <" + String.join("|", tags) + ">");
    }

    private static Object value(Node v, int depth) throws BadResponse {
        if (depth > MAX_DEPTH) {
            throw new BadResponse("value nested too deeply");
        }
        if (v.children.isEmpty()) {
            return v.text.toString();
        }
        Node t = v.children.getFirst();
        String s = t.text.toString();
        if (STRIPPED.contains(t.tag) && hasControlChar(s)) {
            // only text may carry them; strip() would take some (FS to US) for blanks
            throw new BadResponse("bad <" + t.tag + "> value: a control character");
        }
        try {
            return switch (t.tag) {
                case "int", "i4", "i8" -> {
                    long l = Long.parseLong(s.strip());
                    yield l == (int) l ? (Object) (int) l : (Object) l;
                }
                case "boolean" -> switch (s.strip()) {
                    case "1" -> true;
                    case "0" -> false;
                    default -> throw new BadResponse("bad boolean value");
                };
                case "string" -> s;
                case "double" -> XmlRpcRequestParser.pyFloat(s);
                case "nil" -> null;
                case "base64" -> Base64.getMimeDecoder().decode(s.strip());
                case "dateTime.iso8601" -> LocalDateTime.parse(s.strip(), Iso8601.FORMAT);
                case "array" -> {
                    List<Object> list = new ArrayList<>();
                    Node data = only(t, "data");
                    for (Node c : data.children) {
                        if (c.tag.equals("value")) {
                            list.add(value(c, depth + 1));
                        }
                    }
                    yield list;
                }
                case "struct" -> {
                    Map<String, Object> map = new LinkedHashMap<>();
                    for (Node m : t.children) {
                        if (m.tag.equals("member")) {
                            map.put(only(m, "name").text.toString(), value(only(m, "value"), depth + 1));
                        }
                    }
                    yield map;
                }
                default -> throw new BadResponse("unknown type <" + t.tag + ">");
            };
        } catch (NumberFormatException | java.time.format.DateTimeParseException e) {
            throw new BadResponse("bad <" + t.tag + "> value: " + e.getMessage());
        }
    }

    private static Node tree(String xml) throws BadResponse {
        List<Node> stack = new ArrayList<>();
        Node root = null;
        XmlReader r = new XmlReader(xml, true);
        try {
            for (int ev = r.next(); ev != XmlReader.END_DOCUMENT; ev = r.next()) {
                switch (ev) {
                    case XmlReader.START -> {
                        if (stack.size() > MAX_DEPTH * 3) {
                            throw new BadResponse("nested too deeply");
                        }
                        Node n = new Node(r.name());
                        if (stack.isEmpty()) {
                            root = n;
                        } else {
                            stack.getLast().children.add(n);
                        }
                        stack.add(n);
                    }
                    case XmlReader.TEXT -> r.appendText(stack.getLast().text);
                    case XmlReader.END -> stack.removeLast();
                    default -> throw new IllegalStateException("XML event " + ev);
                }
            }
        } catch (XmlReader.NotWellFormed e) {
            throw new BadResponse(e.getMessage());
        }
        return root;
    }

    private static boolean hasControlChar(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                return true;
            }
        }
        return false;
    }
}
