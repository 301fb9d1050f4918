package io.kupervisor.cli.events;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.kupervisor.cli.events.PeerDaemon.Kind.KUPERVISOR;
import static io.kupervisor.cli.events.PeerDaemon.Kind.KUPERVISOR_LAUNCHER;
import static io.kupervisor.cli.events.PeerDaemon.Kind.SUPERVISORD;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a child inherits, compared with what Debian's supervisord 4.2.5 gives its children on the
 * same configuration, started the same way: signal dispositions and mask, resource limits, the
 * environment (nothing of kupervisor's launcher), and what that means for {@code yes | head}.
 */
class ChildInheritanceIT {
    @TempDir
    Path tmp;

    @BeforeAll
    static void needsSupervisord() {
        assertThat(PeerDaemon.SUPERVISORD).as("Debian's supervisor package (./test.sh installs it)").isExecutable();
    }

    static final String CONFIG = """
            [supervisord]
            nodaemon=true
            logfile=%(here)s/supervisord.log
            pidfile=%(here)s/supervisord.pid
            childlogdir=%(here)s

            [program:status]
            command=/bin/cat /proc/self/status
            startsecs=0
            autorestart=false
            stdout_logfile=%(here)s/status.out

            [program:limits]
            command=/usr/bin/prlimit --nofile --nproc --raw --noheadings
            startsecs=0
            autorestart=false
            stdout_logfile=%(here)s/limits.out

            [program:env]
            command=/usr/bin/env
            startsecs=0
            autorestart=false
            stdout_logfile=%(here)s/env.out

            [program:pipe]
            command=/bin/bash -c 'yes | head -n1 >/dev/null; echo "yes ended with status ${PIPESTATUS[0]}"'
            startsecs=0
            autorestart=false
            stdout_logfile=%(here)s/pipe.out
            """;

    /** What the programs saw. */
    record Seen(String signals, String limits, String env, String pipe) {
    }

    private static Seen seen(PeerDaemon d) throws Exception {
        for (String p : List.of("status", "limits", "env", "pipe")) {
            d.awaitLog("exited: " + p + " ", Duration.ofSeconds(30));
        }
        String signals = Files.readAllLines(d.dir.resolve("status.out")).stream()
                .filter(l -> l.startsWith("SigBlk:") || l.startsWith("SigIgn:")).collect(Collectors.joining("\n"));
        String env = Files.readAllLines(d.dir.resolve("env.out")).stream().sorted().collect(Collectors.joining("\n"));
        return new Seen(signals, Files.readString(d.dir.resolve("limits.out")), env,
                Files.readString(d.dir.resolve("pipe.out")));
    }

    /** Signals 1 to 31 of the sets (32 and up are glibc's and real-time ones). */
    private static String classic(String signals) {
        StringBuilder out = new StringBuilder();
        for (String line : signals.split("\n")) {
            String[] f = line.split("\t");
            long bits = Long.parseUnsignedLong(f[1], 16) & 0x7fffffffL;
            out.append(out.isEmpty() ? "" : "\n").append(f[0]).append('\t').append(String.format("%08x", bits));
        }
        return out.toString();
    }

    private record Pair(Seen supervisord, Seen kupervisor) {
    }

    private Pair both(String name, PeerDaemon.Kind kupervisor, List<String> prefix, Map<String, String> env)
            throws Exception {
        try (PeerDaemon s = PeerDaemon.start(SUPERVISORD, tmp.resolve(name + "-supervisord"), CONFIG, prefix, env);
             PeerDaemon k = PeerDaemon.start(kupervisor, tmp.resolve(name + "-kupervisor"), CONFIG, prefix, env)) {
            Pair p = new Pair(seen(s), seen(k));
            assertThat(k.stop()).isZero();
            assertThat(s.stop()).isZero();
            return p;
        }
    }

    @Test
    void aChildStartsAsSupervisordsDo() throws Exception {
        Pair p = both("plain", KUPERVISOR, List.of(), PeerDaemon.cleanEnv());
        assertThat(p.kupervisor()).isEqualTo(p.supervisord());
        // SIGPIPE and SIGXFSZ ignored, nothing blocked; so yes gets EPIPE instead of dying of SIGPIPE
        // (32 and 33, glibc's, come ignored from this test's JVM, which started both daemons)
        assertThat(classic(p.kupervisor().signals())).isEqualTo("SigBlk:\t00000000\nSigIgn:\t01001000");
        assertThat(p.kupervisor().pipe()).isEqualTo("yes ended with status 1\n");
        // Python's C locale coercion reaches supervisord's children; the launcher's variables do not
        assertThat(p.kupervisor().env()).contains("LC_CTYPE=C.UTF-8").doesNotContain("JAVA_HOME", "SHLVL", "PWD=");
    }

    @Test
    void ignoredAndBlockedSignalsOfTheLauncherAsSupervisordPassesThemOn() throws Exception {
        // a launcher that ignores HUP, INT and USR1 (nohup, a script's background job) and blocks USR1 and WINCH
        Path launcher = tmp.resolve("launch.py");
        Files.writeString(launcher, """
                import os, signal, sys
                for s in (signal.SIGPIPE, signal.SIGXFSZ):
                    signal.signal(s, signal.SIG_DFL)
                for s in (signal.SIGHUP, signal.SIGINT, signal.SIGUSR1):
                    signal.signal(s, signal.SIG_IGN)
                signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR1, signal.SIGWINCH])
                os.execv(sys.argv[1], sys.argv[1:])
                """);
        List<String> prefix = List.of("/usr/bin/python3", launcher.toString());
        Map<String, String> env = PeerDaemon.cleanEnv();
        try (PeerDaemon s = PeerDaemon.start(SUPERVISORD, tmp.resolve("nohup-supervisord"), CONFIG, prefix, env);
             PeerDaemon k = PeerDaemon.start(KUPERVISOR, tmp.resolve("nohup-kupervisor"), CONFIG, prefix, env)) {
            Seen fromSupervisord = seen(s);
            Seen fromKupervisor = seen(k);
            assertThat(fromKupervisor).isEqualTo(fromSupervisord);
            // USR1 stays ignored and USR1, WINCH blocked; HUP and INT are the daemon's, so the child's are default
            assertThat(classic(fromKupervisor.signals())).isEqualTo("SigBlk:\t08000200\nSigIgn:\t01001200");
            // and the daemon still acts on HUP and INT
            for (PeerDaemon d : List.of(s, k)) {
                d.signal("HUP");
                d.awaitLog("received SIGHUP indicating restart request", Duration.ofSeconds(30));
                d.awaitFile("supervisord.log", t -> t.split("supervisord started with pid", -1).length == 3,
                        Duration.ofSeconds(30));
                d.signal("INT");
                d.awaitLog("received SIGINT indicating exit request", Duration.ofSeconds(30));
                assertThat(d.awaitExit(Duration.ofSeconds(30))).as(d.kind + " stops on SIGINT").isTrue();
            }
        }
    }

    @Test
    void limitsAreRaisedToMinfdsAndChildrenGetThem() throws Exception {
        long hard = Long.parseLong(new String(new ProcessBuilder("sh", "-c", "ulimit -Hn").start().getInputStream()
                .readAllBytes()).strip());
        List<String> prefix = List.of("/usr/bin/prlimit", "--nofile=512:" + hard);
        Pair p = both("limits", KUPERVISOR, prefix, PeerDaemon.cleanEnv());
        assertThat(p.kupervisor().limits()).isEqualTo(p.supervisord().limits());
        assertThat(p.kupervisor().limits()).matches("(?s)NOFILE \\S+ 1024 " + hard + " files\n.*");
        String log = Files.readString(tmp.resolve("limits-kupervisor/supervisord.log"));
        assertThat(log).contains("INFO Increased RLIMIT_NOFILE limit to 1024");
    }

    @Test
    void aMinfdsBeyondWhatTheSystemAllowsIsRefusedWithSupervisordsMessage() throws Exception {
        long nrOpen;
        try (var in = Files.newInputStream(Path.of("/proc/sys/fs/nr_open"))) {
            nrOpen = Long.parseLong(new String(in.readAllBytes()).strip()); // (Files.readString stops short on /proc)
        }
        String config = CONFIG.replace("childlogdir=%(here)s", "childlogdir=%(here)s\nminfds=" + (nrOpen + 1));
        List<String> errors = new ArrayList<>();
        for (PeerDaemon.Kind kind : List.of(SUPERVISORD, KUPERVISOR)) {
            try (PeerDaemon d = PeerDaemon.start(kind, tmp.resolve("refused-" + kind), config, List.of(),
                    PeerDaemon.cleanEnv())) {
                assertThat(d.awaitExit(Duration.ofSeconds(30))).as(d.kind + " exits: " + d.log()).isTrue();
                assertThat(d.exitValue()).isEqualTo(2);
                errors.add(d.stderr().lines().findFirst().orElse(""));
                assertThat(Files.exists(d.dir.resolve("status.out"))).as("nothing was started").isFalse();
            }
        }
        assertThat(errors.get(1)).isEqualTo(errors.get(0)).startsWith("Error: The minimum number of file descriptors"
                + " required to run this process is " + (nrOpen + 1) + " as per the \"minfds\"");
    }

    @Test
    void noVariableOfTheLaunchersOwnReachesChildren() throws Exception {
        // the checkout's launcher sets JAVA_HOME (here: to a real JDK instead of the one given) and runs in bash
        Map<String, String> env = new LinkedHashMap<>(PeerDaemon.cleanEnv());
        env.put("JAVA_HOME", "/nonexistent/jdk");
        env.put("SHLVL", "7");
        Pair given = both("launcher-given", KUPERVISOR_LAUNCHER, List.of(), env);
        assertThat(given.kupervisor().env()).isEqualTo(given.supervisord().env())
                .contains("JAVA_HOME=/nonexistent/jdk", "SHLVL=7");
        Pair none = both("launcher-none", KUPERVISOR_LAUNCHER, List.of(), PeerDaemon.cleanEnv());
        assertThat(none.kupervisor().env()).isEqualTo(none.supervisord().env());
        assertThat(Arrays.asList(none.kupervisor().env().split("\n"))).noneMatch(l -> l.startsWith("JAVA_HOME=")
                || l.startsWith("SHLVL=") || l.startsWith("PWD=") || l.startsWith("_="));
    }
}
