package io.kupervisor.supervisord.http;

import io.kupervisor.core.status.TimeText;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** The words of the server: status lines, medusa's error page, dates, path unquoting. */
public final class HttpText {
    private static final Map<Integer, String> REASONS = Map.ofEntries(
            Map.entry(100, "Continue"), Map.entry(200, "OK"), Map.entry(303, "See Other"),
            Map.entry(400, "Bad Request"), Map.entry(401, "Unauthorized"), Map.entry(403, "Forbidden"),
            Map.entry(404, "Not Found"), Map.entry(405, "Method Not Allowed"), Map.entry(411, "Length Required"),
            Map.entry(413, "Request Entity Too Large"), Map.entry(431, "Request Header Fields Too Large"),
            Map.entry(500, "Internal Server Error"), Map.entry(501, "Not Implemented"),
            Map.entry(503, "Service Unavailable"));
    static final String SERVER = "kupervisor (Medusa/1.12 compatible)";

    private HttpText() {
    }

    public static String reason(int status) {
        return REASONS.getOrDefault(status, "Error");
    }

    /** An HTTP date: {@code Tue, 15 Nov 1994 08:12:31 GMT}. */
    public static String httpDate(Instant t) {
        return TimeText.httpDate(t.getEpochSecond());
    }

    /** medusa's piecemeal unquote of the path: %XX sequences decoded as UTF-8, bad ones kept. */
    public static String unquote(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '%' && i + 2 < b.length && hex(b[i + 1]) >= 0 && hex(b[i + 2]) >= 0) {
                out.write(hex(b[i + 1]) * 16 + hex(b[i + 2]));
                i += 2;
            } else {
                out.write(b[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int hex(byte c) {
        return Character.digit((char) c, 16);
    }

    /** medusa's error page. */
    static byte[] errorBody(int status) {
        return ("<head>\r\n<title>Error response</title>\r\n</head>\r\n<body>\r\n<h1>Error response</h1>\r\n"
                + "<p>Error code " + status + ".\r\n<p>Message: " + reason(status)
                + ".\r\n</body>\r\n").getBytes(StandardCharsets.UTF_8);
    }

    /** A whole error answer: the page, with {@code extra} headers. */
    static byte[] errorResponse(int status, String version, Map<String, String> extra) {
        byte[] body = errorBody(status);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Length", Integer.toString(body.length));
        headers.put("Content-Type", "text/html");
        headers.putAll(extra);
        byte[] head = head(status, version, headers);
        byte[] all = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    /** A status line with the request's version (medusa's), Server, Date and {@code headers}. */
    static byte[] head(int status, String version, Map<String, String> headers) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("HTTP/").append(version == null ? "1.0" : version).append(' ').append(status).append(' ')
                .append(reason(status)).append("\r\n");
        sb.append("Server: ").append(SERVER).append("\r\n");
        sb.append("Date: ").append(httpDate(Instant.now())).append("\r\n");
        headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
        sb.append("\r\n");
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
