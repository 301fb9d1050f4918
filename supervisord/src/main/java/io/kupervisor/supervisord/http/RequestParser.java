package io.kupervisor.supervisord.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a request head as medusa does (its request line, HTTP/0.9-style lines without a version
 * included), with RFC 9112's rules on everything that decides where a request ends, so that no
 * proxy in front and this server can disagree on it (request smuggling):
 * <ul>
 * <li>lines end with CRLF: a bare CR or a bare LF is refused, and so is any other control
 *     character or NUL in the head;</li>
 * <li>a field is {@code name: value} with a token for a name and nothing between the name and the
 *     colon; a folded line (obs-fold) is refused;</li>
 * <li>Content-Length is digits only, once (two of them are refused even when equal);</li>
 * <li>Transfer-Encoding and Content-Length together are refused, and so is Transfer-Encoding in an
 *     HTTP/1.0 request; {@code chunked} is the one coding read (as the only and final one; other
 *     codings are 501);</li>
 * <li>an HTTP/1.1 request has exactly one Host.</li>
 * </ul>
 * Every refusal closes the connection after its answer.
 */
final class RequestParser {
    private static final Pattern REQUEST_LINE = Pattern.compile("([^ ]+) ([^ ]+)(( HTTP/([0-9.]+))$|$)");
    private static final String TOKEN_CHARS = "!#$%&'*+-.^_`|~";
    /** More digits than this is more than any body a server takes (and more than a long holds). */
    private static final int MAX_LENGTH_DIGITS = 18;

    private RequestParser() {
    }

    /**
     * Parses a head without its final CRLF CRLF. The reader has checked that every LF follows a CR
     * and every CR is followed by a LF.
     *
     * @return null when the head is only empty lines (medusa closes then)
     */
    static RequestHead parse(byte[] bytes, int len) throws BadRequest {
        for (int i = 0; i < len; i++) {
            int b = bytes[i] & 0xff;
            if ((b < 0x20 && b != '\r' && b != '\n' && b != '\t') || b == 0x7f) {
                throw new BadRequest(400, "a control character in the head");
            }
        }
        List<String> lines = new ArrayList<>(List.of(new String(bytes, 0, len, StandardCharsets.UTF_8)
                .split("\r\n", -1)));
        while (!lines.isEmpty() && lines.getFirst().isEmpty()) {
            lines.removeFirst();
        }
        if (lines.isEmpty()) {
            return null;
        }
        String requestLine = lines.removeFirst();
        Matcher m = REQUEST_LINE.matcher(requestLine);
        if (!m.matches() || !isToken(m.group(1))) {
            throw new BadRequest(400, "not a request line");
        }
        String version = m.group(3) != null && !m.group(3).isEmpty() ? m.group(5) : null;
        List<RequestHead.Field> fields = new ArrayList<>(lines.size());
        for (String line : lines) {
            if (line.isEmpty()) {
                throw new BadRequest(400, "an empty line within the head");
            }
            char first = line.charAt(0);
            if (first == ' ' || first == '\t') {
                throw new BadRequest(400, "a folded header line (obs-fold)");
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !isToken(line.substring(0, colon))) {
                throw new BadRequest(400, "not a header field: whitespace or other characters before its colon");
            }
            fields.add(new RequestHead.Field(line.substring(0, colon), strip(line.substring(colon + 1))));
        }
        String uri = m.group(2);
        int q = uri.indexOf('?');
        String path = q >= 0 ? uri.substring(0, q) : uri;
        if (path.indexOf('%') >= 0) {
            String unquoted = HttpText.unquote(path);
            uri = q >= 0 ? unquoted + uri.substring(q) : unquoted;
        }
        RequestHead head = new RequestHead(m.group(1), uri, version, fields, new RequestHead.Framing.None());
        if ("1.1".equals(version) && head.headers("Host").size() != 1) {
            throw new BadRequest(400, "an HTTP/1.1 request needs exactly one Host");
        }
        return new RequestHead(head.method(), uri, version, fields, framing(head));
    }

    private static RequestHead.Framing framing(RequestHead head) throws BadRequest {
        List<String> transfer = head.headers("Transfer-Encoding");
        List<String> length = head.headers("Content-Length");
        if (!transfer.isEmpty()) {
            if (!length.isEmpty()) {
                throw new BadRequest(400, "Content-Length together with Transfer-Encoding");
            }
            if (!"1.1".equals(head.version())) {
                throw new BadRequest(400, "Transfer-Encoding in a request before HTTP/1.1");
            }
            List<String> codings = new ArrayList<>();
            for (String value : transfer) {
                for (String c : value.split(",", -1)) {
                    String coding = strip(c).toLowerCase(Locale.ROOT);
                    if (!coding.isEmpty()) {
                        codings.add(coding);
                    }
                }
            }
            if (codings.isEmpty() || !codings.getLast().equals("chunked")) {
                throw new BadRequest(400, "Transfer-Encoding without chunked as its final coding");
            }
            if (codings.subList(0, codings.size() - 1).contains("chunked")) {
                throw new BadRequest(400, "chunked applied more than once");
            }
            if (codings.size() > 1) {
                throw new BadRequest(501, "a transfer coding other than chunked: " + String.join(", ", codings));
            }
            return new RequestHead.Framing.Chunked();
        }
        if (length.size() > 1) {
            throw new BadRequest(400, "more than one Content-Length");
        }
        if (length.size() == 1) {
            String v = length.getFirst();
            if (v.isEmpty() || v.length() > MAX_LENGTH_DIGITS || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new BadRequest(400, "a Content-Length that is not a number of bytes");
            }
            return new RequestHead.Framing.Length(Long.parseLong(v));
        }
        return new RequestHead.Framing.None();
    }

    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || TOKEN_CHARS.indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Without the optional whitespace (SP, HTAB) around a field value. */
    static String strip(String s) {
        int a = 0;
        int b = s.length();
        while (a < b && (s.charAt(a) == ' ' || s.charAt(a) == '\t')) {
            a++;
        }
        while (b > a && (s.charAt(b - 1) == ' ' || s.charAt(b - 1) == '\t')) {
            b--;
        }
        return s.substring(a, b);
    }
}
