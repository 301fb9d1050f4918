package io.kupervisor.supervisord;

import io.kupervisor.supervisord.control.GroupDiff;
import io.kupervisor.core.state.ProcessState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** update and reload as supervisord 4.2.5 does them, exit on FATAL, health endpoints, output mirroring. */
class SupervisorConfigChangesTest {
    @TempDir
    Path dir;

    private static String header(Path dir) {
        return "[supervisord]\nnodaemon=true\nlogfile=" + dir.resolve("supervisord.log") + "\npidfile="
                + dir.resolve("supervisord.pid") + "\nchildlogdir=" + dir + "\n\n";
    }

    @Test
    void updateRestartsChangedGroupsOnlyAndAddsAndRemoves() throws Exception {
        String before = header(dir) + """
                [program:keep]
                command=/bin/sleep 1000
                startsecs=0
                [program:change]
                command=/bin/sleep 1000
                startsecs=0
                [program:gone]
                command=/bin/sleep 1000
                startsecs=0
                """;
        try (DaemonHarness d = DaemonHarness.startRaw(dir, before)) {
            for (String p : new String[] {"keep", "change", "gone"}) {
                d.awaitState(p, ProcessState.RUNNING, Duration.ofSeconds(5));
            }
            int keepPid = d.pid("keep");
            int changePid = d.pid("change");
            int gonePid = d.pid("gone");
            Files.writeString(dir.resolve("supervisord.conf"), header(dir) + """
                    [program:keep]
                    command=/bin/sleep 1000
                    startsecs=0
                    [program:change]
                    command=/bin/sleep 2000
                    startsecs=0
                    [program:new]
                    command=/bin/sleep 1000
                    startsecs=0
                    """);
            GroupDiff diff = d.control.update().get();
            assertThat(diff.added()).extracting(g -> g.name()).containsExactly("new");
            assertThat(diff.changed()).extracting(g -> g.name()).containsExactly("change");
            assertThat(diff.removed()).extracting(g -> g.name()).containsExactly("gone");
            d.awaitState("new", ProcessState.RUNNING, Duration.ofSeconds(5));
            d.awaitState("change", ProcessState.RUNNING, Duration.ofSeconds(5));
            assertThat(d.pid("keep")).isEqualTo(keepPid);
            assertThat(d.pid("change")).isNotEqualTo(changePid);
            assertThat(DaemonHarness.alive(changePid)).isFalse();
            assertThat(DaemonHarness.alive(gonePid)).isFalse();
            assertThat(d.process("gone")).isNull();
            // nothing changed: nothing happens
            GroupDiff none = d.control.update().get();
            assertThat(none.isEmpty()).isTrue();
            assertThat(d.pid("keep")).isEqualTo(keepPid);
        }
    }

    @Test
    void reloadRestartsEverythingFromAFreshParse() throws Exception {
        try (DaemonHarness d = DaemonHarness.startRaw(dir, header(dir) + """
                [program:a]
                command=/bin/sleep 1000
                startsecs=0
                """)) {
            d.awaitState("a", ProcessState.RUNNING, Duration.ofSeconds(5));
            int pid = d.pid("a");
            Files.writeString(dir.resolve("supervisord.conf"), header(dir) + """
                    [program:a]
                    command=/bin/sleep 1000
                    startsecs=0
                    [program:b]
                    command=/bin/sleep 1000
                    startsecs=0
                    """);
            d.supervisor.signal("HUP");
            await().atMost(Duration.ofSeconds(10)).until(() -> d.process("b") != null
                    && d.state("b") == ProcessState.RUNNING && d.state("a") == ProcessState.RUNNING);
            assertThat(d.pid("a")).isNotEqualTo(pid);
            assertThat(DaemonHarness.alive(pid)).isFalse();
            assertThat(d.logLines()).contains("WARN received SIGHUP indicating restart request");
        }
    }

    @Test
    void aBrokenConfigAtReloadStopsEverythingAndExits2() throws Exception {
        DaemonHarness d = DaemonHarness.startRaw(dir, header(dir) + """
                [program:a]
                command=/bin/sleep 1000
                startsecs=0
                """);
        d.awaitState("a", ProcessState.RUNNING, Duration.ofSeconds(5));
        int pid = d.pid("a");
        Files.writeString(dir.resolve("supervisord.conf"), header(dir) + "[program:a]\ncommand=/bin/sleep 1\nautorestart=maybe\n");
        d.supervisor.signal("HUP");
        assertThat(d.supervisor.awaitExit(Duration.ofSeconds(10))).isTrue();
        assertThat(d.supervisor.exitCode()).isEqualTo(2);
        assertThat(DaemonHarness.alive(pid)).isFalse();
    }

    @Test
    void exitOnFatalShutsTheDaemonDownWithStatus1() throws Exception {
        DaemonHarness d = DaemonHarness.startRaw(dir, header(dir) + """
                [kupervisor]
                exit_on_fatal=true

                [program:ok]
                command=/bin/sleep 1000
                startsecs=0
                [program:broken]
                command=/bin/false
                startretries=0
                """);
        assertThat(d.supervisor.awaitExit(Duration.ofSeconds(10))).isTrue();
        assertThat(d.supervisor.exitCode()).isEqualTo(1);
        List<String> lines = d.logLines();
        int gaveUp = indexOf(lines, "gave up: broken entered FATAL state");
        int exiting = indexOf(lines, "broken entered FATAL and exit_on_fatal is set");
        // the cause is told before the consequence, as the main log is read
        assertThat(gaveUp).as("%s", lines).isNotNegative().isLessThan(exiting);
    }

    private static int indexOf(List<String> lines, String part) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void healthEndpointsFollowTheProgramStates() throws Exception {
        // no assertion depends on a startsecs window: STARTING is held by a startsecs nobody waits
        // out, RUNNING comes from startsecs=0 (promoted at the spawn), so a loaded machine changes nothing
        int port;
        try (var s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String health = """
                [kupervisor]
                health_port=127.0.0.1:%d

                [program:quick]
                command=/bin/sleep 1000
                startsecs=0
                """.formatted(port);
        try (DaemonHarness d = DaemonHarness.startRaw(dir, header(dir) + health)) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> live = get(http, port, "/healthz");
            assertThat(live.statusCode()).isEqualTo(200);
            d.awaitState("quick", ProcessState.RUNNING, Duration.ofSeconds(30));
            HttpResponse<String> ready = get(http, port, "/readyz");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).startsWith("ready\n").contains("quick RUNNING");

            // a program that stays STARTING makes the daemon not ready
            Files.writeString(dir.resolve("supervisord.conf"), header(dir) + health + """
                    [program:slow]
                    command=/bin/sleep 1000
                    startsecs=3600
                    """);
            d.control.update().get();
            d.awaitState("slow", ProcessState.STARTING, Duration.ofSeconds(30));
            HttpResponse<String> notReady = get(http, port, "/readyz");
            assertThat(notReady.statusCode()).isEqualTo(503);
            assertThat(notReady.body()).startsWith("not ready\n").contains("slow STARTING", "quick RUNNING");

            // once it is RUNNING (its update to startsecs=0), ready again
            Files.writeString(dir.resolve("supervisord.conf"), header(dir) + health + """
                    [program:slow]
                    command=/bin/sleep 1000
                    startsecs=0
                    """);
            d.control.update().get();
            d.awaitState("slow", ProcessState.RUNNING, Duration.ofSeconds(30));
            HttpResponse<String> readyAgain = get(http, port, "/readyz");
            assertThat(readyAgain.statusCode()).isEqualTo(200);
            assertThat(readyAgain.body()).contains("slow RUNNING", "quick RUNNING");
            assertThat(get(http, port, "/healthz").statusCode()).isEqualTo(200);
        }
    }

    private static HttpResponse<String> get(HttpClient http, int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void stdoutMirrorPrefixesEachLineWithTheProgramName() throws Exception {
        try (DaemonHarness d = DaemonHarness.startRaw(dir, header(dir).replace("nodaemon=true", "nodaemon=true\nsilent=true") + """
                [kupervisor]
                stdout_mirror=true

                [program:talker]
                command=/bin/sh -c 'echo one; echo two; echo err >&2'
                startsecs=0
                autorestart=false
                """)) {
            d.awaitState("talker", ProcessState.EXITED, Duration.ofSeconds(5));
            await().atMost(Duration.ofSeconds(3)).until(() -> d.stdout.toString().contains("err"));
            String out = d.stdout.toString();
            assertThat(out).contains("[talker] one\n[talker] two\n");
            assertThat(out).contains("err\n");
        }
    }

    @Test
    void rotationKeepsEveryByteTheChildWrote() throws Exception {
        Path log = dir.resolve("flood.log");
        // 2000 numbered lines, 1 KiB maxbytes and enough backups to keep them all
        try (DaemonHarness d = DaemonHarness.startRaw(dir, header(dir) + """
                [program:flood]
                command=/bin/sh -c 'i=0; while [ $i -lt 2000 ]; do echo "line $i of the flood"; i=$((i+1)); done'
                startsecs=0
                autorestart=false
                stdout_logfile=%s
                stdout_logfile_maxbytes=1KB
                stdout_logfile_backups=1000
                """.formatted(log))) {
            d.awaitState("flood", ProcessState.EXITED, Duration.ofSeconds(10));
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < 2000; i++) {
                expected.append("line ").append(i).append(" of the flood\n");
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> concatenated(log).length() == expected.length());
            assertThat(concatenated(log)).isEqualTo(expected.toString());
            assertThat(Files.exists(dir.resolve("flood.log.1"))).isTrue();
        }
    }

    private static String concatenated(Path log) throws java.io.IOException {
        StringBuilder sb = new StringBuilder();
        int n = 1;
        while (Files.exists(Path.of(log + "." + n))) {
            n++;
        }
        for (int i = n - 1; i >= 1; i--) {
            sb.append(Files.readString(Path.of(log + "." + i)));
        }
        if (Files.exists(log)) {
            sb.append(Files.readString(log));
        }
        return sb.toString();
    }
}
