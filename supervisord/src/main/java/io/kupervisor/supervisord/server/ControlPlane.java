package io.kupervisor.supervisord.server;

import io.kupervisor.core.config.LogLevel;
import io.kupervisor.core.config.RpcInterfaceConfig;
import io.kupervisor.core.config.ServerConfig;
import io.kupervisor.core.config.SupervisorConfig;
import io.kupervisor.core.config.dialect.PyRepr;
import io.kupervisor.supervisord.control.Control;
import io.kupervisor.supervisord.control.Frontend;
import io.kupervisor.supervisord.http.BasicAuth;
import io.kupervisor.supervisord.http.Exchange;
import io.kupervisor.supervisord.http.HttpServer;
import io.kupervisor.supervisord.http.Limits;
import io.kupervisor.supervisord.http.Route;
import io.kupervisor.supervisord.rpc.LogTail;
import io.kupervisor.supervisord.rpc.RpcDispatcher;
import io.kupervisor.supervisord.rpc.SupervisorNamespace;
import io.kupervisor.supervisord.rpc.XmlRpcRoute;
import io.kupervisor.supervisord.web.WebPage;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
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
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The daemon's HTTP servers, supervisord's {@code make_http_servers}: one per
 * {@code [inet_http_server]} / {@code [unix_http_server]} section, each serving {@code /RPC2}
 * (XML-RPC: the {@code supervisor} namespace for every {@code [rpcinterface:x]} section, and
 * {@code system}), {@code /logtail/<name>[/stdout|/stderr]}, {@code /mainlogtail} and the web
 * page ({@link WebPage}: {@code /}, {@code /index.html}, {@code /tail.html}, {@code /ok.html},
 * {@code /events}...); anything else is 404. Plus the health endpoints of {@code [kupervisor]
 * health_port} ({@link Health}), which stay open across reloads. All of them serve the daemon's
 * {@link Control} and nothing else; the entry point hands this to the daemon as its {@link Frontend}.
 */
public final class ControlPlane implements Frontend {

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
    private final Control control;
    private final Limits limits;
    private final AtomicLong budget = new AtomicLong();
    private final LogTail logTail;
    private RpcDispatcher dispatcher;
    private volatile WebPage web;
    private Health health;

    public ControlPlane(Control control) {
        this(control, limitsFromProperties());
    }

    public ControlPlane(Control control, Limits limits) {
        this.control = control;
        this.limits = limits;
        this.logTail = new LogTail(control);
    }

    /** Opens every configured server, logging as supervisord does. Loop thread (from boot). */
    @Override
    public void open(SupervisorConfig config) throws IOException {
        close(true);
        dispatcher = new RpcDispatcher();
        List<io.kupervisor.supervisord.rpc.RpcMethod> methods =
                new SupervisorNamespace(control, ZoneId.systemDefault()).methods();
        for (RpcInterfaceConfig rpc : config.rpcInterfaces()) {
            dispatcher.register(rpc.name(), "supervisor", methods);
        }
        dispatcher.registerSystem();
        web = new WebPage(control, ZoneId.systemDefault());
        try {
            for (ServerConfig s : config.servers()) {
                openServer(s, config.rpcInterfaces());
            }
            if (health == null && config.kupervisor().healthEnabled()) {
                health = Health.open(control, config.kupervisor().healthHost(), config.kupervisor().healthPort(),
                        this::log);
            }
        } catch (IOException | RuntimeException e) {
            close(false);
            throw e;
        }
    }

    /** The server's own troubles, in the main log. */
    private void log(System.Logger.Level level, String message) {
        control.log(switch (level) {
            case ERROR -> LogLevel.ERROR;
            case WARNING -> LogLevel.WARN;
            default -> LogLevel.INFO;
        }, message);
    }

    /** The bounds, from {@code kupervisor.http.*} system properties where set (tests shorten them). */
    static Limits limitsFromProperties() {
        Limits d = Limits.DEFAULTS;
        return new Limits(
                Integer.getInteger("kupervisor.http.maxHeaderBytes", d.maxHeaderBytes()),
                Integer.getInteger("kupervisor.http.maxBodyBytes", d.maxBodyBytes()),
                Integer.getInteger("kupervisor.http.maxConnections", d.maxConnections()),
                Duration.ofMillis(Long.getLong("kupervisor.http.headTimeoutMillis", d.headTimeout().toMillis())),
                Duration.ofMillis(Long.getLong("kupervisor.http.requestTimeoutMillis", d.requestTimeout().toMillis())),
                Duration.ofMillis(Long.getLong("kupervisor.http.idleTimeoutMillis", d.idleTimeout().toMillis())),
                Duration.ofMillis(Long.getLong("kupervisor.http.writeTimeoutMillis", d.writeTimeout().toMillis())),
                Long.getLong("kupervisor.http.bodyBudgetBytes", d.bodyBudgetBytes()));
    }

    /** The servers of the configuration now open (not the health server); for tests. */
    public List<HttpServer> servers() {
        return List.copyOf(servers);
    }

    /** The health server, or null; for tests. */
    public Health health() {
        return health;
    }

    @Override
    public void close(boolean reloading) {
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
        if (!reloading && health != null) {
            health.close();
            health = null;
        }
    }

    // ---- opening ----

    private void openServer(ServerConfig s, List<RpcInterfaceConfig> rpcs) throws IOException {
        // instanceof, not a pattern switch: that is a class spun at run time (issue 18)
        ServerSocketChannel ch = s instanceof ServerConfig.Inet i ? bindInet(i) : bindUnix((ServerConfig.Unix) s);
        for (RpcInterfaceConfig rpc : rpcs) {
            control.log(LogLevel.INFO, "RPC interface " + PyRepr.repr(rpc.name()) + " initialized");
        }
        if (s.username() == null) {
            control.log(LogLevel.CRITICAL, "Server " + PyRepr.repr(s.section()) + " running without any HTTP "
                    + "authentication checking");
        }
        HttpServer server = new HttpServer(ch, s.section(),
                s.username() == null ? null : new BasicAuth(s.username(), s.password()), limits, budget, this::route,
                this::log);
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

    private Route route(Exchange ex) {
        String uri = ex.uri();
        if (uri.startsWith("/RPC2")) {
            return new XmlRpcRoute(control, dispatcher);
        }
        if (uri.startsWith("/logtail")) {
            return logTail::process;
        }
        if (uri.startsWith("/mainlogtail")) {
            return logTail::main;
        }
        WebPage w = web;
        return w == null ? null : w.route(ex);
    }
}
