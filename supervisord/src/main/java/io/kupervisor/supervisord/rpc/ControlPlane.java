package io.kupervisor.supervisord.rpc;

import io.kupervisor.core.config.LogLevel;
import io.kupervisor.core.config.Namespec;
import io.kupervisor.core.config.RpcInterfaceConfig;
import io.kupervisor.core.config.ServerConfig;
import io.kupervisor.core.config.SupervisorConfig;
import io.kupervisor.core.config.dialect.PyRepr;
import io.kupervisor.supervisord.Supervisor;
import io.kupervisor.supervisord.log.LogFollower;
import io.kupervisor.supervisord.log.MainLog;
import io.kupervisor.supervisord.process.ProcessGroup;
import io.kupervisor.supervisord.process.Subprocess;
import io.kupervisor.supervisord.web.WebPage;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The daemon's control plane: supervisord's {@code make_http_servers}. One HTTP server per
 * {@code [inet_http_server]} / {@code [unix_http_server]} section, each serving {@code /RPC2}
 * (XML-RPC: the {@code supervisor} namespace for every {@code [rpcinterface:x]} section, and
 * {@code system}), {@code /logtail/<name>[/stdout|/stderr]}, {@code /mainlogtail} and the web
 * page ({@link WebPage}: {@code /}, {@code /index.html}, {@code /tail.html}, {@code /ok.html},
 * {@code /events}...); anything else is 404.
 */
public final class ControlPlane implements AutoCloseable {

    /** What supervisord prints (after "Error: ") and exits 2 for, when a server cannot be opened. */
    public static final class OpenFailed extends IOException {
        public OpenFailed(String message) {
            super(message);
        }
    }

    static final String IN_USE = "Another program is already listening on a port that one of our HTTP servers is "
            + "configured to use.  Shut this program down first before starting supervisord.";

    private final List<HttpServer> servers = new ArrayList<>();
    private final List<Path> socketFiles = new ArrayList<>();
    private final Supervisor sup;
    private final RpcDispatcher dispatcher = new RpcDispatcher();
    private final HttpServer.Limits limits;
    private final AtomicLong budget = new AtomicLong();
    private volatile WebPage web;

    private ControlPlane(Supervisor sup, HttpServer.Limits limits) {
        this.sup = sup;
        this.limits = limits;
    }

    /** Opens every configured server, logging as supervisord does. Loop thread (from boot). */
    public static ControlPlane open(Supervisor sup, SupervisorConfig config) throws IOException {
        return open(sup, config, limitsFromProperties());
    }

    public static ControlPlane open(Supervisor sup, SupervisorConfig config, HttpServer.Limits limits)
            throws IOException {
        ControlPlane cp = new ControlPlane(sup, limits);
        SupervisorNamespace supervisor = new SupervisorNamespace(sup, ZoneId.systemDefault());
        List<RpcMethod> methods = supervisor.methods();
        for (RpcInterfaceConfig rpc : config.rpcInterfaces()) {
            cp.dispatcher.register(rpc.name(), "supervisor", methods);
        }
        cp.dispatcher.registerSystem();
        cp.web = new WebPage(sup, cp.dispatcher, ZoneId.systemDefault());
        try {
            for (ServerConfig s : config.servers()) {
                cp.openServer(s, config.rpcInterfaces());
            }
        } catch (IOException | RuntimeException e) {
            cp.close();
            throw e;
        }
        return cp;
    }

    /** The bounds, from {@code kupervisor.http.*} system properties where set (tests shorten them). */
    static HttpServer.Limits limitsFromProperties() {
        HttpServer.Limits d = HttpServer.Limits.DEFAULTS;
        return new HttpServer.Limits(
                Integer.getInteger("kupervisor.http.maxHeaderBytes", d.maxHeaderBytes()),
                Integer.getInteger("kupervisor.http.maxBodyBytes", d.maxBodyBytes()),
                Integer.getInteger("kupervisor.http.maxConnections", d.maxConnections()),
                Duration.ofMillis(Long.getLong("kupervisor.http.requestTimeoutMillis", d.requestTimeout().toMillis())),
                Duration.ofMillis(Long.getLong("kupervisor.http.idleTimeoutMillis", d.idleTimeout().toMillis())),
                Duration.ofMillis(Long.getLong("kupervisor.http.writeTimeoutMillis", d.writeTimeout().toMillis())),
                Long.getLong("kupervisor.http.bodyBudgetBytes", d.bodyBudgetBytes()));
    }

    public List<HttpServer> servers() {
        return List.copyOf(servers);
    }

    public RpcDispatcher dispatcher() {
        return dispatcher;
    }

    @Override
    public void close() {
        if (web != null) {
            web.close();
            web = null;
        }
        for (HttpServer s : servers) {
            s.close();
        }
        servers.clear();
        for (Path p : socketFiles) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // supervisord's _try_unlink ignores it too
            }
        }
        socketFiles.clear();
    }

    // ---- opening ----

    private void openServer(ServerConfig s, List<RpcInterfaceConfig> rpcs) throws IOException {
        ServerSocketChannel ch = switch (s) {
            case ServerConfig.Inet i -> bindInet(i);
            case ServerConfig.Unix u -> bindUnix(u);
        };
        for (RpcInterfaceConfig rpc : rpcs) {
            sup.log(LogLevel.INFO, "RPC interface " + PyRepr.repr(rpc.name()) + " initialized");
        }
        if (s.username() == null) {
            sup.log(LogLevel.CRITICAL, "Server " + PyRepr.repr(s.section()) + " running without any HTTP "
                    + "authentication checking");
        }
        HttpServer server = new HttpServer(ch, s.section(), s.username(), s.password(), limits, budget, this::route,
                msg -> sup.log(LogLevel.ERROR, msg));
        servers.add(server);
    }

    private static ServerSocketChannel bindInet(ServerConfig.Inet i) throws IOException {
        ServerSocketChannel ch = ServerSocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            InetSocketAddress addr = i.host().isEmpty() ? new InetSocketAddress(i.port())
                    : new InetSocketAddress(i.host(), i.port());
            if (addr.isUnresolved()) {
                throw new OpenFailed("Cannot open an HTTP server: socket.error reported -2");
            }
            ch.bind(addr, 1024);
            return ch;
        } catch (BindException e) {
            ch.close();
            throw bindError(e);
        } catch (IOException e) {
            ch.close();
            throw e instanceof OpenFailed ? e : bindError(e);
        }
    }

    private static IOException bindError(IOException e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("in use")) {
            return new OpenFailed(IN_USE);
        }
        if (m.contains("Permission denied")) {
            return new OpenFailed("Cannot open an HTTP server: socket.error reported errno.EACCES (13)");
        }
        if (m.contains("Cannot assign requested address")) {
            return new OpenFailed("Cannot open an HTTP server: socket.error reported errno.EADDRNOTAVAIL (99)");
        }
        return new OpenFailed("Cannot open an HTTP server: socket.error reported " + m);
    }

    /**
     * supervisord's UNIX socket dance: bind a temporary name, chmod it, hard-link it to the real
     * name; a name in use by a live server is an error, a stale one is unlinked (said on stderr)
     * and the link tried again; then chown.
     */
    private ServerSocketChannel bindUnix(ServerConfig.Unix u) throws IOException {
        Path socket = Path.of(u.file());
        Path temp = Path.of(u.file() + "." + ProcessHandle.current().pid());
        Files.deleteIfExists(temp);
        for (int attempt = 0; ; attempt++) {
            ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            boolean keep = false;
            try {
                try {
                    ch.bind(UnixDomainSocketAddress.of(temp), 1024);
                } catch (SocketException e) {
                    throw new OpenFailed("Cannot open an HTTP server: socket.error reported " + e.getMessage());
                }
                Files.setPosixFilePermissions(temp, permissions(u.chmod()));
                try {
                    Files.createLink(socket, temp);
                } catch (FileAlreadyExistsException e) {
                    if (inUse(socket) || attempt > 50) {
                        throw new OpenFailed(IN_USE);
                    }
                    System.err.print("Unlinking stale socket " + u.file() + "\n");
                    System.err.flush();
                    try {
                        Files.deleteIfExists(socket);
                    } catch (IOException ignored) {
                        // tried
                    }
                    sleep(300);
                    continue;
                }
                chown(u, socket);
                keep = true;
                socketFiles.add(socket);
                return ch;
            } finally {
                Files.deleteIfExists(temp);
                if (!keep) {
                    ch.close();
                }
            }
        }
    }

    private static void chown(ServerConfig.Unix u, Path socket) throws IOException {
        if (u.chownUser() == null && u.chownGroup() == null) {
            return;
        }
        Integer uid = u.chownUser() == null ? null : u.chownUser().uid();
        Integer gid = u.chownGroup() == null ? null : u.chownGroup().uid();
        try {
            if (uid != null) {
                Files.setAttribute(socket, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
            }
            if (gid != null) {
                Files.setAttribute(socket, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
            }
        } catch (FileSystemException e) {
            Files.deleteIfExists(socket);
            String user = System.getProperty("user.name");
            throw new OpenFailed("Not permitted to chown " + u.file() + " to uid/gid (" + (uid == null ? -1 : uid)
                    + ", " + (gid == null ? -1 : gid) + "); adjust \"sockchown\" value in config file or on "
                    + "command line to values that the current user (" + user + ") can successfully chown");
        }
    }

    private static boolean inUse(Path socket) {
        try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            c.write(ByteBuffer.wrap("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << i)) != 0) {
                set.add(bits[i]);
            }
        }
        return set;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- routes ----

    private HttpServer.Route route(HttpServer.Exchange ex) {
        String uri = ex.uri();
        if (uri.startsWith("/RPC2")) {
            return new XmlRpcRoute(sup, dispatcher);
        }
        if (uri.startsWith("/logtail")) {
            return this::logtail;
        }
        if (uri.startsWith("/mainlogtail")) {
            return this::mainlogtail;
        }
        WebPage w = web;
        return w == null ? null : w.route(ex);
    }

    /** {@code /logtail/<namespec>[/<channel>]}, as supervisord's logtail_handler reads it. */
    private void logtail(HttpServer.Exchange ex) throws IOException {
        if (!ex.method().equals("GET")) {
            ex.respondError(400, Map.of());
            return;
        }
        String path = ex.uri();
        int cut = indexOfAny(path, ";?#");
        if (cut >= 0) {
            path = path.substring(0, cut);
        }
        if (path.indexOf('%') >= 0) {
            path = HttpServer.unquote(path);
        }
        while (path.startsWith("/")) {
            path = path.substring(1);
        }
        int slash = path.indexOf('/');
        if (slash < 0) {
            // supervisord fails to unpack the path (a 500)
            ex.respondError(500, Map.of());
            return;
        }
        String rest = path.substring(slash + 1);
        int slash2 = rest.indexOf('/');
        String name = slash2 < 0 ? rest : rest.substring(0, slash2);
        String channel = slash2 < 0 ? "stdout" : rest.substring(slash2 + 1);
        Path file;
        try {
            file = sup.call(() -> {
                Namespec gp = Namespec.parse(name);
                ProcessGroup g = sup.group(gp.group());
                Subprocess p = g == null || gp.process() == null ? null : g.process(gp.process());
                if (p == null) {
                    return null;
                }
                return switch (channel) {
                    case "stdout" -> p.stdoutLogPath();
                    case "stderr" -> p.stderrLogPath();
                    default -> null;
                };
            });
        } catch (RuntimeException e) {
            file = null;
        }
        if (file == null || !Files.exists(file)) {
            ex.respondError(404, Map.of());
            return;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Last-Modified", HttpServer.httpDate(Instant.ofEpochMilli(file.toFile().lastModified())));
        headers.put("Content-Type", "text/plain;charset=utf-8");
        headers.put("X-Accel-Buffering", "no");
        stream(ex, file, headers);
    }

    private void mainlogtail(HttpServer.Exchange ex) throws IOException {
        if (!ex.method().equals("GET")) {
            ex.respondError(400, Map.of());
            return;
        }
        MainLog log = sup.mainLog();
        Path file = log == null ? null : log.path();
        if (file == null || !Files.exists(file)) {
            ex.respondError(404, Map.of());
            return;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Last-Modified", HttpServer.httpDate(Instant.ofEpochMilli(file.toFile().lastModified())));
        headers.put("Content-Type", "text/plain;charset=utf-8");
        stream(ex, file, headers);
    }

    /** The last 1024 bytes, then what is appended, until the client goes. */
    private static void stream(HttpServer.Exchange ex, Path file, Map<String, String> headers) throws IOException {
        HttpServer.Exchange.Stream out = ex.stream(200, headers);
        LogFollower follower = new LogFollower(file, LogFollower.Start.lastBytes(1024), new LogFollower.Listener() {
            @Override
            public void onData(byte[] buf, int off, int len) throws IOException {
                out.write(buf, off, len);
            }

            @Override
            public void onTruncated() throws IOException {
                byte[] marker = LogFollower.TRUNCATED_MARKER.getBytes(StandardCharsets.UTF_8);
                out.write(marker, 0, marker.length);
            }
        });
        Thread watcher = Thread.ofVirtual().name("logtail-watch").start(() -> {
            out.awaitClientGone();
            follower.close();
        });
        try {
            follower.run(Duration.ofMillis(100));
        } finally {
            follower.close();
            watcher.interrupt();
        }
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }
}
