package io.kupervisor.supervisord;

import io.kupervisor.core.config.HostEnvironment;
import io.kupervisor.core.config.HostChecks;
import io.kupervisor.core.state.ProcessSnapshot;
import io.kupervisor.core.state.ProcessState;
import io.kupervisor.supervisord.control.Control;
import io.kupervisor.supervisord.control.ControlEvent;
import io.kupervisor.supervisord.control.ControlException;
import io.kupervisor.supervisord.control.ProcessStatus;
import io.kupervisor.supervisord.server.ControlPlane;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

import static org.awaitility.Awaitility.await;

/**
 * A real {@link Supervisor} with its real servers on a config written into a temp dir, with what
 * tests need to watch it: everything through the daemon's {@link Control}, as the servers see it.
 */
final class DaemonHarness implements AutoCloseable {
    final Path dir;
    final Supervisor supervisor;
    final Control control;
    /** The daemon's HTTP servers (the entry point's frontend). */
    ControlPlane controlPlane;
    final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    /** "namespec FROM->TO" in order. */
    final List<String> transitions = Collections.synchronizedList(new ArrayList<>());
    /** Every state, group and supervisor event, from before boot, in order. */
    final List<ControlEvent> events = Collections.synchronizedList(new ArrayList<>());
    private boolean closed;

    private DaemonHarness(Path dir, String config) throws Exception {
        this.dir = dir;
        Files.writeString(dir.resolve("supervisord.conf"), config);
        Map<String, String> env = new LinkedHashMap<>(System.getenv());
        HostEnvironment host = new HostEnvironment(env, "test-host", dir, HostChecks.strict(dir));
        this.supervisor = new Supervisor(dir.resolve("supervisord.conf"), host,
                new PrintStream(stdout, true, StandardCharsets.UTF_8), Clock.systemUTC(), c -> {
                    controlPlane = new ControlPlane(c);
                    return controlPlane;
                });
        this.control = supervisor.control();
        control.subscribe(EnumSet.of(ControlEvent.Kind.PROCESS_STATE, ControlEvent.Kind.GROUP,
                ControlEvent.Kind.SUPERVISOR_STATE), e -> {
            events.add(e);
            if (e instanceof ControlEvent.ProcessStateChanged sc) {
                String namespec = sc.group().equals(sc.process()) ? sc.process() : sc.group() + ":" + sc.process();
                transitions.add(namespec + " " + sc.from() + "->" + sc.to());
            }
        });
        supervisor.start(Supervisor.readConfig(dir.resolve("supervisord.conf"), host));
    }

    // ---- the pieces of the tests' configurations ----

    /** {@code [supervisord]} in the foreground with its files in {@code dir}, plus {@code extra} keys. */
    static String supervisordSection(Path dir, String... extra) {
        StringBuilder sb = new StringBuilder("[supervisord]\nnodaemon=true\nlogfile=").append(dir.resolve("supervisord.log"))
                .append("\npidfile=").append(dir.resolve("supervisord.pid")).append("\nchildlogdir=").append(dir)
                .append('\n');
        for (String line : extra) {
            sb.append(line).append('\n');
        }
        return sb.append('\n').toString();
    }

    /** {@code [unix_http_server]} on {@code dir/s.sock}, plus {@code extra} keys. */
    static String unixServer(Path dir, String... extra) {
        return section("[unix_http_server]\nfile=" + dir.resolve("s.sock"), extra);
    }

    /** {@code [inet_http_server]} on 127.0.0.1:{@code port}, plus {@code extra} keys. */
    static String inetServer(int port, String... extra) {
        return section("[inet_http_server]\nport=127.0.0.1:" + port, extra);
    }

    /** supervisord's XML-RPC interface, which the servers serve. */
    static final String RPC_INTERFACE = "[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = "
            + "supervisor.rpcinterface:make_main_rpcinterface\n\n";

    private static String section(String head, String... extra) {
        StringBuilder sb = new StringBuilder(head).append('\n');
        for (String line : extra) {
            sb.append(line).append('\n');
        }
        return sb.append('\n').toString();
    }

    /** A TCP port free now (for a server the daemon will open). */
    static int freePort() throws IOException {
        try (var s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Starts a daemon whose config is {@code [supervisord]} basics (loglevel debug) plus {@code programs}. */
    static DaemonHarness start(Path dir, String programs) throws Exception {
        return new DaemonHarness(dir, supervisordSection(dir, "loglevel=debug") + programs);
    }

    static DaemonHarness startRaw(Path dir, String config) throws Exception {
        return new DaemonHarness(dir, config);
    }

    /** The process as the loop sees it now, or null when no process has that name. */
    ProcessStatus process(String namespec) {
        try {
            return control.process(namespec).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof ControlException) {
                return null;
            }
            throw e;
        }
    }

    ProcessState state(String namespec) {
        return process(namespec).state();
    }

    ProcessSnapshot snapshot(String namespec) {
        return process(namespec).snapshot();
    }

    int pid(String namespec) {
        return (int) snapshot(namespec).pid();
    }

    void awaitState(String namespec, ProcessState state, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(20)).until(() -> state(namespec) == state);
    }

    String mainLog() throws IOException {
        Path p = dir.resolve("supervisord.log");
        return Files.exists(p) ? Files.readString(p) : "";
    }

    /** Main log lines without their timestamps: "INFO spawned: 'x' with pid 1". */
    List<String> logLines() throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : mainLog().split("\n")) {
            if (line.length() > 24) {
                out.add(line.substring(24));
            }
        }
        return out;
    }

    /** The time of the first main log line whose text (after its timestamp) is {@code line}. */
    java.time.LocalDateTime logTime(String line) throws IOException {
        for (String l : mainLog().split("\n")) {
            if (l.length() > 24 && l.substring(24).equals(line)) {
                return java.time.LocalDateTime.parse(l.substring(0, 23).replace(' ', 'T').replace(',', '.'));
            }
        }
        throw new AssertionError("not in the main log: " + line);
    }

    /** The times of the main log lines whose text (after the timestamp) starts with {@code prefix}, in order. */
    List<java.time.LocalDateTime> logTimes(String prefix) throws IOException {
        List<java.time.LocalDateTime> times = new ArrayList<>();
        for (String l : mainLog().split("\n")) {
            if (l.length() > 24 && l.substring(24).startsWith(prefix)) {
                times.add(java.time.LocalDateTime.parse(l.substring(0, 23).replace(' ', 'T').replace(',', '.')));
            }
        }
        return times;
    }

    List<String> transitionsOf(String namespec) {
        synchronized (transitions) {
            return transitions.stream().filter(t -> t.startsWith(namespec + " "))
                    .map(t -> t.substring(namespec.length() + 1)).toList();
        }
    }

    int shutdown(Duration timeout) throws InterruptedException {
        // refused while a shutdown (exit_on_fatal) is already under way: then it is ending anyway
        control.shutdown().exceptionally(e -> null);
        if (!supervisor.awaitExit(timeout)) {
            throw new AssertionError("daemon did not exit within " + timeout);
        }
        closed = true;
        return supervisor.exitCode();
    }

    @Override
    public void close() throws Exception {
        if (!closed) {
            shutdown(Duration.ofSeconds(30));
        }
    }

    static boolean alive(int pid) {
        return Files.exists(Path.of("/proc/" + pid)) && !isZombie(pid);
    }

    private static boolean isZombie(int pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return false;
        }
    }
}
