package io.kupervisor.cli.events;

import io.kupervisor.supervisord.rpc.RpcClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.kupervisor.cli.events.PeerDaemon.Kind.KUPERVISOR;
import static io.kupervisor.cli.events.PeerDaemon.Kind.SUPERVISORD;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A listener that records every header and payload it is sent (events=EVENT), under Debian's
 * supervisord 4.2.5 and under kupervisor on the same configuration driven the same way: the same
 * events reach it, with the same headers and payloads (pids aside), in the same order per process.
 * How output events interleave with state events, and processes with each other, depends on
 * supervisord's 1-second poll, so those orders are compared per process and per kind.
 */
class EventListenerIT {
    @TempDir
    Path tmp;

    @BeforeAll
    static void needsSupervisor() {
        assertThat(PeerDaemon.SUPERVISORD).as("Debian's supervisor package (./test.sh installs it)").isExecutable();
    }

    static final String CONFIG = """
            [supervisord]
            nodaemon=true
            logfile=%(here)s/supervisord.log
            pidfile=%(here)s/supervisord.pid
            childlogdir=%(here)s

            [unix_http_server]
            file=%(here)s/supervisor.sock

            [rpcinterface:supervisor]
            supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

            [supervisorctl]
            serverurl=unix://%(here)s/supervisor.sock

            [eventlistener:rec]
            command=/usr/bin/python3 %(here)s/recorder.py %(here)s/events.rec
            events=EVENT
            buffer_size=1000
            startsecs=0
            stopwaitsecs=1

            [program:oneshot]
            command=/bin/sh -c 'sleep 0.3; echo out-line; echo err-line >&2; echo "caf\\303\\251"; sleep 0.3'
            startsecs=0
            autorestart=false
            stdout_events_enabled=true
            stderr_events_enabled=true

            [program:flaky]
            command=/bin/sh -c 'exit 3'
            startsecs=5
            startretries=1

            [program:crash]
            command=/bin/sh -c 'sleep 1; exit 4'
            startsecs=0
            autorestart=false

            [program:comm]
            command=/bin/sh -c 'printf "before<!--XSUPERVISOR:BEGIN-->captured text<!--XSUPERVISOR:END-->after, and long enough\\n"; exec sleep 1000'
            startsecs=0
            stdout_capture_maxbytes=1MB

            [program:sleeper]
            command=/bin/sleep 1000
            startsecs=0
            """;

    static final String LATE = """

            [program:late]
            command=/bin/sleep 1000
            startsecs=0
            """;

    private PeerDaemon start(PeerDaemon.Kind kind) throws IOException {
        Path dir = tmp.resolve(kind.name().toLowerCase());
        Files.createDirectories(dir);
        try (InputStream in = getClass().getResourceAsStream("/events/recorder.py")) {
            Files.copy(in, dir.resolve("recorder.py"));
        }
        return PeerDaemon.start(kind, dir, CONFIG);
    }

    private static void ctl(PeerDaemon d, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/supervisorctl", "-c",
                d.dir.resolve("supervisord.conf").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(d.kind + " supervisorctl " + String.join(" ", args) + ": " + out).isZero();
    }

    /** The same steps on one daemon; returns what its listener recorded. */
    private static List<RecordedEvent> drive(PeerDaemon d) throws Exception {
        Duration wait = Duration.ofSeconds(60);
        d.awaitLog("gave up: flaky", wait);
        d.awaitLog("exited: oneshot", wait);
        d.awaitLog("exited: crash", wait);
        d.awaitLog("success: comm", wait);
        ctl(d, "stop", "sleeper");
        try (RpcClient rpc = new RpcClient("unix://" + d.dir.resolve("supervisor.sock"), null, null)) {
            assertThat(rpc.call("supervisor.sendRemoteCommEvent", "deploy", "version 1.2\nline two")).isEqualTo(true);
        }
        Path conf = d.dir.resolve("supervisord.conf");
        Files.writeString(conf, Files.readString(conf) + LATE);
        ctl(d, "update");
        d.awaitLog("success: late", wait);
        Files.writeString(conf, Files.readString(conf).replace(LATE, ""));
        ctl(d, "update");
        d.awaitFile("events.rec", t -> t.contains("eventname:PROCESS_GROUP_REMOVED"), wait);
        assertThat(d.stop()).isZero();
        return RecordedEvent.read(d.dir.resolve("events.rec"));
    }

    @Test
    void theListenerGetsWhatSupervisordSends() throws Exception {
        List<RecordedEvent> expected;
        List<RecordedEvent> actual;
        try (PeerDaemon s = start(SUPERVISORD); PeerDaemon k = start(KUPERVISOR)) {
            expected = drive(s);
            actual = drive(k);
        }
        for (List<RecordedEvent> events : List.of(expected, actual)) {
            // one pool, nothing lost or rejected: the serials count up from 0, the pool's with them
            for (int i = 0; i < events.size(); i++) {
                RecordedEvent e = events.get(i);
                assertThat(e.serial()).as("serial of " + e).isEqualTo(i);
                assertThat(e.headers()).containsEntry("ver", "3.0").containsEntry("server", "supervisor")
                        .containsEntry("pool", "rec").containsEntry("poolserial", Long.toString(i));
                assertThat(e.headers().get("len")).isEqualTo(Integer.toString(e.payload().codePointCount(0,
                        e.payload().length())));
            }
        }
        List<RecordedEvent> sBefore = untilStopping(expected);
        List<RecordedEvent> kBefore = untilStopping(actual);
        assertThat(daemonWide(kBefore)).isEqualTo(daemonWide(sBefore));
        assertThat(daemonWide(sBefore)).containsSubsequence("PROCESS_GROUP_ADDED groupname:rec\n",
                "SUPERVISOR_STATE_CHANGE_RUNNING ", "REMOTE_COMMUNICATION type:deploy\nversion 1.2\nline two",
                "PROCESS_GROUP_ADDED groupname:late\n", "PROCESS_GROUP_REMOVED groupname:late\n",
                "SUPERVISOR_STATE_CHANGE_STOPPING ");
        assertThat(stateChanges(kBefore)).isEqualTo(stateChanges(sBefore));
        // once the stop began, supervisord sends what its 1-second poll gets to before the listener
        // is stopped; kupervisor sends as things happen: at least as much, in the same order
        assertThat(stateChanges(actual.subList(kBefore.size(), actual.size())).toString()).contains(
                "PROCESS_STATE_STOPPING processname:comm groupname:comm from_state:RUNNING pid:N");
        stateChanges(expected.subList(sBefore.size(), expected.size())).forEach((process, changes) ->
                assertThat(stateChanges(actual.subList(kBefore.size(), actual.size())).get(process))
                        .as(process).startsWith(changes.toArray(String[]::new)));
        assertThat(stateChanges(sBefore).get("flaky")).containsExactly(
                "PROCESS_STATE_STARTING processname:flaky groupname:flaky from_state:STOPPED tries:0",
                "PROCESS_STATE_BACKOFF processname:flaky groupname:flaky from_state:STARTING tries:1",
                "PROCESS_STATE_STARTING processname:flaky groupname:flaky from_state:BACKOFF tries:1",
                "PROCESS_STATE_BACKOFF processname:flaky groupname:flaky from_state:STARTING tries:2",
                "PROCESS_STATE_FATAL processname:flaky groupname:flaky from_state:BACKOFF");
        assertThat(output(kBefore)).isEqualTo(output(sBefore));
        assertThat(output(sBefore)).containsEntry("oneshot PROCESS_LOG_STDOUT", "out-line\ncafé\n")
                .containsEntry("oneshot PROCESS_LOG_STDERR", "err-line\n")
                .containsEntry("comm PROCESS_COMMUNICATION_STDOUT", "captured text");
        for (List<RecordedEvent> events : List.of(expected, actual)) {
            long last = -1;
            for (RecordedEvent e : events) {
                if (e.name().startsWith("TICK_")) {
                    long period = Long.parseLong(e.name().substring(5));
                    long when = Long.parseLong(e.payload().substring("when:".length()));
                    assertThat(when % period).as(e.toString()).isZero();
                    if (period == 5) {
                        assertThat(when).as("one TICK_5 per period, in order").isGreaterThan(last);
                        last = when;
                    }
                }
            }
        }
    }

    private static List<RecordedEvent> untilStopping(List<RecordedEvent> events) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).name().equals("SUPERVISOR_STATE_CHANGE_STOPPING")) {
                return events.subList(0, i + 1);
            }
        }
        throw new AssertionError("no SUPERVISOR_STATE_CHANGE_STOPPING in " + events);
    }

    /** Events about the daemon itself (groups, its state, remote), in order. */
    private static List<String> daemonWide(List<RecordedEvent> events) {
        return events.stream().filter(e -> !e.fields().containsKey("processname") && !e.name().startsWith("TICK_"))
                .map(e -> e.name() + " " + e.payload()).toList();
    }

    /** Each process's state changes, in order. */
    private static Map<String, List<String>> stateChanges(List<RecordedEvent> events) {
        Map<String, List<String>> by = new LinkedHashMap<>();
        for (RecordedEvent e : events) {
            if (e.name().startsWith("PROCESS_STATE_")) {
                by.computeIfAbsent(e.fields().get("processname"), k -> new ArrayList<>())
                        .add(e.name() + " " + e.normalized());
            }
        }
        return new java.util.TreeMap<>(by);
    }

    /** Each process's output events by kind, their bodies joined (the pieces depend on read timing). */
    private static Map<String, String> output(List<RecordedEvent> events) {
        Map<String, String> by = new java.util.TreeMap<>();
        for (RecordedEvent e : events) {
            if (e.name().startsWith("PROCESS_LOG_") || e.name().startsWith("PROCESS_COMMUNICATION_")) {
                assertThat(e.normalized()).startsWith("processname:" + e.fields().get("processname") + " groupname:");
                by.merge(e.fields().get("processname") + " " + e.name(), e.body(), String::concat);
            }
        }
        return by;
    }
}
