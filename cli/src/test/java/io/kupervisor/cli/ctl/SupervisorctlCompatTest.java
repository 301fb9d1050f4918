package io.kupervisor.cli.ctl;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every supervisorctl command, error cases included, run by Debian's supervisorctl 4.2.5 and by
 * {@code kupervisor ctl}, each against Debian's supervisord and against {@code kupervisor
 * supervisord} on the same configuration: the four transcripts must be the same once pids, times
 * and AUTO log names are normalised. The reference is supervisorctl against supervisord.
 */
class SupervisorctlCompatTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void needsSupervisor() {
        assumeTrue(ChildDaemon.supervisorInstalled(), "Debian's supervisor package is not installed");
    }

    static final String HEAD = """
            [supervisord]
            nodaemon=true
            logfile=%(here)s/supervisord.log
            pidfile=%(here)s/supervisord.pid
            childlogdir=%(here)s
            loglevel=info

            [unix_http_server]
            file=%(here)s/supervisor.sock

            [rpcinterface:supervisor]
            supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

            [supervisorctl]
            serverurl=unix://%(here)s/supervisor.sock
            prompt=kp

            """;

    static final String PROGRAMS = """
            [program:sleeper]
            command=sleep 1000

            [program:hello]
            command=/bin/sh -c 'echo hello-out; echo hello-err >&2; exec sleep 1000'

            [program:fatal]
            command=/bin/sh -c 'exit 3'
            startretries=0

            [program:nofile]
            command=/nonexistent/command
            autostart=false

            [program:notexec]
            command=%(here)s/notexec.sh
            autostart=false

            [program:baddir]
            command=sleep 100
            directory=/nonexistent/dir
            autostart=false
            startretries=0

            [program:quick]
            command=/bin/sh -c 'echo done; sleep 0.3'
            autostart=false
            startsecs=0
            autorestart=false

            [program:ignoreterm]
            command=/bin/sh -c "trap '' TERM; exec sleep 1000"
            stopwaitsecs=4

            ; holds a shutdown open from 'touch hold' to 'touch release' (before, TERM stops it), so
            ; that what the commands run meanwhile see does not depend on how fast they start
            [program:holder]
            command=/bin/sh -c "trap '[ -e %(here)s/hold ] || exit 0' TERM; while [ ! -e %(here)s/release ]; do sleep 0.1; done"
            stopwaitsecs=600

            [group:g]
            programs=ga,gb

            [program:ga]
            command=sleep 1000

            [program:gb]
            command=sleep 1000

            [program:w]
            command=sleep 1000
            numprocs=2
            process_name=%(program_name)s_%(process_num)02d
            """;

    static final String MANUAL = """

            [program:manual]
            command=sleep 1000
            autostart=false
            """;

    static final String MANUAL_CHANGED = """

            [program:manual]
            command=sleep 2000
            autostart=false
            """;

    static final String ADDED = """

            [program:added]
            command=sleep 1000
            """;

    static final String BROKEN = """

            [program:broken]
            command=sleep 1000
            startsecs=abc
            """;

    static final String MAIN = HEAD + PROGRAMS + MANUAL;

    static final String SCRIPT = """
            await sleeper RUNNING
            await hello RUNNING
            await fatal FATAL
            await ignoreterm RUNNING
            await g:ga RUNNING
            await g:gb RUNNING
            await w:w_00 RUNNING
            await w:w_01 RUNNING
            await holder RUNNING
            ctl status
            ctl status sleeper
            ctl status sleeper hello
            ctl status nosuch
            ctl status nosuch:*
            ctl status g:*
            ctl status g:ga fatal
            ctl status all
            ctl start
            ctl start sleeper
            ctl start nosuch
            ctl start nosuch:*
            ctl start nofile
            ctl start notexec
            ctl start baddir
            await baddir FATAL
            ctl status baddir
            ctl start manual
            ctl start quick
            await quick EXITED
            ctl status quick manual nofile
            ctl stop manual
            ctl stop manual
            ctl stop nosuch
            ctl stop nosuch:*
            ctl stop
            ctl stop g:*
            ctl status g:*
            ctl start g:*
            ctl stop ignoreterm
            ctl start ignoreterm
            ctl restart sleeper
            ctl restart
            ctl signal HUP sleeper
            await sleeper RUNNING
            ctl signal FOO sleeper
            ctl signal HUP manual
            ctl signal HUP nosuch
            ctl signal USR1 nosuch:*
            ctl signal 0 g:*
            ctl signal sigcont w:w_00
            ctl signal FOO g:*
            ctl signal HUP
            ctl pid
            ctl pid sleeper
            ctl pid manual
            ctl pid nosuch
            ctl pid sleeper manual
            ctl tail hello
            ctl tail hello stderr
            ctl tail -9 hello
            ctl tail -3 hello stderr
            ctl tail nosuch
            ctl tail hello foo
            ctl tail -x hello
            ctl tail
            ctl tail -f
            ctl tail nofile
            ctl tail a b c d
            tailf 1500 tail -f hello
            tailf 1500 tail -f hello stderr
            tailf 1500 tail -f nosuch
            maintail maintail
            maintail maintail -200
            ctl maintail -x
            ctl maintail a b
            ctl clear hello
            ctl tail hello
            ctl clear nosuch
            ctl clear g:*
            ctl clear
            ctl! clear all
            ctl avail
            ctl avail x
            ctl reread
            ctl reread x
            ctl update
            config changed
            ctl reread
            ctl avail
            ctl update nosuch
            ctl update
            ctl update
            await added RUNNING
            ctl status added manual
            ctl remove added
            ctl stop added
            ctl remove added
            ctl remove added
            ctl add added
            ctl add added
            ctl add nosuch
            ctl remove nosuch
            await added RUNNING
            config broken
            ctl reread
            ctl update
            config main
            ctl reread
            ctl update
            ctl version
            ctl version x
            ctl help
            ctl help start
            ctl help nosuch
            ctl nosuch command
            ctl open foo://bar
            ctl! stop all
            ctl status
            ctl! start all
            ctl! restart all
            await sleeper RUNNING
            ctl reload
            ctl reload x
            awaitUp
            await sleeper RUNNING
            await hello RUNNING
            await ignoreterm RUNNING
            await g:ga RUNNING
            await g:gb RUNNING
            await w:w_00 RUNNING
            await w:w_01 RUNNING
            await holder RUNNING
            await fatal FATAL
            ctl status
            touch hold
            ctl shutdown x
            ctl shutdown
            ctl shutdown
            ctl status
            ctl start sleeper
            ctl avail
            touch release
            awaitExit
            ctl status
            ctl start sleeper
            ctl stop sleeper
            ctl shutdown
            ctl reread
            ctl pid
            """;

    @Test
    void everyCommandMatchesSupervisordWithBothClients() throws Exception {
        Map<String, String> variants = new LinkedHashMap<>();
        variants.put("main", MAIN);
        variants.put("changed", HEAD + PROGRAMS.replace("""

                [program:quick]
                command=/bin/sh -c 'echo done; sleep 0.3'
                autostart=false
                startsecs=0
                autorestart=false
                """, "\n") + MANUAL_CHANGED + ADDED);
        variants.put("broken", MAIN + BROKEN);
        assertThat(variants.get("changed")).doesNotContain("program:quick");
        compare("main", new Scenario(SCRIPT, variants), MAIN, Map.of(), null, null);
    }

    static final String INET = """
            [supervisord]
            nodaemon=true
            logfile=%(here)s/supervisord.log
            pidfile=%(here)s/supervisord.pid
            childlogdir=%(here)s

            [inet_http_server]
            port=127.0.0.1:%(ENV_KP_PORT)s
            username=admin
            password={SHA}e5e9fa1ba31ecd1ae84f75caaa474f3a663f05f4

            [rpcinterface:supervisor]
            supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

            [supervisorctl]
            serverurl=http://127.0.0.1:%(ENV_KP_PORT)s
            username=admin
            password=secret
            prompt=kp

            [program:sleeper]
            command=/bin/sh -c 'echo sleeping; exec sleep 1000'
            """;

    static final String INET_SCRIPT = """
            await sleeper RUNNING
            ctl status
            ctl -p wrong status
            ctl -u nobody -p secret status
            ctl -p wrong start sleeper
            ctl -p wrong shutdown
            ctl -p wrong reread
            ctl -p wrong tail sleeper
            ctl -s http://127.0.0.1:%KP_PORT% -u admin -p secret version
            ctl -s http://127.0.0.1:%KP_PORT%/RPC2 pid
            ctl -s nonsense status
            tailf 1000 tail -f sleeper
            tailf 1000 -p wrong tail -f sleeper
            ctl tail sleeper
            stdin status|version|help~quit|start~nosuch|nosuch~command||stop~sleeper|status|quit|status
            stdin status|version -i status
            stdin version
            ctl -p wrong -i status
            ctl stop sleeper
            ctl shutdown
            awaitExit
            ctl status
            ctl start sleeper
            ctl shutdown
            ctl reread
            ctl update
            ctl avail
            ctl add x
            ctl remove x
            ctl pid
            ctl version
            ctl tail sleeper
            tailf 500 tail -f sleeper
            ctl maintail
            ctl clear sleeper
            ctl signal HUP sleeper
            ctl reload
            """;

    @Test
    void authenticationInetServersTheShellAndARefusedConnectionMatchSupervisord() throws Exception {
        Map<String, String> env = Map.of("KP_PORT", FREE_PORT);
        compare("inet", new Scenario(INET_SCRIPT, Map.of()), INET, env, "admin", "secret");
    }

    @Test
    void aMissingSocketAndBadConfigurationsMatchSupervisorctl() throws Exception {
        String script = """
                ctl status
                ctl start x
                ctl stop x
                ctl restart x
                ctl signal HUP x
                ctl tail x
                tailf 500 tail -f x
                ctl maintail
                ctl clear x
                ctl pid
                ctl version
                ctl shutdown
                ctl reload
                ctl reread
                ctl update
                ctl avail
                ctl add x
                ctl remove x
                ctl -c $DIR/nosuch.conf status
                ctl -c $DIR/noctl.conf status
                """.replace("$DIR", "%DIR%");
        Map<String, String> variants = Map.of();
        Files.writeString(tmp.resolve("noctl.conf"), "[supervisord]\n");
        compare("down", new Scenario(script, variants), HEAD, Map.of("DIR", tmp.toString()), null, null, false);
    }

    // ---- running the four combinations ----

    private void compare(String name, Scenario scenario, String config, Map<String, String> env, String user, String pass)
            throws Exception {
        compare(name, scenario, config, env, user, pass, true);
    }

    /** With {@code daemons} false the clients run with no daemon at all (server down). */
    private void compare(String name, Scenario scenario, String config, Map<String, String> env, String user,
                         String pass, boolean daemons) throws Exception {
        ChildDaemon.Kind[] kinds = {ChildDaemon.Kind.SUPERVISORD, ChildDaemon.Kind.KUPERVISOR};
        CtlClient[] clients = {new CtlClient.Supervisorctl(), new CtlClient.Kctl()};
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> runs = new ArrayList<>();
            List<String> labels = new ArrayList<>();
            for (ChildDaemon.Kind kind : kinds) {
                for (CtlClient client : clients) {
                    Path dir = Files.createDirectories(tmp.resolve(kind.name().toLowerCase(java.util.Locale.ROOT) + "-" + client.name()));
                    labels.add(client.name() + " vs " + kind);
                    // every run has a port of its own where the env asks for one
                    Map<String, String> runEnv = new LinkedHashMap<>(env);
                    for (Map.Entry<String, String> e : runEnv.entrySet()) {
                        if (e.getValue().equals(FREE_PORT)) {
                            e.setValue(Integer.toString(freePort()));
                        }
                    }
                    runs.add(pool.submit(() -> daemons ? runOne(scenario, kind, client, dir, config, runEnv, user, pass)
                            : runWithout(scenario, client, dir, config, runEnv)));
                }
                if (!daemons) {
                    break;
                }
            }
            List<String> transcripts = new ArrayList<>();
            for (Future<String> f : runs) {
                transcripts.add(f.get());
            }
            Path out = Files.createDirectories(Path.of("target", "compat"));
            for (int i = 0; i < runs.size(); i++) {
                Files.writeString(out.resolve(name + "-" + labels.get(i).replace(' ', '_') + ".txt"),
                        transcripts.get(i));
            }
            String reference = transcripts.getFirst();
            for (int i = 1; i < runs.size(); i++) {
                assertThat(transcripts.get(i)).as(labels.get(i) + " differs from supervisorctl vs supervisord:\n"
                        + Scenario.diff(reference, transcripts.get(i))).isEqualTo(reference);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static String runOne(Scenario scenario, ChildDaemon.Kind kind, CtlClient client, Path dir, String config,
                                 Map<String, String> env, String user, String pass) throws Exception {
        Path notexec = dir.resolve("notexec.sh");
        Files.writeString(notexec, "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(notexec, PosixFilePermissions.fromString("rw-r--r--"));
        String url = env.containsKey("KP_PORT") ? "http://127.0.0.1:" + env.get("KP_PORT")
                : "unix://" + dir.resolve("supervisor.sock");
        try (ChildDaemon d = ChildDaemon.start(kind, dir, config, env)) {
            d.awaitUp(url, user, pass, Duration.ofSeconds(120));
            Scenario.Target target = new Scenario.Target() {
                @Override
                public Path config() {
                    return d.config;
                }

                @Override
                public Path dir() {
                    return dir;
                }

                @Override
                public Map<String, String> env() {
                    return env;
                }

                @Override
                public void awaitState(String name, String state) throws Exception {
                    d.awaitState(url, user, pass, name, state, Duration.ofSeconds(120));
                }

                @Override
                public void awaitUp() throws Exception {
                    d.awaitUp(url, user, pass, Duration.ofSeconds(120));
                }

                @Override
                public void awaitExit() throws Exception {
                    if (!d.awaitExit(Duration.ofSeconds(120))) {
                        throw new IllegalStateException(kind + " did not exit");
                    }
                }
            };
            return scenario.run(target, client);
        }
    }

    private static String runWithout(Scenario scenario, CtlClient client, Path dir, String config,
                                     Map<String, String> env) throws Exception {
        Path file = dir.resolve("supervisord.conf");
        Files.writeString(file, config);
        return scenario.run(new Scenario.Target() {
            @Override
            public Path config() {
                return file;
            }

            @Override
            public Path dir() {
                return dir;
            }

            @Override
            public Map<String, String> env() {
                return env;
            }

            @Override
            public void awaitState(String name, String state) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void awaitUp() {
                throw new UnsupportedOperationException();
            }

            @Override
            public void awaitExit() {
            }
        }, client);
    }

    /** An env value replaced by a free port, one per run. */
    static final String FREE_PORT = "<free port>";

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
