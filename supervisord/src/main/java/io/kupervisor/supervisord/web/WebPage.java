package io.kupervisor.supervisord.web;

import io.kupervisor.core.config.LogLevel;
import io.kupervisor.supervisord.control.Control;
import io.kupervisor.supervisord.control.ControlException;
import io.kupervisor.supervisord.control.Fault;
import io.kupervisor.supervisord.control.ProcessStatus;
import io.kupervisor.supervisord.http.Exchange;
import io.kupervisor.supervisord.http.Route;
import io.kupervisor.supervisord.rpc.Faults;
import io.kupervisor.supervisord.rpc.RpcFault;
import io.kupervisor.supervisord.rpc.SupervisorNamespace;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * supervisord's web page ({@code supervisor/web.py}) on kupervisor's HTTP servers, made live and
 * safe: {@code /} and {@code /index.html} (the status table, its actions, Restart All, Stop All),
 * {@code /tail.html} (the end of a log), {@code /ok.html}; plus {@code /events} (the table as
 * server-sent events from the daemon's state changes), {@code /events/tail} (a log followed
 * live) and the page's own CSS and script. Everything is behind the server's basic auth.
 *
 * <p>Unlike supervisord's, a GET never acts: actions are POSTs carrying the daemon's token and
 * coming from the page's own origin ({@link CrossSite}); every text shown is HTML-escaped. Actions
 * are the daemon's {@link Control} requests that web.py makes through XML-RPC, with its messages.
 */
public final class WebPage implements AutoCloseable {
    /** What the footer names, as supervisord's shows its version. */
    static final String SUPERVISOR_VERSION = "4.2.5";
    /** Event streams open at once per control plane; more are 503 (the connection limit is shared with RPC). */
    static final int MAX_STREAMS = 32;
    /** The largest {@code limit} of a tail, as supervisorctl's reads are bounded too. */
    static final long MAX_TAIL = 1L << 40;

    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private static final byte[] CSS = resource("kupervisor.css");
    private static final byte[] JS = resource("kupervisor.js");

    private final Control control;
    private final ZoneId zone;
    private final String token = CrossSite.TOKEN;
    private final StatusEvents events;
    private final AtomicInteger streams = new AtomicInteger();

    public WebPage(Control control, ZoneId zone) {
        this.control = control;
        this.zone = zone;
        this.events = new StatusEvents(control, zone, token);
    }

    @Override
    public void close() {
        events.close();
    }

    private static byte[] resource(String name) {
        try (InputStream in = WebPage.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- routing ----

    /** The page's route for a request, or null when the path is not the page's. */
    public Route route(Exchange ex) {
        String uri = ex.uri();
        int cut = indexOfAny(uri, ";?#");
        String path = cut < 0 ? uri : uri.substring(0, cut);
        int i = 0;
        while (i < path.length() && path.charAt(i) == '/') {
            i++;
        }
        path = path.substring(i);
        if (path.isEmpty()) {
            path = "index.html";
        }
        return switch (path) {
            case "index.html" -> getOrPost(this::index);
            case "tail.html" -> getOrPost(this::tail);
            case "ok.html" -> getOrPost((e, form) -> e.respond(200, "text/plain", "OK".getBytes(StandardCharsets.UTF_8)));
            case "events" -> getOnly(this::statusEvents);
            case "events/tail" -> getOnly(this::tailEvents);
            case "kupervisor.css" -> getOnly(e -> asset(e, "text/css; charset=utf-8", CSS));
            case "kupervisor.js" -> getOnly(e -> asset(e, "text/javascript; charset=utf-8", JS));
            default -> null;
        };
    }

    private interface FormHandler {
        void serve(Exchange ex, Map<String, String> form) throws IOException;
    }

    /** supervisord's form: the query's fields, then a POST body's (x-www-form-urlencoded) over them. */
    private static Route getOrPost(FormHandler h) {
        return ex -> {
            Map<String, String> query = Text.form(query(ex.uri()), true);
            switch (ex.method()) {
                case "GET" -> h.serve(ex, query);
                case "POST" -> {
                    byte[] body = ex.readBody();
                    if (body == null) {
                        return;
                    }
                    Map<String, String> form = new LinkedHashMap<>(query);
                    // the token counts only from the body (or a header): not from a URL that leaks
                    form.remove("token");
                    form.putAll(Text.form(new String(body, StandardCharsets.UTF_8), false));
                    h.serve(ex, form);
                }
                default -> notAllowed(ex, "GET, POST");
            }
        };
    }

    private static Route getOnly(Route r) {
        return ex -> {
            if (ex.method().equals("GET")) {
                r.serve(ex);
            } else {
                notAllowed(ex, "GET");
            }
        };
    }

    private static void notAllowed(Exchange ex, String allow) throws IOException {
        ex.respondError(405, Map.of("Allow", allow));
    }

    private static String query(String uri) {
        int q = uri.indexOf('?');
        if (q < 0) {
            return "";
        }
        int hash = uri.indexOf('#', q);
        return hash < 0 ? uri.substring(q + 1) : uri.substring(q + 1, hash);
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    static Map<String, String> headers(String contentType) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", contentType);
        h.put("Cache-Control", "no-store");
        h.put("Pragma", "no-cache");
        h.put("Expires", "Thu, 01 Jan 1970 00:00:00 GMT");
        h.put("Content-Security-Policy", CSP);
        h.put("X-Frame-Options", "DENY");
        h.put("X-Content-Type-Options", "nosniff");
        h.put("Referrer-Policy", "same-origin");
        return h;
    }

    private static void asset(Exchange ex, String type, byte[] body) throws IOException {
        Map<String, String> h = headers(type);
        h.put("Cache-Control", "no-cache");
        h.remove("Pragma");
        h.remove("Expires");
        ex.respond(200, h, body);
    }

    private static void html(Exchange ex, int status, String page) throws IOException {
        ex.respond(status, headers("text/html;charset=utf-8"), page.getBytes(StandardCharsets.UTF_8));
    }

    // ---- the status page and its actions ----

    private void index(Exchange ex, Map<String, String> form) throws IOException {
        String action = form.get("action");
        if (ex.method().equals("POST")) {
            act(ex, form);
            return;
        }
        if (action == null) {
            html(ex, 200, statusPage(form.get("message")));
        } else if (action.equals("refresh")) {
            html(ex, 200, statusPage("Page refreshed at " + Text.ctime(control.now(), zone)));
        } else {
            // supervisord acts on links; any site could make a browser follow one
            html(ex, 405, statusPage("ERROR: kupervisor does not act on a GET (a link any site could make your "
                    + "browser follow): use the page's buttons"));
        }
    }

    private record Outcome(int status, String message) {
    }

    private void act(Exchange ex, Map<String, String> form) throws IOException {
        String accept = ex.header("Accept");
        boolean json = accept != null && accept.contains("application/json");
        String refusal = CrossSite.refusal(ex, form.get("token"));
        if (refusal != null) {
            control.log(LogLevel.WARN, "kupervisor: web page: refused a POST to " + cutQuery(ex.uri()) + ": " + refusal);
            String message = "ERROR: refused: " + refusal;
            if (json) {
                jsonMessage(ex, 403, message);
            } else {
                html(ex, 403, errorPage("Forbidden", message));
            }
            return;
        }
        Outcome o;
        try {
            o = perform(form.get("action"), form.get("processname"), ex);
        } catch (IllegalStateException e) {
            if (ex.clientGone()) {
                return; // the client left while the action was under way
            }
            throw e;
        }
        if (json) {
            jsonMessage(ex, o.status(), o.message());
        } else if (o.status() == 200) {
            // supervisord's redirect to the page that shows the message (303: the GET after a POST)
            Map<String, String> h = headers("text/html;charset=utf-8");
            h.put("Location", "index.html?message=" + Text.quote(o.message()));
            ex.respond(303, h, new byte[0]);
        } else {
            html(ex, o.status(), statusPage(o.message()));
        }
    }

    private static String cutQuery(String uri) {
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }

    private static void jsonMessage(Exchange ex, int status, String message) throws IOException {
        Map<String, String> h = headers("application/json");
        ex.respond(status, h, ("{\"message\":" + Text.json(message) + "}").getBytes(StandardCharsets.UTF_8));
    }

    /** supervisord's {@code make_callback}: the action, awaited, and the message it shows. */
    private Outcome perform(String action, String namespec, Exchange ex) {
        if (action == null) {
            return new Outcome(400, "ERROR: no action");
        }
        switch (action) {
            case "refresh" -> {
                return ok("Page refreshed at " + Text.ctime(control.now(), zone));
            }
            case "stopall" -> {
                try {
                    await(control.stopMany(null, true), ex);
                } catch (ControlException f) {
                    return ok(unexpected(f));
                }
                return ok("All stopped at " + Text.ctime(control.now(), zone));
            }
            case "restartall" -> {
                // web.py's multicall of stopAllProcesses and startAllProcesses: faults are results there
                quietly(() -> await(control.stopMany(null, true), ex));
                quietly(() -> await(control.startMany(null, true), ex));
                return ok("All restarted at " + Text.ctime(control.now(), zone));
            }
            case "start", "stop", "restart", "clearlog" -> {
                // handled below
            }
            default -> {
                return new Outcome(400, "ERROR: unknown action " + action);
            }
        }
        if (namespec == null) {
            return new Outcome(400, "ERROR: no processname");
        }
        if (!exists(namespec, ex)) {
            return ok("No such process named " + namespec);
        }
        switch (action) {
            case "start" -> {
                try {
                    await(control.start(namespec, true), ex);
                } catch (ControlException f) {
                    String msg = switch (f.fault()) {
                        case NO_FILE -> "no such file";
                        case NOT_EXECUTABLE -> "file not executable";
                        case ALREADY_STARTED -> "already started";
                        case SPAWN_ERROR -> "spawn error";
                        case ABNORMAL_TERMINATION -> "abnormal termination";
                        default -> unexpected(f);
                    };
                    return ok("ERROR: Process " + namespec + ": " + msg);
                }
                return ok("Process " + namespec + " started");
            }
            case "stop" -> {
                try {
                    await(control.stop(namespec, true), ex);
                } catch (ControlException f) {
                    return ok(unexpected(f));
                }
                return ok("Process " + namespec + " stopped");
            }
            case "restart" -> {
                quietly(() -> await(control.stop(namespec, true), ex));
                quietly(() -> await(control.start(namespec, true), ex));
                return ok("Process " + namespec + " restarted");
            }
            default -> {
                try {
                    await(control.clearLogs(namespec), ex);
                } catch (ControlException f) {
                    return ok(unexpected(f));
                }
                return ok("Log for " + namespec + " cleared");
            }
        }
    }

    private static Outcome ok(String message) {
        return new Outcome(200, message);
    }

    private static String unexpected(ControlException f) {
        return "unexpected rpc fault [" + f.fault().code() + "] " + f.text();
    }

    private static void quietly(Runnable r) {
        try {
            r.run();
        } catch (ControlException e) {
            // reported as a result of the multicall, which web.py does not look at
        }
    }

    /**
     * Waits for a request's answer as the connection's thread; a refusal is thrown as the
     * {@link ControlException}. A client that leaves while it waits ends the wait
     * ({@link IllegalStateException}).
     */
    static <T> T await(CompletableFuture<T> f, Exchange ex) {
        while (true) {
            try {
                return f.get(1, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                if (ex.clientGone()) {
                    throw new IllegalStateException("abandoned: the connection is gone");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new IllegalStateException(e.getCause());
            }
        }
    }

    /** Whether the namespec names one process now. */
    private boolean exists(String namespec, Exchange ex) {
        try {
            await(control.process(namespec), ex);
            return true;
        } catch (ControlException e) {
            return false;
        }
    }

    private String statusPage(String message) throws IOException {
        StatusTable t = StatusTable.of(control.status().join(), zone);
        String ident = control.config().supervisord().identifier();
        StringBuilder sb = new StringBuilder(4096 + t.rows().size() * 800);
        head(sb, "Supervisor Status", "status-page");
        sb.append("<header id=\"header\"><span class=\"brand\">kupervisor</span>")
                .append("<span class=\"ident\">").append(Text.html(ident)).append("</span>")
                .append("<span id=\"daemonstate\" class=\"daemonstate\">").append(t.mood().name()).append("</span>")
                .append("<span id=\"live\" class=\"live off\" title=\"updates from the daemon\">not live</span>")
                .append("</header>\n");
        sb.append("<div id=\"statusmessage\" class=\"status_msg").append(message == null ? " hidden" : "")
                .append("\" role=\"status\">").append(Text.html(message)).append("</div>\n");
        sb.append("<form method=\"post\" action=\"index.html\" class=\"actions\" id=\"allactions\">")
                .append("<input type=\"hidden\" name=\"token\" value=\"").append(Text.html(token)).append("\">")
                .append("<ul id=\"buttons\" class=\"clr\">")
                .append("<li><a class=\"action-button\" href=\"index.html?action=refresh\">Refresh</a></li>")
                .append("<li><button type=\"submit\" class=\"action-button\" name=\"action\" value=\"restartall\">")
                .append("Restart All</button></li>")
                .append("<li><button type=\"submit\" class=\"action-button\" name=\"action\" value=\"stopall\">")
                .append("Stop All</button></li></ul></form>\n");
        sb.append("<table id=\"statustable\"><thead><tr><th class=\"state\">State</th>")
                .append("<th class=\"desc\">Description</th><th class=\"name\">Name</th><th class=\"action\">Action</th>")
                .append("</tr></thead>\n<tbody data-now=\"").append(t.now().toEpochMilli()).append("\">\n")
                .append(t.tbody(token)).append("</tbody></table>\n");
        sb.append("<p id=\"noprograms\" class=\"noprograms").append(t.rows().isEmpty() ? "" : " hidden")
                .append("\">No programs to manage</p>\n");
        foot(sb);
        return sb.toString();
    }

    private void head(StringBuilder sb, String title, String bodyClass) {
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        if (!bodyClass.equals("error-page")) {
            sb.append("<meta name=\"kupervisor-token\" content=\"").append(Text.html(token)).append("\">\n");
        }
        sb.append("<title>").append(Text.html(title)).append("</title>\n")
                .append("<link rel=\"stylesheet\" href=\"kupervisor.css\">\n<link rel=\"icon\" href=\"data:,\">\n")
                .append("<script src=\"kupervisor.js\" defer></script>\n</head>\n<body class=\"").append(bodyClass)
                .append("\">\n<div id=\"wrapper\">\n");
    }

    private static void foot(StringBuilder sb) {
        sb.append("</div>\n<footer id=\"footer\">Supervisor ").append(SUPERVISOR_VERSION)
                .append(" compatible &middot; served by kupervisor</footer>\n</body>\n</html>\n");
    }

    private String errorPage(String title, String message) {
        StringBuilder sb = new StringBuilder(1024);
        head(sb, title, "error-page");
        sb.append("<div class=\"status_msg\" role=\"alert\">").append(Text.html(message)).append("</div>\n")
                .append("<p><a href=\"index.html\">Back to the status page</a></p>\n");
        foot(sb);
        return sb.toString();
    }

    // ---- tail ----

    /** {@code limit} as supervisord reads it: a number of bytes, at least 1024. */
    static long limit(Map<String, String> form) {
        String s = form.getOrDefault("limit", "1024");
        long n = 1024;
        if (!s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            n = s.length() > 13 ? MAX_TAIL : Math.min(MAX_TAIL, Long.parseLong(s));
        }
        return Math.max(1024, n);
    }

    private static boolean stderr(Map<String, String> form) {
        return "stderr".equals(form.get("channel"));
    }

    /** supervisord's TailView: the last {@code limit} bytes of stdout (or stderr), then followed live by the script. */
    private void tail(Exchange ex, Map<String, String> form) throws IOException {
        String processname = form.get("processname");
        long limit = limit(form);
        boolean stderr = stderr(form);
        String tail;
        if (processname == null) {
            tail = "No process name found";
        } else {
            try {
                tail = SupervisorNamespace.readProcessLog(control, processname, stderr, -limit, 0);
            } catch (RpcFault f) {
                tail = f.code() == Faults.NO_FILE ? "No file for " + processname
                        : "ERROR: unexpected rpc fault [" + f.code() + "] " + f.text();
            }
        }
        StringBuilder sb = new StringBuilder(tail.length() * 11 / 10 + 2048);
        head(sb, "Supervisor tail of process " + (processname == null ? "None" : processname), "tail-page");
        sb.append("<header id=\"header\"><span class=\"brand\">kupervisor</span>")
                .append("<span class=\"ident\">tail of ").append(Text.html(processname == null ? "None" : processname))
                .append(stderr ? " (stderr)" : "").append("</span>")
                .append("<span id=\"live\" class=\"live off\" title=\"following the log\">not live</span></header>\n");
        sb.append("<pre id=\"tailbody\"");
        if (processname != null) {
            sb.append(" data-processname=\"").append(Text.html(processname)).append("\" data-limit=\"").append(limit)
                    .append("\" data-channel=\"").append(stderr ? "stderr" : "stdout").append('"');
        }
        sb.append('>').append(Text.html(tail)).append("</pre>\n");
        sb.append("<div class=\"tailcontrols\">");
        if (processname != null) {
            sb.append("<a class=\"action-button\" id=\"refresh_anchor\" href=\"tail.html?processname=")
                    .append(Text.html(Text.quote(processname))).append("&amp;limit=").append(limit)
                    .append(stderr ? "&amp;channel=stderr" : "").append("\">Refresh</a> ")
                    .append("<label><input type=\"checkbox\" id=\"follow\" checked> follow the end</label> ");
        }
        sb.append("<a href=\"index.html\">Status</a></div>\n");
        foot(sb);
        html(ex, 200, sb.toString());
    }

    // ---- event streams ----

    private boolean takeStream(Exchange ex) throws IOException {
        if (streams.incrementAndGet() > MAX_STREAMS) {
            streams.decrementAndGet();
            ex.respondError(503, Map.of("Retry-After", "10"));
            return false;
        }
        return true;
    }

    private void statusEvents(Exchange ex) throws IOException {
        if (!takeStream(ex)) {
            return;
        }
        try {
            events.serve(ex);
        } finally {
            streams.decrementAndGet();
        }
    }

    private void tailEvents(Exchange ex) throws IOException {
        Map<String, String> form = Text.form(query(ex.uri()), true);
        String processname = form.get("processname");
        if (processname == null) {
            TailEvents.fault(ex, "No process name found");
            return;
        }
        boolean stderr = stderr(form);
        Path[] file = new Path[1];
        String fault;
        try {
            ProcessStatus p = control.process(processname).join();
            file[0] = stderr ? p.stderrLog() : p.stdoutLog();
            fault = file[0] == null ? "No file for " + processname : null;
        } catch (CompletionException e) {
            fault = "ERROR: unexpected rpc fault [" + Fault.BAD_NAME.code() + "] BAD_NAME: " + processname;
        }
        if (fault != null) {
            TailEvents.fault(ex, fault);
            return;
        }
        if (!takeStream(ex)) {
            return;
        }
        try {
            TailEvents.follow(ex, file[0], limit(form));
        } finally {
            streams.decrementAndGet();
        }
    }
}
