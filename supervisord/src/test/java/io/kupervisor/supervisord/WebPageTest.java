package io.kupervisor.supervisord;

import io.kupervisor.core.state.ProcessState;
import io.kupervisor.supervisord.rpc.RpcClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The web page over plain HTTP, on a real daemon: supervisord's table, actions and messages, the
 * tail view; that a GET never acts, that a POST needs the page's token and the page's origin,
 * that text is escaped, that without the password there is only the challenge; the event
 * streams. (The page in a real browser: the cli module's WebPageIT.)
 */
class WebPageTest {
    @TempDir
    Path dir;

    private DaemonHarness daemon;
    private SocketAddress inet;
    private SocketAddress unix;
    private int port;

    static final String AUTH = "Authorization: Basic " + Base64.getEncoder().encodeToString(
            "admin:s3cret".getBytes(StandardCharsets.UTF_8));
    static final String WRONG = "Authorization: Basic " + Base64.getEncoder().encodeToString(
            "admin:guess".getBytes(StandardCharsets.UTF_8));

    static final String PROGRAMS = """
            [program:sleeper]
            command=/bin/sleep 1000
            startsecs=0

            [program:cat]
            command=/bin/cat
            startsecs=0

            [program:html]
            command=/bin/sh -c 'echo "<script>alert(1)</script> & friends"; exec sleep 1000'
            startsecs=0

            [program:idle]
            command=/bin/sleep 1000
            autostart=false

            [program:quickfail]
            command=/bin/sh -c 'exit 1'
            startretries=0
            startsecs=1

            [program:missing]
            command=/nonexistent/program
            autostart=false

            [program:nolog]
            command=/bin/sleep 1000
            stdout_logfile=NONE
            startsecs=0

            [group:g]
            programs=ga,gb

            [program:ga]
            command=/bin/sleep 1000
            startsecs=0

            [program:gb]
            command=/bin/sleep 1000
            startsecs=0
            autostart=false
            """;

    @BeforeEach
    void start() throws Exception {
        System.setProperty("kupervisor.web.heartbeatMillis", "200");
        port = DaemonHarness.freePort();
        String config = DaemonHarness.supervisordSection(dir, "loglevel=info")
                + DaemonHarness.inetServer(port, "username=admin", "password=s3cret")
                + DaemonHarness.unixServer(dir, "username=admin", "password=s3cret")
                + DaemonHarness.RPC_INTERFACE + PROGRAMS;
        daemon = DaemonHarness.startRaw(dir, config);
        for (String p : List.of("sleeper", "cat", "html", "nolog", "g:ga")) {
            daemon.awaitState(p, ProcessState.RUNNING, Duration.ofSeconds(10));
        }
        daemon.awaitState("quickfail", ProcessState.FATAL, Duration.ofSeconds(10));
        inet = new InetSocketAddress("127.0.0.1", port);
        unix = UnixDomainSocketAddress.of(dir.resolve("s.sock"));
    }

    @AfterEach
    void stop() throws Exception {
        System.clearProperty("kupervisor.web.heartbeatMillis");
        daemon.close();
    }

    /** The heartbeat comments ({@code :}) a stream sent since its last table. */
    private static int heartbeatsAfterLastTable(String stream) {
        int last = stream.lastIndexOf("event: status\n");
        return count(last < 0 ? stream : stream.substring(last), ":\n\n");
    }

    // ---- plumbing ----

    private String host() {
        return "Host: 127.0.0.1:" + port;
    }

    private String get(String path, String... headers) throws IOException {
        StringBuilder sb = new StringBuilder("GET " + path + " HTTP/1.0\r\n");
        for (String h : headers) {
            sb.append(h).append("\r\n");
        }
        return RawHttp.exchange(inet, sb.append("\r\n").toString(), Duration.ofSeconds(10));
    }

    private String post(String path, String form, String... headers) throws IOException {
        return RawHttp.exchange(inet, RawHttp.post(path, form, headers), Duration.ofSeconds(30));
    }

    private String token() throws IOException {
        Matcher m = Pattern.compile("<meta name=\"kupervisor-token\" content=\"([^\"]+)\">")
                .matcher(get("/", AUTH));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    /** What the page's script sends: its token, JSON wanted, from the page's own origin. */
    private String act(String action, String processname) throws IOException {
        String form = "action=" + action + (processname == null ? "" : "&processname="
                + URLEncoder.encode(processname, StandardCharsets.UTF_8)) + "&token=" + token();
        String answer = post("/index.html", form, AUTH, host(), "Accept: application/json",
                "Origin: http://127.0.0.1:" + port, "Sec-Fetch-Site: same-origin");
        assertThat(RawHttp.status(answer)).isEqualTo("HTTP/1.0 200 OK");
        assertThat(answer).contains("Content-Type: application/json");
        return message(answer);
    }

    private static String message(String answer) {
        Matcher m = Pattern.compile("\\{\"message\":\"((?:[^\"\\\\]|\\\\.)*)\"}").matcher(answer);
        assertThat(m.find()).as(answer).isTrue();
        return m.group(1).replace("\\\"", "\"").replace("\\\\", "\\");
    }

    private static String body(String response) {
        int i = response.indexOf("\r\n\r\n");
        return i < 0 ? "" : response.substring(i + 4);
    }

    /** The row of a process: its state class and text, description, name, actions. */
    private static String row(String page, String namespec) {
        Matcher m = Pattern.compile("<tr class=\"proc[^\"]*\" data-name=\"" + Pattern.quote(namespec) + "\".*?</tr>")
                .matcher(page);
        assertThat(m.find()).as("row of " + namespec).isTrue();
        return m.group();
    }

    private static List<String> actions(String row) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("<button type=\"submit\" name=\"action\" value=\"[a-z]+\">([^<]+)</button>"
                + "|<a href=\"[^\"]+\" target=\"_blank\" name=\"[^\"]+\">([^<]+)</a>").matcher(row);
        while (m.find()) {
            out.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return out;
    }

    // ---- the tests ----

    @Test
    void withoutThePasswordThereIsOnlyTheChallenge() throws Exception {
        String token = token();
        List<String> requests = List.of("GET / HTTP/1.0\r\n", "GET /index.html HTTP/1.0\r\n",
                "GET /tail.html?processname=html HTTP/1.0\r\n", "GET /events HTTP/1.1\r\n" + host() + "\r\n",
                "GET /events/tail?processname=html HTTP/1.1\r\n" + host() + "\r\n", "GET /kupervisor.js HTTP/1.0\r\n",
                "GET /ok.html HTTP/1.0\r\n", "GET /?message=hello HTTP/1.0\r\n");
        for (String auth : new String[] {null, WRONG}) {
            for (String r : requests) {
                String req = r + (auth == null ? "" : auth + "\r\n") + "\r\n";
                for (SocketAddress where : List.of(inet, unix)) {
                    String answer = RawHttp.exchange(where, req, Duration.ofSeconds(5));
                    assertThat(answer).as(req).contains(" 401 Unauthorized\r\n",
                            "WWW-Authenticate: Basic realm=\"default\"\r\n");
                    assertThat(body(answer)).contains("Error code 401").doesNotContain("sleeper", "html", token,
                            "alert", "hello", "<table");
                }
            }
            String form = "action=stop&processname=sleeper&token=" + token;
            String answer = auth == null ? post("/index.html", form, host()) : post("/index.html", form, auth, host());
            assertThat(RawHttp.status(answer)).isEqualTo("HTTP/1.0 401 Unauthorized");
        }
        assertThat(daemon.state("sleeper")).isEqualTo(ProcessState.RUNNING);
    }

    @Test
    void theStatusTableHasSupervisordsColumnsStatesAndActions() throws Exception {
        String answer = get("/", AUTH);
        assertThat(RawHttp.status(answer)).isEqualTo("HTTP/1.0 200 OK");
        assertThat(answer).contains("Content-Type: text/html;charset=utf-8", "Cache-Control: no-store",
                "X-Frame-Options: DENY", "Content-Security-Policy: default-src 'none'; script-src 'self';",
                "frame-ancestors 'none'", "X-Content-Type-Options: nosniff");
        String page = body(answer);
        assertThat(page).contains("<title>Supervisor Status</title>", "<th class=\"state\">State</th>",
                "<th class=\"desc\">Description</th>", "<th class=\"name\">Name</th>",
                "<th class=\"action\">Action</th>", "Restart All", "Stop All", "Refresh", "Supervisor 4.2.5")
                .doesNotContain("http://", "https://"); // nothing from the internet

        // every process, by group then name
        Matcher names = Pattern.compile("<tr class=\"proc[^\"]*\" data-name=\"([^\"]+)\"").matcher(page);
        List<String> order = new ArrayList<>();
        while (names.find()) {
            order.add(names.group(1));
        }
        assertThat(order).containsExactly("cat", "g:ga", "g:gb", "html", "idle", "missing", "nolog", "quickfail",
                "sleeper");

        String running = row(page, "sleeper");
        assertThat(running).contains("<span class=\"statusrunning\">running</span>",
                "<a href=\"tail.html?processname=sleeper\" target=\"_blank\">sleeper</a>")
                .containsPattern("<td class=\"desc\"[^>]*>pid \\d+, uptime 0:00:\\d\\d</td>");
        assertThat(actions(running)).containsExactly("Restart", "Stop", "Clear Log", "Tail -f Stdout", "Tail -f Stderr");
        assertThat(running).contains("href=\"logtail/sleeper\"", "href=\"logtail/sleeper/stderr\"");

        String stopped = row(page, "idle");
        assertThat(stopped).contains("<span class=\"statusnominal\">stopped</span>", ">Not started</td>");
        assertThat(actions(stopped)).containsExactly("Start", "Clear Log", "Tail -f Stdout", "Tail -f Stderr");

        String fatal = row(page, "quickfail");
        assertThat(fatal).contains("<span class=\"statuserror\">fatal</span>",
                ">Exited too quickly (process log may have details)</td>");
        assertThat(actions(fatal)).containsExactly("Start", "Clear Log", "Tail -f Stdout", "Tail -f Stderr");

        // a group's row folds its members; names are namespecs, quoted in links as supervisord does
        assertThat(page).contains("<tr class=\"grouprow\" data-group=\"g\">", ">1/2</span>",
                "2 processes: 1 running, 1 stopped");
        assertThat(row(page, "g:ga")).contains(" member\"", "href=\"tail.html?processname=g%3Aga\"",
                "href=\"logtail/g%3Aga\"");

        // the same page on the UNIX socket server
        String viaUnix = RawHttp.exchange(unix, "GET /index.html HTTP/1.0\r\n" + AUTH + "\r\n\r\n",
                Duration.ofSeconds(5));
        assertThat(RawHttp.status(viaUnix)).isEqualTo("HTTP/1.0 200 OK");
        assertThat(viaUnix).contains("data-name=\"sleeper\"");

        // its script and style come from the daemon
        String js = get("/kupervisor.js", AUTH);
        assertThat(js).startsWith("HTTP/1.0 200 OK").contains("Content-Type: text/javascript; charset=utf-8",
                "new EventSource(");
        assertThat(get("/kupervisor.css", AUTH)).startsWith("HTTP/1.0 200 OK")
                .contains("Content-Type: text/css; charset=utf-8", ".statusrunning");
        assertThat(body(get("/ok.html", AUTH))).isEqualTo("OK");
        assertThat(RawHttp.status(get("/stylesheets/supervisor.css", AUTH))).isEqualTo("HTTP/1.0 404 Not Found");
        assertThat(RawHttp.status(RawHttp.exchange(inet, "DELETE / HTTP/1.0\r\n" + AUTH + "\r\n\r\n",
                Duration.ofSeconds(5)))).isEqualTo("HTTP/1.0 405 Method Not Allowed");
        assertThat(RawHttp.status(post("/events", "x=1", AUTH))).isEqualTo("HTTP/1.0 405 Method Not Allowed");
    }

    @Test
    void aGetNeverActs() throws Exception {
        int transitions = daemon.transitions.size();
        for (String q : List.of("?processname=sleeper&action=stop", "?action=stopall", "?action=restartall",
                "?processname=sleeper&action=restart", "?processname=idle&action=start",
                "?processname=html&action=clearlog")) {
            String answer = get("/index.html" + q, AUTH);
            assertThat(RawHttp.status(answer)).as(q).isEqualTo("HTTP/1.0 405 Method Not Allowed");
            assertThat(answer).contains("ERROR: kupervisor does not act on a GET");
        }
        // not with the token in the URL either
        assertThat(RawHttp.status(get("/?processname=sleeper&action=stop&token=" + token(), AUTH)))
                .isEqualTo("HTTP/1.0 405 Method Not Allowed");
        // an action is a request on the loop made before the answer: after a turn of the loop, none was made
        daemon.control.ping().get();
        assertThat(daemon.transitions.size()).isEqualTo(transitions);
        assertThat(daemon.state("sleeper")).isEqualTo(ProcessState.RUNNING);
        assertThat(daemon.state("idle")).isEqualTo(ProcessState.STOPPED);
        assertThat(daemon.state("g:ga")).isEqualTo(ProcessState.RUNNING);
        assertThat(body(get("/tail.html?processname=html", AUTH))).contains("&lt;script&gt;alert(1)");
        // refresh changes nothing: a GET
        assertThat(get("/index.html?action=refresh", AUTH)).startsWith("HTTP/1.0 200 OK")
                .containsPattern("Page refreshed at \\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}");
    }

    @Test
    void aPostWithoutTheTokenOrFromAnotherSiteIsRefused() throws Exception {
        String token = token();
        int transitions = daemon.transitions.size();
        String origin = "Origin: http://127.0.0.1:" + port;
        List<List<String>> refused = List.of(
                List.of("action=stop&processname=sleeper"), // no token
                List.of("action=stop&processname=sleeper&token=" + token.substring(1) + "x"), // a wrong one
                List.of("action=stop&processname=sleeper&token=", origin), // an empty one
                List.of("action=stop&processname=sleeper&token=" + token, "Origin: http://evil.example"),
                List.of("action=stop&processname=sleeper&token=" + token, "Origin: null"),
                List.of("action=stop&processname=sleeper&token=" + token, "Origin: http://127.0.0.1:" + (port + 1)),
                List.of("action=stop&processname=sleeper&token=" + token, "Referer: http://evil.example/x.html"),
                List.of("action=stop&processname=sleeper&token=" + token, "Sec-Fetch-Site: cross-site", origin),
                List.of("action=stop&processname=sleeper&token=" + token, "Sec-Fetch-Site: same-site"),
                List.of("action=stopall&token=" + token, "Sec-Fetch-Site: cross-site"));
        for (List<String> r : refused) {
            List<String> headers = new ArrayList<>(List.of(AUTH, host()));
            headers.addAll(r.subList(1, r.size()));
            String answer = post("/index.html", r.getFirst(), headers.toArray(String[]::new));
            assertThat(RawHttp.status(answer)).as(r.toString()).isEqualTo("HTTP/1.0 403 Forbidden");
            assertThat(body(answer)).contains("ERROR: refused: ").doesNotContain(token, "<table");
        }
        // the token in the query string does not count
        assertThat(RawHttp.status(post("/index.html?token=" + token, "action=stop&processname=sleeper", AUTH,
                host()))).isEqualTo("HTTP/1.0 403 Forbidden");
        // the script's request gets the reason as its message
        String json = post("/", "action=stop&processname=sleeper", AUTH, host(), "Accept: application/json");
        assertThat(RawHttp.status(json)).isEqualTo("HTTP/1.0 403 Forbidden");
        assertThat(message(json)).isEqualTo("ERROR: refused: no token (actions need the token of a page read from "
                + "this daemon)");
        daemon.control.ping().get();
        assertThat(daemon.transitions.size()).isEqualTo(transitions);
        assertThat(daemon.state("sleeper")).isEqualTo(ProcessState.RUNNING);
        assertThat(daemon.state("g:ga")).isEqualTo(ProcessState.RUNNING);
        assertThat(daemon.mainLog()).contains("WARN kupervisor: web page: refused a POST to /index.html: "
                + "Origin http://evil.example is not this server's");

        // accepted: the page's origin by Sec-Fetch-Site, by Origin, by Referer, by X-Forwarded-Host;
        // or no browser headers at all (a script that read the token with the password)
        String form = "action=refresh&token=" + token;
        for (List<String> ok : List.<List<String>>of(List.of("Sec-Fetch-Site: same-origin", "Origin: http://proxy.example"),
                List.of(origin), List.of("Referer: http://127.0.0.1:" + port + "/index.html"),
                List.of("Origin: http://proxy.example:8001", "X-Forwarded-Host: proxy.example:8001"), List.of())) {
            List<String> headers = new ArrayList<>(List.of(AUTH, host(), "Accept: application/json"));
            headers.addAll(ok);
            String answer = post("/index.html", form, headers.toArray(String[]::new));
            assertThat(RawHttp.status(answer)).as(ok.toString()).isEqualTo("HTTP/1.0 200 OK");
            assertThat(message(answer)).startsWith("Page refreshed at ");
        }
    }

    @Test
    void actionsHaveSupervisordsEffectsAndMessages() throws Exception {
        // without the script: supervisord's redirect to the page that shows the message
        String answer = post("/index.html", "action=stop&processname=sleeper&token=" + token(), AUTH, host());
        assertThat(RawHttp.status(answer)).isEqualTo("HTTP/1.0 303 See Other");
        assertThat(answer).contains("Location: index.html?message=Process%20sleeper%20stopped\r\n");
        assertThat(daemon.state("sleeper")).isEqualTo(ProcessState.STOPPED);
        String shown = body(get("/index.html?message=Process%20sleeper%20stopped", AUTH));
        assertThat(shown).contains("<div id=\"statusmessage\" class=\"status_msg\" role=\"status\">"
                + "Process sleeper stopped</div>");
        assertThat(row(shown, "sleeper")).contains("<span class=\"statusnominal\">stopped</span>");

        // with it: the message as JSON; start waits for RUNNING as startProcess does
        assertThat(act("start", "sleeper")).isEqualTo("Process sleeper started");
        assertThat(daemon.state("sleeper")).isEqualTo(ProcessState.RUNNING);
        assertThat(act("start", "sleeper")).isEqualTo("ERROR: Process sleeper: already started");
        int pid = daemon.pid("sleeper");
        assertThat(act("restart", "sleeper")).isEqualTo("Process sleeper restarted");
        assertThat(daemon.state("sleeper")).isEqualTo(ProcessState.RUNNING);
        assertThat(daemon.pid("sleeper")).isNotEqualTo(pid);
        assertThat(act("stop", "g:ga")).isEqualTo("Process g:ga stopped");
        assertThat(act("stop", "idle")).isEqualTo("unexpected rpc fault [70] NOT_RUNNING: idle");
        assertThat(act("start", "missing")).isEqualTo("ERROR: Process missing: no such file");
        assertThat(act("start", "quickfail")).isEqualTo("ERROR: Process quickfail: spawn error");
        assertThat(act("stop", "nosuch")).isEqualTo("No such process named nosuch");
        assertThat(act("start", "g:*")).isEqualTo("No such process named g:*");
        assertThat(act("clearlog", "html")).isEqualTo("Log for html cleared");
        assertThat(java.nio.file.Files.size(daemon.process("html").stdoutLog()))
                .isZero();
        assertThat(act("stopall", null)).matches("All stopped at \\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}");
        for (String p : List.of("sleeper", "cat", "html", "nolog")) {
            assertThat(daemon.state(p)).isEqualTo(ProcessState.STOPPED);
        }
        assertThat(act("restartall", null)).startsWith("All restarted at ");
        for (String p : List.of("sleeper", "cat", "html", "nolog", "g:ga", "g:gb", "idle")) {
            assertThat(daemon.state(p)).as(p).isEqualTo(ProcessState.RUNNING);
        }
        // what a script could send that the page never does
        String token = token();
        String bad = post("/index.html", "action=explode&processname=sleeper&token=" + token, AUTH, host(),
                "Accept: application/json");
        assertThat(RawHttp.status(bad)).isEqualTo("HTTP/1.0 400 Bad Request");
        assertThat(message(bad)).isEqualTo("ERROR: unknown action explode");
        assertThat(message(post("/index.html", "action=stop&token=" + token, AUTH, host(), "Accept: application/json")))
                .isEqualTo("ERROR: no processname");
    }

    @Test
    void everythingShownIsEscaped() throws Exception {
        String xss = "<script>alert('x')</script>\"><img src=x onerror=alert(1)>";
        String page = body(get("/?message=" + URLEncoder.encode(xss, StandardCharsets.UTF_8), AUTH));
        assertThat(page).contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&gt;&lt;img src=x "
                + "onerror=alert(1)&gt;").doesNotContain("<img", "<script>alert");
        String tail = body(get("/tail.html?processname=" + URLEncoder.encode(xss, StandardCharsets.UTF_8), AUTH));
        assertThat(tail).doesNotContain("<img", "<script>alert").contains("BAD_NAME: &lt;script&gt;");
        String message = act("stop", xss);
        assertThat(message).isEqualTo("No such process named " + xss); // JSON: the script shows it as text
    }

    @Test
    void theTailViewShowsTheEndOfStdoutAsSupervisordsDoes() throws Exception {
        try (RpcClient c = new RpcClient("unix://" + dir.resolve("s.sock"), "admin", "s3cret")) {
            c.call("supervisor.sendProcessStdin", "cat", "x".repeat(3000) + "\nlast line\n");
            await().atMost(Duration.ofSeconds(5)).until(() -> ((String) c.call("supervisor.readProcessStdoutLog",
                    "cat", 0, 0)).contains("last line"));
        }
        String page = body(get("/tail.html?processname=cat", AUTH));
        assertThat(page).contains("<title>Supervisor tail of process cat</title>",
                "<pre id=\"tailbody\" data-processname=\"cat\" data-limit=\"1024\" data-channel=\"stdout\">",
                "last line\n</pre>", "href=\"tail.html?processname=cat&amp;limit=1024\"");
        Matcher pre = Pattern.compile("<pre[^>]*>(.*?)</pre>", Pattern.DOTALL).matcher(page);
        assertThat(pre.find()).isTrue();
        assertThat(pre.group(1)).hasSize(1024);
        Matcher more = Pattern.compile("<pre[^>]*>(.*?)</pre>", Pattern.DOTALL)
                .matcher(body(get("/tail.html?processname=cat&limit=2000", AUTH)));
        assertThat(more.find()).isTrue();
        assertThat(more.group(1)).hasSize(2000);
        assertThat(body(get("/tail.html?processname=html", AUTH))).contains(
                "&lt;script&gt;alert(1)&lt;/script&gt; &amp; friends\n</pre>");
        assertThat(body(get("/tail.html", AUTH))).contains("<title>Supervisor tail of process None</title>",
                "<pre id=\"tailbody\">No process name found</pre>");
        assertThat(body(get("/tail.html?processname=nolog", AUTH))).contains(">No file for nolog</pre>");
        assertThat(body(get("/tail.html?processname=nosuch", AUTH))).contains(
                ">ERROR: unexpected rpc fault [10] BAD_NAME: nosuch</pre>");
    }

    /** Reads an answer that does not end (an event stream) as it comes. */
    private static final class Streamed implements AutoCloseable {
        private final SocketChannel ch;
        private final StringBuilder got = new StringBuilder();
        final Thread reader;

        Streamed(SocketAddress where, String request) throws IOException {
            ch = SocketChannel.open(where);
            ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8)));
            reader = Thread.ofVirtual().start(() -> {
                ByteBuffer buf = ByteBuffer.allocate(8192);
                try {
                    while (ch.read(buf) >= 0) {
                        synchronized (got) {
                            got.append(new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8));
                        }
                        buf.clear();
                    }
                } catch (IOException e) {
                    // closed
                }
            });
        }

        String text() {
            synchronized (got) {
                return got.toString();
            }
        }

        String await(Predicate<String> p) {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                    .until(() -> p.test(text()));
            return text();
        }

        @Override
        public void close() throws IOException {
            ch.close();
            reader.interrupt();
        }
    }

    /** The state of a process in the last table of an event stream, or null. */
    private static String lastState(String stream, String namespec) {
        int last = stream.lastIndexOf("event: status\n");
        if (last < 0) {
            return null;
        }
        Matcher m = Pattern.compile("data-name=\\\\\"" + Pattern.quote(namespec)
                + "\\\\\" data-group=\\\\\"[^\\\\]*\\\\\" data-state=\\\\\"([A-Z]+)").matcher(stream.substring(last));
        return m.find() ? m.group(1) : null;
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void theStatusStreamPushesEveryStateChange() throws Exception {
        try (Streamed events = new Streamed(unix, "GET /events HTTP/1.1\r\nHost: localhost\r\n" + AUTH + "\r\n\r\n");
             RpcClient c = new RpcClient("unix://" + dir.resolve("s.sock"), "admin", "s3cret")) {
            String first = events.await(s -> s.contains("event: status\n"));
            assertThat(first).startsWith("HTTP/1.1 200 OK").contains("Content-Type: text/event-stream; charset=utf-8",
                    "Transfer-Encoding: chunked", "retry: 2000\n", "\"state\":\"RUNNING\"",
                    "data-name=\\\"idle\\\" data-group=\\\"idle\\\" data-state=\\\"STOPPED\\\"");
            // a change made elsewhere (XML-RPC) is pushed, state by state
            c.call("supervisor.startProcess", "idle");
            events.await(s -> "RUNNING".equals(lastState(s, "idle")));
            c.call("supervisor.stopProcess", "idle");
            String all = events.await(s -> "STOPPED".equals(lastState(s, "idle")));
            assertThat(all).contains("data-name=\\\"idle\\\" data-group=\\\"idle\\\" data-state=\\\"STARTING\\\"");
            // nothing changes: nothing is sent but the heartbeat (200 ms here), no table on a timer
            int settled = count(events.await(s -> heartbeatsAfterLastTable(s) >= 2), "event: status\n");
            String later = events.await(s -> heartbeatsAfterLastTable(s) >= 6);
            assertThat(count(later, "event: status\n")).isEqualTo(settled);
            // a group removed is pushed too (no process changes state then)
            c.call("supervisor.stopProcessGroup", "g");
            events.await(s -> "STOPPED".equals(lastState(s, "g:ga")));
            int before = count(events.text(), "event: status\n");
            c.call("supervisor.removeProcessGroup", "g");
            String after = events.await(s -> count(s, "event: status\n") > before);
            assertThat(after.substring(after.lastIndexOf("event: status\n"))).doesNotContain("g:ga");
        }
    }

    @Test
    void aReloadEndsTheStreamAndThePageKeepsWorkingAfterIt() throws Exception {
        String token = token();
        try (Streamed events = new Streamed(inet, "GET /events HTTP/1.1\r\n" + host() + "\r\n" + AUTH + "\r\n\r\n");
             RpcClient c = new RpcClient("http://127.0.0.1:" + port, "admin", "s3cret")) {
            events.await(s -> s.contains("event: status\n"));
            c.call("supervisor.restart");
            // the stream ends (the browser's EventSource then connects again)
            events.await(s -> !events.reader.isAlive());
        }
        daemon.awaitState("sleeper", ProcessState.RUNNING, Duration.ofSeconds(10));
        try (Streamed events = new Streamed(inet, "GET /events HTTP/1.1\r\n" + host() + "\r\n" + AUTH + "\r\n\r\n")) {
            events.await(s -> "RUNNING".equals(lastState(s, "sleeper")));
        }
        // the token of a page read before the reload still acts
        String answer = post("/index.html", "action=stop&processname=sleeper&token=" + token, AUTH, host(),
                "Accept: application/json");
        assertThat(message(answer)).isEqualTo("Process sleeper stopped");
    }

    @Test
    void theTailStreamFollowsTheLog() throws Exception {
        try (Streamed tail = new Streamed(inet, "GET /events/tail?processname=cat HTTP/1.1\r\n" + host() + "\r\n"
                + AUTH + "\r\n\r\n");
             RpcClient c = new RpcClient("unix://" + dir.resolve("s.sock"), "admin", "s3cret")) {
            tail.await(s -> s.contains("event: reset\n"));
            c.call("supervisor.sendProcessStdin", "cat", "first <line>\n");
            tail.await(s -> s.contains("data: \"first <line>\\n\""));
            c.call("supervisor.sendProcessStdin", "cat", "second \u00e9\u00e8 \"quoted\"\n");
            tail.await(s -> s.contains("second \u00e9\u00e8 \\\"quoted\\\"\\n"));
            c.call("supervisor.clearProcessLogs", "cat");
            c.call("supervisor.sendProcessStdin", "cat", "third\n");
            tail.await(s -> s.contains("third\\n"));
        }
        // nothing to follow: the reason, once
        for (String[] q : new String[][] {{"", "No process name found"}, {"?processname=nolog", "No file for nolog"},
                {"?processname=nosuch", "ERROR: unexpected rpc fault [10] BAD_NAME: nosuch"}}) {
            String answer = RawHttp.exchange(inet, "GET /events/tail" + q[0] + " HTTP/1.0\r\n" + AUTH + "\r\n\r\n",
                    Duration.ofSeconds(5));
            assertThat(answer).startsWith("HTTP/1.0 200 OK").contains("event: fault\ndata: \"" + q[1] + "\"\n\n");
        }
    }
}
