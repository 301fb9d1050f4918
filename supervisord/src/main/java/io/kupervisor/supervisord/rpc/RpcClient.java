package io.kupervisor.supervisord.rpc;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * An XML-RPC client for supervisord's {@code serverurl}s, {@code http://host:port} and
 * {@code unix:///path/to/socket} (the JDK's HttpClient cannot talk over a UNIX domain socket):
 * supervisorctl's {@code SupervisorTransport} (one kept-alive connection, HTTP Basic auth, every
 * call posted to {@code /RPC2}) and its {@code http_client} for streaming {@code /logtail}.
 */
public final class RpcClient implements AutoCloseable {

    /** Why a connection could not be made, in supervisorctl's terms. */
    public static final class ConnectFailed extends IOException {
        public enum Kind {
            /** ECONNREFUSED: {@code http://h:p refused connection} */
            REFUSED,
            /** ENOENT: the socket file does not exist, {@code unix:///x no such file} */
            NO_FILE,
            /** anything else */
            OTHER
        }

        private final Kind kind;

        public ConnectFailed(Kind kind, String message, Throwable cause) {
            super(message, cause);
            this.kind = kind;
        }

        public Kind kind() {
            return kind;
        }

        /** The error as Python's socket module shows it: {@code [Errno 111] Connection refused}. */
        public String pythonText() {
            return switch (kind) {
                case REFUSED -> "[Errno 111] Connection refused";
                case NO_FILE -> "[Errno 2] No such file or directory";
                case OTHER -> getMessage();
            };
        }

        /** The Python exception class supervisorctl would name. */
        public String pythonClass() {
            return switch (kind) {
                case REFUSED -> "ConnectionRefusedError";
                case NO_FILE -> "FileNotFoundError";
                case OTHER -> "OSError";
            };
        }
    }

    /** A non-200 answer: xmlrpc.client's ProtocolError. */
    public static final class ProtocolError extends IOException {
        private final String url;
        private final int status;
        private final String reason;

        public ProtocolError(String url, int status, String reason) {
            super("<ProtocolError for " + url + ": " + status + " " + reason + ">");
            this.url = url;
            this.status = status;
            this.reason = reason;
        }

        public int status() {
            return status;
        }

        public String reason() {
            return reason;
        }

        public String url() {
            return url;
        }
    }

    /** The answer is not XML-RPC (or not HTTP). */
    public static final class BadResponse extends IOException {
        public BadResponse(String message) {
            super(message);
        }
    }

    /** A streamed answer's bytes. */
    @FunctionalInterface
    public interface Sink {
        void accept(byte[] data, int off, int len) throws IOException;
    }

    private final String serverUrl;
    private final String username;
    private final String password;
    private final SocketAddress address;
    private final String hostHeader;
    private SocketChannel connection;
    private ByteBuffer in;

    /**
     * @throws IllegalArgumentException for a URL that is neither http:// nor unix://
     */
    public RpcClient(String serverUrl, String username, String password) {
        this.serverUrl = serverUrl;
        this.username = username;
        this.password = password;
        if (serverUrl.startsWith("unix://")) {
            this.address = UnixDomainSocketAddress.of(serverUrl.substring(7));
            this.hostHeader = "localhost";
        } else if (serverUrl.startsWith("http://")) {
            URI uri = URI.create(serverUrl);
            String host = uri.getHost() == null ? "localhost" : uri.getHost();
            int port = uri.getPort() < 0 ? 80 : uri.getPort();
            this.address = InetSocketAddress.createUnresolved(host, port);
            this.hostHeader = host + (uri.getPort() < 0 ? "" : ":" + port);
        } else {
            throw new IllegalArgumentException("Unknown protocol for serverurl " + serverUrl);
        }
    }

    public String serverUrl() {
        return serverUrl;
    }

    /**
     * Calls a method.
     *
     * @throws RpcFault      the server's fault
     * @throws ConnectFailed no connection
     * @throws ProtocolError a non-200 answer (401 when the credentials are refused)
     * @throws BadResponse   an answer that is not XML-RPC
     */
    public Object call(String method, Object... params) throws IOException {
        byte[] body = XmlRpcWriter.call(method, List.of(params));
        byte[] request = concat(requestHead("POST", "/RPC2", body.length, false), body);
        boolean reused = connection != null;
        Response r;
        try {
            r = exchange(request);
        } catch (EOFException | SocketException e) {
            if (!reused) {
                throw e;
            }
            // the kept-alive connection was closed by the server meanwhile: once more on a new one
            close();
            r = exchange(request);
        }
        if (r.status != 200) {
            close();
            throw new ProtocolError("127.0.0.1/RPC2", r.status, r.reason);
        }
        if (r.close) {
            close();
        }
        try {
            return XmlRpcResponseParser.parse(r.body);
        } catch (XmlRpcResponseParser.BadResponse e) {
            throw new BadResponse(e.getMessage());
        }
    }

    /**
     * GETs a path and hands the body to the sink as it arrives (chunked or not) until the server
     * ends it or the thread is interrupted; a connection of its own. Returns the status (the sink
     * gets nothing unless it is 200).
     */
    public int stream(String path, Sink sink) throws IOException {
        try (SocketChannel ch = connect()) {
            ch.write(ByteBuffer.wrap(requestHead("GET", path, -1, true)));
            ByteBuffer buf = ByteBuffer.allocate(8192).flip();
            Head head = readHead(ch, buf);
            if (head.status != 200) {
                return head.status;
            }
            if (head.chunked) {
                while (true) {
                    String sizeLine = readLine(ch, buf);
                    if (sizeLine.isEmpty()) {
                        continue;
                    }
                    int size = Integer.parseInt(sizeLine.split("[ ;]")[0].strip(), 16);
                    if (size == 0) {
                        return 200;
                    }
                    byte[] chunk = readExactly(ch, buf, size);
                    sink.accept(chunk, 0, chunk.length);
                    readLine(ch, buf);
                }
            }
            long left = head.contentLength < 0 ? Long.MAX_VALUE : head.contentLength;
            while (left > 0) {
                if (!buf.hasRemaining() && fill(ch, buf) < 0) {
                    return 200;
                }
                int n = (int) Math.min(left, buf.remaining());
                byte[] b = new byte[n];
                buf.get(b);
                sink.accept(b, 0, n);
                left -= n;
            }
            return 200;
        }
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            connection = null;
        }
    }

    // ---- HTTP ----

    private record Response(int status, String reason, byte[] body, boolean close) {
    }

    private record Head(int status, String reason, long contentLength, boolean chunked, boolean close) {
    }

    private byte[] requestHead(String method, String path, int length, boolean streaming) {
        StringBuilder sb = new StringBuilder(256);
        sb.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        sb.append("Host: ").append(hostHeader).append("\r\n");
        if (streaming) {
            sb.append("Accept-Encoding: chunked\r\nAccept: */*\r\nUser-agent: kupervisor ctl\r\n");
        } else {
            sb.append("User-Agent: kupervisor ctl\r\nContent-Type: text/xml\r\nAccept: text/xml\r\n");
        }
        if (username != null && password != null) {
            String token = Base64.getEncoder().encodeToString((username + ":" + password)
                    .getBytes(StandardCharsets.UTF_8));
            sb.append("Authorization: Basic ").append(token).append("\r\n");
        }
        if (length >= 0) {
            sb.append("Content-Length: ").append(length).append("\r\n");
        }
        sb.append("\r\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private SocketChannel connect() throws IOException {
        if (address instanceof UnixDomainSocketAddress u) {
            Path p = u.getPath();
            if (!Files.exists(p)) {
                throw new ConnectFailed(ConnectFailed.Kind.NO_FILE, "No such file or directory", null);
            }
            try {
                return SocketChannel.open(u);
            } catch (ConnectException e) {
                throw new ConnectFailed(ConnectFailed.Kind.REFUSED, "Connection refused", e);
            } catch (SocketException e) {
                String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
                if (m.contains("no such file")) {
                    throw new ConnectFailed(ConnectFailed.Kind.NO_FILE, "No such file or directory", e);
                }
                if (m.contains("refused")) {
                    throw new ConnectFailed(ConnectFailed.Kind.REFUSED, "Connection refused", e);
                }
                throw new ConnectFailed(ConnectFailed.Kind.OTHER, e.getMessage(), e);
            }
        }
        InetSocketAddress a = (InetSocketAddress) address;
        InetSocketAddress resolved = new InetSocketAddress(a.getHostString(), a.getPort());
        if (resolved.isUnresolved()) {
            throw new ConnectFailed(ConnectFailed.Kind.OTHER, "[Errno -2] Name or service not known", null);
        }
        try {
            return SocketChannel.open(resolved);
        } catch (ConnectException e) {
            throw new ConnectFailed(ConnectFailed.Kind.REFUSED, "Connection refused", e);
        } catch (SocketException e) {
            throw new ConnectFailed(ConnectFailed.Kind.OTHER, e.getMessage(), e);
        }
    }

    private Response exchange(byte[] request) throws IOException {
        if (connection == null) {
            connection = connect();
            in = ByteBuffer.allocate(16384).flip();
        }
        ByteBuffer out = ByteBuffer.wrap(request);
        while (out.hasRemaining()) {
            connection.write(out);
        }
        Head head = readHead(connection, in);
        byte[] body;
        if (head.chunked) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            while (true) {
                String sizeLine = readLine(connection, in);
                if (sizeLine.isEmpty()) {
                    continue;
                }
                int size = Integer.parseInt(sizeLine.split("[ ;]")[0].strip(), 16);
                if (size == 0) {
                    readLine(connection, in);
                    break;
                }
                all.write(readExactly(connection, in, size));
                readLine(connection, in);
            }
            body = all.toByteArray();
        } else if (head.contentLength >= 0) {
            if (head.contentLength > Integer.MAX_VALUE - 16) {
                throw new BadResponse("answer too large");
            }
            body = readExactly(connection, in, (int) head.contentLength);
        } else {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            while (true) {
                if (!in.hasRemaining() && fill(connection, in) < 0) {
                    break;
                }
                byte[] b = new byte[in.remaining()];
                in.get(b);
                all.write(b);
            }
            body = all.toByteArray();
            return new Response(head.status, head.reason, body, true);
        }
        return new Response(head.status, head.reason, body, head.close);
    }

    private static int fill(SocketChannel ch, ByteBuffer buf) throws IOException {
        buf.compact();
        try {
            return ch.read(buf);
        } finally {
            buf.flip();
        }
    }

    private static String readLine(SocketChannel ch, ByteBuffer buf) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        while (true) {
            if (!buf.hasRemaining() && fill(ch, buf) < 0) {
                throw new EOFException("connection closed by the server");
            }
            byte b = buf.get();
            if (b == '\n') {
                byte[] l = line.toByteArray();
                int n = l.length > 0 && l[l.length - 1] == '\r' ? l.length - 1 : l.length;
                return new String(l, 0, n, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
            if (line.size() > 65536) {
                throw new BadResponse("header line too long");
            }
        }
    }

    private static byte[] readExactly(SocketChannel ch, ByteBuffer buf, int n) throws IOException {
        byte[] out = new byte[n];
        int got = 0;
        while (got < n) {
            if (!buf.hasRemaining() && fill(ch, buf) < 0) {
                throw new EOFException("connection closed by the server");
            }
            int k = Math.min(buf.remaining(), n - got);
            buf.get(out, got, k);
            got += k;
        }
        return out;
    }

    private static Head readHead(SocketChannel ch, ByteBuffer buf) throws IOException {
        String status = readLine(ch, buf);
        while (status.isEmpty()) {
            status = readLine(ch, buf);
        }
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new BadResponse("not an HTTP answer: " + status);
        }
        int code;
        try {
            code = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new BadResponse("not an HTTP answer: " + status);
        }
        String reason = parts.length > 2 ? parts[2] : "";
        long length = -1;
        boolean chunked = false;
        boolean close = parts[0].equals("HTTP/1.0");
        while (true) {
            String h = readLine(ch, buf);
            if (h.isEmpty()) {
                break;
            }
            int colon = h.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = h.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = h.substring(colon + 1).strip();
            switch (name) {
                case "content-length" -> {
                    try {
                        length = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        throw new BadResponse("bad Content-Length: " + value);
                    }
                }
                case "transfer-encoding" -> chunked = value.equalsIgnoreCase("chunked");
                case "connection" -> close = value.equalsIgnoreCase("close")
                        || (close && !value.equalsIgnoreCase("keep-alive"));
                default -> {
                }
            }
        }
        return new Head(code, reason, length, chunked, close);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
