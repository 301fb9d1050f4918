package io.kupervisor.supervisord;

import io.kupervisor.core.state.ProcessState;
import io.kupervisor.supervisord.server.ControlPlane;
import io.kupervisor.supervisord.rpc.Faults;
import io.kupervisor.supervisord.rpc.RpcClient;
import io.kupervisor.supervisord.rpc.RpcFault;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * supervisord's XML-RPC interface on kupervisor's daemon, method by method, through a real HTTP
 * server on a UNIX socket: values, fault codes and texts, deferred answers, the HTTP rules.
 * (The same commands through Debian's supervisorctl are compared with supervisord in the cli
 * module's compatibility tests.)
 */
class RpcInterfaceTest {
    @TempDir
    Path dir;

    static final List<String> METHODS_425 = List.of("supervisor.addProcessGroup", "supervisor.clearAllProcessLogs",
            "supervisor.clearLog", "supervisor.clearProcessLog", "supervisor.clearProcessLogs",
            "supervisor.getAPIVersion", "supervisor.getAllConfigInfo", "supervisor.getAllProcessInfo",
            "supervisor.getIdentification", "supervisor.getPID", "supervisor.getProcessInfo", "supervisor.getState",
            "supervisor.getSupervisorVersion", "supervisor.getVersion", "supervisor.readLog", "supervisor.readMainLog",
            "supervisor.readProcessLog", "supervisor.readProcessStderrLog", "supervisor.readProcessStdoutLog",
            "supervisor.reloadConfig", "supervisor.removeProcessGroup", "supervisor.restart",
            "supervisor.sendProcessStdin", "supervisor.sendRemoteCommEvent", "supervisor.shutdown",
            "supervisor.signalAllProcesses", "supervisor.signalProcess", "supervisor.signalProcessGroup",
            "supervisor.startAllProcesses", "supervisor.startProcess", "supervisor.startProcessGroup",
            "supervisor.stopAllProcesses", "supervisor.stopProcess", "supervisor.stopProcessGroup",
            "supervisor.tailProcessLog", "supervisor.tailProcessStderrLog", "supervisor.tailProcessStdoutLog",
            "system.listMethods", "system.methodHelp", "system.methodSignature", "system.multicall");

    private String header(String servers) {
        return DaemonHarness.supervisordSection(dir, "loglevel=info") + servers + "\n" + DaemonHarness.RPC_INTERFACE;
    }

    private String unixServer() {
        return "[unix_http_server]\nfile=" + dir.resolve("s.sock") + "\n";
    }

    static final String PROGRAMS = """
            [program:sleeper]
            command=/bin/sleep 1000
            startsecs=0

            [program:cat]
            command=/bin/cat
            startsecs=0

            [program:echo]
            command=/bin/sh -c 'printf "0123456789\\n"; exec sleep 1000'
            startsecs=0

            [program:quickfail]
            command=/bin/sh -c 'exit 1'
            autostart=false
            startretries=0

            [program:stubborn]
            command=/bin/sh -c "trap '' TERM; exec sleep 1000"
            stopwaitsecs=1
            startsecs=0

            [program:nolog]
            command=/bin/sleep 1000
            stdout_logfile=NONE
            autostart=false

            [group:g]
            programs=ga,gb

            [program:ga]
            command=/bin/sleep 1000
            startsecs=0
            autostart=false

            [program:gb]
            command=/bin/sleep 1000
            startsecs=0
            autostart=false
            """;

    private DaemonHarness daemon() throws Exception {
        DaemonHarness d = DaemonHarness.startRaw(dir, header(unixServer()) + PROGRAMS);
        for (String p : List.of("sleeper", "cat", "echo", "stubborn")) {
            d.awaitState(p, ProcessState.RUNNING, Duration.ofSeconds(10));
        }
        return d;
    }

    private RpcClient client() {
        return new RpcClient("unix://" + dir.resolve("s.sock"), null, null);
    }

    private static void fault(int code, String text, ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(RpcFault.class, f -> {
            assertThat(f.code()).isEqualTo(code);
            assertThat(f.text()).isEqualTo(text);
        });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> struct(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return (List<Object>) o;
    }

    @Test
    void introspectionVersionsAndMulticall() throws Exception {
        try (DaemonHarness d = daemon(); RpcClient c = client()) {
            assertThat(d.mainLog()).contains("INFO RPC interface 'supervisor' initialized",
                    "CRIT Server 'unix_http_server' running without any HTTP authentication checking");
            assertThat(c.call("system.listMethods")).isEqualTo(METHODS_425);
            assertThat(c.call("supervisor.getAPIVersion")).isEqualTo("3.0");
            assertThat(c.call("supervisor.getVersion")).isEqualTo("3.0");
            assertThat(c.call("supervisor.getSupervisorVersion")).isEqualTo("4.2.5");
            assertThat(c.call("supervisor.getIdentification")).isEqualTo("supervisor");
            assertThat(c.call("supervisor.getState")).isEqualTo(Map.of("statecode", 1, "statename", "RUNNING"));
            assertThat(c.call("supervisor.getPID")).isEqualTo((int) ProcessHandle.current().pid());
            // supervisord: [pid, {10 BAD_NAME: nosuch}, {2 ... Recursive ...}, {2}, {1}, {2 ... No methodName}]
            Object multi = c.call("system.multicall", List.of(
                    Map.of("methodName", "supervisor.getPID"),
                    Map.of("methodName", "supervisor.getProcessInfo", "params", List.of("nosuch")),
                    Map.of("methodName", "system.multicall", "params", List.of(List.of())),
                    Map.of("methodName", "supervisor.getState", "params", List.of(1)),
                    Map.of("methodName", "nonexist.x"),
                    Map.of("params", List.of())));
            assertThat(list(multi)).containsExactly((int) ProcessHandle.current().pid(),
                    Map.of("faultCode", 10, "faultString", "BAD_NAME: nosuch"),
                    Map.of("faultCode", 2, "faultString", "INCORRECT_PARAMETERS: Recursive system.multicall forbidden"),
                    Map.of("faultCode", 2, "faultString", "INCORRECT_PARAMETERS"),
                    Map.of("faultCode", 1, "faultString", "UNKNOWN_METHOD"),
                    Map.of("faultCode", 2, "faultString", "INCORRECT_PARAMETERS: No methodName"));
            // deferred answers inside a multicall are awaited in order
            Object seq = c.call("system.multicall", List.of(
                    Map.of("methodName", "supervisor.stopProcess", "params", List.of("sleeper")),
                    Map.of("methodName", "supervisor.startProcess", "params", List.of("sleeper")),
                    Map.of("methodName", "supervisor.getProcessInfo", "params", List.of("sleeper"))));
            assertThat(list(seq).subList(0, 2)).containsExactly(true, true);
            assertThat(struct(list(seq).get(2))).containsEntry("statename", "RUNNING");
            fault(Faults.UNKNOWN_METHOD, "UNKNOWN_METHOD", () -> c.call("supervisor.supervisord"));
            fault(Faults.INCORRECT_PARAMETERS, "INCORRECT_PARAMETERS", () -> c.call("supervisor.getState", 1));
            fault(Faults.INCORRECT_PARAMETERS, "INCORRECT_PARAMETERS", () -> c.call("supervisor.startProcess"));
            fault(Faults.SIGNATURE_UNSUPPORTED, "SIGNATURE_UNSUPPORTED", () -> c.call("system.methodSignature", "x"));
            assertThat(c.call("system.methodSignature", "supervisor.tailProcessStdoutLog"))
                    .isEqualTo(List.of("array", "string", "int", "int"));
        }
    }

    @Test
    void processInformationAndControlWithSupervisordsFaults() throws Exception {
        try (DaemonHarness d = daemon(); RpcClient c = client()) {
            Map<String, Object> info = struct(c.call("supervisor.getProcessInfo", "sleeper"));
            assertThat(info.keySet()).containsExactly("name", "group", "start", "stop", "now", "state", "statename",
                    "spawnerr", "exitstatus", "logfile", "stdout_logfile", "stderr_logfile", "pid", "description");
            assertThat(info).containsEntry("name", "sleeper").containsEntry("group", "sleeper")
                    .containsEntry("state", 20).containsEntry("statename", "RUNNING").containsEntry("spawnerr", "")
                    .containsEntry("stop", 0).containsEntry("pid", d.pid("sleeper"));
            assertThat((String) info.get("description")).matches("pid \\d+, uptime 0:00:0\\d");
            assertThat((String) info.get("stdout_logfile")).contains("sleeper-stdout---supervisor-");
            assertThat(list(c.call("supervisor.getAllProcessInfo"))).extracting(o -> struct(o).get("name"))
                    .containsExactly("cat", "echo", "ga", "gb", "nolog", "quickfail", "sleeper", "stubborn");
            fault(Faults.BAD_NAME, "BAD_NAME: g:*", () -> c.call("supervisor.getProcessInfo", "g:*"));
            fault(Faults.BAD_NAME, "BAD_NAME: nosuch", () -> c.call("supervisor.getProcessInfo", "nosuch"));
            fault(Faults.ALREADY_STARTED, "ALREADY_STARTED: sleeper", () -> c.call("supervisor.startProcess", "sleeper"));
            fault(Faults.SPAWN_ERROR, "SPAWN_ERROR: quickfail", () -> c.call("supervisor.startProcess", "quickfail"));
            fault(Faults.NOT_RUNNING, "NOT_RUNNING: g:ga", () -> c.call("supervisor.stopProcess", "g:ga"));
            fault(Faults.BAD_NAME, "BAD_NAME: nosuch:*", () -> c.call("supervisor.startProcess", "nosuch:*"));
            fault(Faults.BAD_NAME, "BAD_NAME: nosuch", () -> c.call("supervisor.startProcessGroup", "nosuch"));
            // in the order the answers come (process order within one 50 ms gathering, as supervisord's
            // polling of its callbacks), which a loaded machine can spread over two
            assertThat(list(c.call("supervisor.startProcessGroup", "g"))).containsExactlyInAnyOrder(
                    Map.of("name", "ga", "group", "g", "status", 80, "description", "OK"),
                    Map.of("name", "gb", "group", "g", "status", 80, "description", "OK"));
            assertThat(c.call("supervisor.startProcess", "g:*")).isEqualTo(List.of());
            assertThat(list(c.call("supervisor.stopProcess", "g:*"))).containsExactlyInAnyOrder(
                    Map.of("name", "ga", "group", "g", "status", 80, "description", "OK"),
                    Map.of("name", "gb", "group", "g", "status", 80, "description", "OK"));
            // without waiting, a stop leaves STOPPING; a start then fails as supervisord's does
            assertThat(c.call("supervisor.stopProcess", "stubborn", false)).isEqualTo(true);
            assertThat(d.state("stubborn")).isEqualTo(ProcessState.STOPPING);
            fault(Faults.ABNORMAL_TERMINATION, "ABNORMAL_TERMINATION: stubborn",
                    () -> c.call("supervisor.startProcess", "stubborn"));
            d.awaitState("stubborn", ProcessState.STOPPED, Duration.ofSeconds(5));
            assertThat(c.call("supervisor.startProcess", "stubborn", false)).isEqualTo(true);
            // signals
            fault(Faults.BAD_SIGNAL, "BAD_SIGNAL: FOO", () -> c.call("supervisor.signalProcess", "sleeper", "FOO"));
            fault(Faults.BAD_SIGNAL, "BAD_SIGNAL: 99", () -> c.call("supervisor.signalProcess", "sleeper", 99));
            fault(Faults.NOT_RUNNING, "NOT_RUNNING: g:ga", () -> c.call("supervisor.signalProcess", "g:ga", "HUP"));
            assertThat(c.call("supervisor.signalProcess", "sleeper", "sigcont")).isEqualTo(true);
            assertThat(list(c.call("supervisor.signalAllProcesses", 0))).extracting(o -> struct(o).get("name"))
                    .containsExactlyInAnyOrder("cat", "echo", "sleeper", "stubborn");
            assertThat(c.call("supervisor.signalProcessGroup", "g", "HUP")).isEqualTo(List.of());
            // stop and start everything; supervisord lists only what it acted on
            assertThat(list(c.call("supervisor.stopAllProcesses"))).hasSize(4);
            List<Object> started = list(c.call("supervisor.startAllProcesses"));
            assertThat(started).extracting(o -> struct(o).get("name") + " " + struct(o).get("status"))
                    .contains("quickfail 50", "sleeper 80", "ga 80", "nolog 80");
            assertThat(started).filteredOn(o -> struct(o).get("name").equals("quickfail"))
                    .extracting(o -> struct(o).get("description")).containsExactly("SPAWN_ERROR: quickfail");
        }
    }

    @Test
    void logsAreReadWithSupervisordsOffsetRules() throws Exception {
        try (DaemonHarness d = daemon(); RpcClient c = client()) {
            await().atMost(Duration.ofSeconds(5)).until(() -> "0123456789\n".equals(
                    c.call("supervisor.readProcessStdoutLog", "echo", 0, 0)));
            assertThat(c.call("supervisor.readProcessLog", "echo", -4, 0)).isEqualTo("789\n");
            assertThat(c.call("supervisor.readProcessStdoutLog", "echo", 2, 3)).isEqualTo("234");
            assertThat(c.call("supervisor.readProcessStdoutLog", "echo", 100, 0)).isEqualTo("");
            fault(Faults.BAD_ARGUMENTS, "BAD_ARGUMENTS", () -> c.call("supervisor.readProcessStdoutLog", "echo", -1, 2));
            fault(Faults.BAD_ARGUMENTS, "BAD_ARGUMENTS", () -> c.call("supervisor.readProcessStdoutLog", "echo", 0, -1));
            fault(Faults.NO_FILE, "NO_FILE", () -> c.call("supervisor.readProcessStdoutLog", "nolog", 0, 0));
            fault(Faults.BAD_NAME, "BAD_NAME: nosuch", () -> c.call("supervisor.readProcessStdoutLog", "nosuch", 0, 0));
            assertThat(c.call("supervisor.tailProcessStdoutLog", "echo", 0, 5)).isEqualTo(List.of("6789\n", 11, true));
            assertThat(c.call("supervisor.tailProcessLog", "echo", 1000, 10)).isEqualTo(List.of("", 11, false));
            assertThat(c.call("supervisor.tailProcessStdoutLog", "nolog", 0, 10)).isEqualTo(List.of("", 0, false));
            assertThat((String) c.call("supervisor.readLog", 0, 0)).contains("supervisord started with pid");
            assertThat((String) c.call("supervisor.readMainLog", -20, 0)).hasSize(20);
            assertThat(c.call("supervisor.clearProcessLogs", "echo")).isEqualTo(true);
            assertThat(c.call("supervisor.readProcessStdoutLog", "echo", 0, 0)).isEqualTo("");
            assertThat(list(c.call("supervisor.clearAllProcessLogs"))).hasSize(8)
                    .allMatch(o -> struct(o).get("status").equals(80));
            assertThat(c.call("supervisor.clearLog")).isEqualTo(true);
            assertThat((String) c.call("supervisor.readLog", 0, 0)).doesNotContain("supervisord started with pid");
        }
    }

    @Test
    void stdinIsWrittenWithoutEverBlockingTheDaemon() throws Exception {
        try (DaemonHarness d = daemon(); RpcClient c = client()) {
            assertThat(c.call("supervisor.sendProcessStdin", "cat", "hello stdin\n")).isEqualTo(true);
            await().atMost(Duration.ofSeconds(5)).until(() -> ((String) c.call("supervisor.readProcessStdoutLog",
                    "cat", 0, 0)).contains("hello stdin"));
            fault(Faults.INCORRECT_PARAMETERS, "INCORRECT_PARAMETERS: 5",
                    () -> c.call("supervisor.sendProcessStdin", "cat", 5));
            fault(Faults.NOT_RUNNING, "NOT_RUNNING: g:ga", () -> c.call("supervisor.sendProcessStdin", "g:ga", "x"));
            // sleep never reads its stdin: the pipe fills, the rest waits (bounded) and the loop goes on
            char[] big = new char[900 * 1024];
            Arrays.fill(big, 'x');
            assertThat(c.call("supervisor.sendProcessStdin", "sleeper", new String(big))).isEqualTo(true);
            assertThatThrownBy(() -> c.call("supervisor.sendProcessStdin", "sleeper", new String(big)))
                    .isInstanceOfSatisfying(RpcFault.class, f -> assertThat(f.code()).isEqualTo(Faults.FAILED));
            // the loop goes on while the write waits: it answers, and cat still gets and echoes its input
            // (a blocked loop would answer neither; awaited, not timed)
            await().atMost(Duration.ofSeconds(60)).until(() -> Map.of("statecode", 1, "statename", "RUNNING")
                    .equals(c.call("supervisor.getState")));
            assertThat(c.call("supervisor.sendProcessStdin", "cat", "while sleeper waits\n")).isEqualTo(true);
            await().atMost(Duration.ofSeconds(60)).until(() -> ((String) c.call("supervisor.readProcessStdoutLog",
                    "cat", 0, 0)).contains("while sleeper waits"));
            assertThat(c.call("supervisor.sendRemoteCommEvent", "type", "data")).isEqualTo(true);
        }
    }

    @Test
    void rereadAddRemoveAndConfigInfo() throws Exception {
        try (DaemonHarness d = daemon(); RpcClient c = client()) {
            assertThat(c.call("supervisor.reloadConfig")).isEqualTo(List.of(List.of(List.of(), List.of(), List.of())));
            Files.writeString(dir.resolve("supervisord.conf"), header(unixServer()) + PROGRAMS
                    + "\n[program:fresh]\ncommand=/bin/sleep 1000\nstartsecs=0\n");
            assertThat(c.call("supervisor.reloadConfig"))
                    .isEqualTo(List.of(List.of(List.of("fresh"), List.of(), List.of())));
            Map<String, Object> fresh = list(c.call("supervisor.getAllConfigInfo")).stream().map(o -> struct(o))
                    .filter(m -> m.get("name").equals("fresh")).findFirst().orElseThrow();
            assertThat(fresh).containsEntry("inuse", false).containsEntry("autostart", true)
                    .containsEntry("stdout_logfile", "auto").containsEntry("directory", "none")
                    .containsEntry("uid", "none").containsEntry("stopsignal", 15)
                    .containsEntry("exitcodes", List.of(0)).containsEntry("group_prio", 999);
            assertThat(fresh).hasSize(29);
            assertThat(c.call("supervisor.addProcessGroup", "fresh")).isEqualTo(true);
            fault(Faults.ALREADY_ADDED, "ALREADY_ADDED: fresh", () -> c.call("supervisor.addProcessGroup", "fresh"));
            fault(Faults.BAD_NAME, "BAD_NAME: nosuch", () -> c.call("supervisor.addProcessGroup", "nosuch"));
            d.awaitState("fresh", ProcessState.RUNNING, Duration.ofSeconds(5));
            fault(Faults.STILL_RUNNING, "STILL_RUNNING: fresh", () -> c.call("supervisor.removeProcessGroup", "fresh"));
            c.call("supervisor.stopProcessGroup", "fresh");
            assertThat(c.call("supervisor.removeProcessGroup", "fresh")).isEqualTo(true);
            fault(Faults.BAD_NAME, "BAD_NAME: fresh", () -> c.call("supervisor.removeProcessGroup", "fresh"));
            Files.writeString(dir.resolve("supervisord.conf"), header(unixServer()) + PROGRAMS
                    + "\n[program:bad]\ncommand=/bin/sleep 1\nstartsecs=abc\n");
            fault(Faults.CANT_REREAD, "CANT_REREAD: invalid literal for int() with base 10: 'abc' in section "
                    + "'program:bad' (file: '" + dir.resolve("supervisord.conf") + "')",
                    () -> c.call("supervisor.reloadConfig"));
        }
    }

    @Test
    void everyCallButTwoFailsWithShutdownStateWhileStopping() throws Exception {
        DaemonHarness d = daemon();
        try (RpcClient c = client()) {
            assertThat(c.call("supervisor.shutdown")).isEqualTo(true);
            fault(Faults.SHUTDOWN_STATE, "SHUTDOWN_STATE", () -> c.call("supervisor.getState"));
            fault(Faults.SHUTDOWN_STATE, "SHUTDOWN_STATE", () -> c.call("supervisor.shutdown"));
            fault(Faults.SHUTDOWN_STATE, "SHUTDOWN_STATE", () -> c.call("supervisor.signalAllProcesses", "HUP"));
            assertThat(c.call("supervisor.sendRemoteCommEvent", "t", "d")).isEqualTo(true);
            assertThat(list(c.call("system.listMethods"))).hasSize(41);
            assertThat(d.supervisor.awaitExit(Duration.ofSeconds(10))).isTrue();
            assertThat(Files.exists(dir.resolve("s.sock"))).isFalse();
        }
    }

    @Test
    void httpRulesAuthenticationAndLogStreaming() throws Exception {
        int port;
        try (var s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String servers = "[inet_http_server]\nport=127.0.0.1:" + port + "\nusername=admin\npassword=plain\n"
                + unixServer() + "username=admin\npassword={SHA}e5e9fa1ba31ecd1ae84f75caaa474f3a663f05f4\nchmod=0660\n";
        try (DaemonHarness d = DaemonHarness.startRaw(dir, header(servers) + PROGRAMS)) {
            d.awaitState("cat", ProcessState.RUNNING, Duration.ofSeconds(10));
            var unix = UnixDomainSocketAddress.of(dir.resolve("s.sock"));
            var inet = new java.net.InetSocketAddress("127.0.0.1", port);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("s.sock"))))
                    .isEqualTo("rw-rw----");
            String call = "<?xml version='1.0'?><methodCall><methodName>supervisor.getAPIVersion</methodName>"
                    + "</methodCall>";
            // every path asks for credentials, {SHA} or plain
            String noAuth = RawHttp.exchange(unix, RawHttp.post("/RPC2", call), Duration.ofSeconds(5));
            assertThat(noAuth).startsWith("HTTP/1.0 401 Unauthorized").contains("WWW-Authenticate: Basic realm=\"default\"");
            assertThat(RawHttp.status(RawHttp.exchange(inet, "GET /nosuch HTTP/1.0\r\n\r\n", Duration.ofSeconds(5))))
                    .isEqualTo("HTTP/1.0 401 Unauthorized");
            try (RpcClient wrong = new RpcClient("unix://" + dir.resolve("s.sock"), "admin", "plain")) {
                assertThatThrownBy(() -> wrong.call("supervisor.getState"))
                        .isInstanceOfSatisfying(RpcClient.ProtocolError.class, e -> assertThat(e.status()).isEqualTo(401));
            }
            try (RpcClient sha = new RpcClient("unix://" + dir.resolve("s.sock"), "admin", "secret");
                 RpcClient plain = new RpcClient("http://127.0.0.1:" + port, "admin", "plain")) {
                assertThat(sha.call("supervisor.getAPIVersion")).isEqualTo("3.0");
                assertThat(plain.call("supervisor.getAPIVersion")).isEqualTo("3.0");
                // one connection, many calls (keep-alive)
                for (int i = 0; i < 20; i++) {
                    assertThat(plain.call("supervisor.getPID")).isEqualTo((int) ProcessHandle.current().pid());
                }
            }
            String auth = "Authorization: Basic YWRtaW46cGxhaW4=";
            assertThat(RawHttp.status(RawHttp.exchange(inet, "GET /RPC2 HTTP/1.0\r\n" + auth + "\r\n\r\n",
                    Duration.ofSeconds(5)))).isEqualTo("HTTP/1.0 400 Bad Request");
            assertThat(RawHttp.status(RawHttp.exchange(inet, "POST /RPC2 HTTP/1.0\r\n" + auth + "\r\n\r\n",
                    Duration.ofSeconds(5)))).isEqualTo("HTTP/1.0 411 Length Required");
            assertThat(RawHttp.status(RawHttp.exchange(inet, "GET /stylesheets/supervisor.css HTTP/1.0\r\n" + auth + "\r\n\r\n",
                    Duration.ofSeconds(5)))).isEqualTo("HTTP/1.0 404 Not Found");
            assertThat(RawHttp.status(RawHttp.exchange(inet, RawHttp.post("/RPC2", "<methodCall>", auth),
                    Duration.ofSeconds(5)))).isEqualTo("HTTP/1.0 400 Bad Request");
            assertThat(d.mainLog()).contains("ERRO XML-RPC request data '<methodCall>' is invalid: unmarshallable");
            assertThat(RawHttp.status(RawHttp.exchange(inet, RawHttp.post("/RPC2", "<a/>", auth),
                    Duration.ofSeconds(5)))).isEqualTo("HTTP/1.0 400 Bad Request");
            assertThat(d.mainLog()).contains("ERRO XML-RPC request data '<a/>' is invalid: no method name");
            assertThat(RawHttp.status(RawHttp.exchange(inet, "POST /RPC2 HTTP/1.0\r\n" + auth
                    + "\r\nContent-Length: 999999999\r\n\r\n", Duration.ofSeconds(5))))
                    .isEqualTo("HTTP/1.0 413 Request Entity Too Large");
            String ok = RawHttp.exchange(inet, RawHttp.post("/RPC2", call, auth), Duration.ofSeconds(5));
            assertThat(ok).startsWith("HTTP/1.0 200 OK").contains("Content-Type: text/xml", "Connection: close",
                    "<value><string>3.0</string></value>");
            // /logtail: the last 1024 bytes, then what is appended, chunked
            try (RpcClient c = new RpcClient("unix://" + dir.resolve("s.sock"), "admin", "secret")) {
                StringBuilder got = new StringBuilder();
                Thread tail = Thread.ofVirtual().start(() -> {
                    try (RpcClient t = new RpcClient("http://127.0.0.1:" + port, "admin", "plain")) {
                        t.stream("/logtail/cat", (b, off, len) -> {
                            synchronized (got) {
                                got.append(new String(b, off, len));
                            }
                        });
                    } catch (java.io.IOException e) {
                        // interrupted
                    }
                });
                c.call("supervisor.sendProcessStdin", "cat", "first\n");
                await().atMost(Duration.ofSeconds(5)).until(() -> {
                    synchronized (got) {
                        return got.toString().contains("first\n");
                    }
                });
                c.call("supervisor.sendProcessStdin", "cat", "second\n");
                await().atMost(Duration.ofSeconds(5)).until(() -> {
                    synchronized (got) {
                        return got.toString().contains("second\n");
                    }
                });
                c.call("supervisor.clearProcessLogs", "cat");
                c.call("supervisor.sendProcessStdin", "cat", "third\n");
                await().atMost(Duration.ofSeconds(5)).until(() -> {
                    synchronized (got) {
                        return got.toString().contains("third\n");
                    }
                });
                tail.interrupt();
                assertThat(c.stream("/logtail/nosuch/stdout", (b, o, l) -> { })).isEqualTo(404);
                assertThat(c.stream("/logtail/cat/foo", (b, o, l) -> { })).isEqualTo(404);
            }
            String head = RawHttp.exchange(inet, "GET /mainlogtail HTTP/1.1\r\nHost: localhost\r\n" + auth + "\r\n\r\n",
                    Duration.ofMillis(500));
            assertThat(head).startsWith("HTTP/1.1 200 OK").contains("Transfer-Encoding: chunked",
                    "Content-Type: text/plain;charset=utf-8");
            String stream10 = RawHttp.exchange(inet, "GET /logtail/echo HTTP/1.0\r\n" + auth + "\r\n\r\n",
                    Duration.ofMillis(500));
            assertThat(stream10).startsWith("HTTP/1.0 200 OK").contains("X-Accel-Buffering: no", "Connection: close")
                    .endsWith("\r\n\r\n0123456789\n");
        }
    }

    @Test
    void aStaleSocketIsReplacedAndALiveOneIsAnError() throws Exception {
        Path sock = dir.resolve("s.sock");
        try (ServerSocketChannel stale = ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            stale.bind(UnixDomainSocketAddress.of(sock));
        }
        assertThat(Files.exists(sock)).isTrue();
        try (DaemonHarness d = DaemonHarness.startRaw(dir, header(unixServer()) + "[program:s]\ncommand=/bin/sleep 100\n");
             RpcClient c = client()) {
            assertThat(c.call("supervisor.getAPIVersion")).isEqualTo("3.0");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sock))).isEqualTo("rwx------");
            // a second daemon on the same socket: supervisord's words, and the first one goes on
            assertThatThrownBy(() -> new ControlPlane(d.control).open(d.control.config()))
                    .isInstanceOf(ControlPlane.OpenFailed.class)
                    .hasMessage("Another program is already listening on a port that one of our HTTP servers is "
                            + "configured to use.  Shut this program down first before starting supervisord.");
            assertThat(c.call("supervisor.getAPIVersion")).isEqualTo("3.0");
        }
    }

    @Test
    void theSocketIsChownedAsConfigured() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.kupervisor.supervisord.posix.Posix.getuid() == 0,
                "chown needs root");
        String servers = unixServer() + "chown=nobody:nogroup\nchmod=0770\n";
        try (DaemonHarness d = DaemonHarness.startRaw(dir, header(servers) + "[program:s]\ncommand=/bin/sleep 100\n")) {
            Path sock = dir.resolve("s.sock");
            assertThat(Files.getAttribute(sock, "unix:uid")).isEqualTo(65534);
            assertThat(Files.getAttribute(sock, "unix:gid")).isEqualTo(65534);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sock))).isEqualTo("rwxrwx---");
        }
    }
}
