package io.kupervisor.cli.events;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.kupervisor.cli.events.PeerDaemon.Kind.KUPERVISOR;
import static io.kupervisor.cli.events.PeerDaemon.Kind.SUPERVISORD;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * superlance's listeners, from PyPI (tools/superlance/venv.sh), under Debian's supervisord 4.2.5
 * and under kupervisor on the same configuration: crashmail mails an unexpected exit,
 * fatalmailbatch mails (over SMTP) a program that gave up, httpok restarts a program whose URL does
 * not answer, memmon restarts a program above its memory size. The mails and the actions must be
 * the same (times, pids and sizes aside).
 */
class SuperlanceIT {
    static Path venv;

    @TempDir
    Path tmp;

    @BeforeAll
    static void superlance() throws Exception {
        assertThat(PeerDaemon.SUPERVISORD).as("Debian's supervisor package (./test.sh installs it)").isExecutable();
        Process p = new ProcessBuilder(PeerDaemon.ROOT.resolve("tools/superlance/venv.sh").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertThat(p.waitFor(600, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("tools/superlance/venv.sh (superlance from PyPI) failed").isZero();
        venv = Path.of(out);
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private String config(String smtp, int closedPort) {
        String bin = venv.resolve("bin").toString();
        return """
                [supervisord]
                nodaemon=true
                logfile=%%(here)s/supervisord.log
                pidfile=%%(here)s/supervisord.pid
                childlogdir=%%(here)s

                [unix_http_server]
                file=%%(here)s/supervisor.sock

                [rpcinterface:supervisor]
                supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

                [eventlistener:crashmail]
                command=%1$s/crashmail -a -m ops@example.com -s "%%(here)s/sendmail.sh crashmail"
                events=PROCESS_STATE_EXITED
                startsecs=0

                [eventlistener:fatalmailbatch]
                command=%1$s/fatalmailbatch -t ops@example.com -f supervisor@example.com -H %2$s -e TICK_5 -i 0.05
                events=PROCESS_STATE,TICK_5
                startsecs=0

                [eventlistener:httpok]
                command=%1$s/httpok -p web -t 1 -m ops@example.com -s "%%(here)s/sendmail.sh httpok" http://127.0.0.1:%3$d/health
                events=TICK_5
                startsecs=0

                [eventlistener:memmon]
                command=%1$s/memmon -p hog=20MB -m ops@example.com -s "%%(here)s/sendmail.sh memmon"
                events=TICK_5
                startsecs=0

                [program:crasher]
                command=/bin/sh -c 'sleep 1; exit 3'
                startsecs=0
                autorestart=false

                [program:doomed]
                command=/bin/sh -c 'exit 1'
                startretries=0

                [program:web]
                command=/bin/sleep 1000
                startsecs=0

                [program:hog]
                command=/usr/bin/python3 -c 'import time; x = bytearray(64 << 20); x[::4096] = b"x" * len(x[::4096]); time.sleep(1000)'
                """.formatted(bin, smtp, closedPort);
    }

    private PeerDaemon start(PeerDaemon.Kind kind, SmtpSink smtp, int closedPort) throws Exception {
        Path dir = tmp.resolve(kind.name().toLowerCase());
        Files.createDirectories(dir.resolve("mail"));
        Path sendmail = dir.resolve("sendmail.sh");
        // one file per mail, named after the listener that sent it
        Files.writeString(sendmail, "#!/bin/sh\ncat > \"$(mktemp " + dir.resolve("mail") + "/$1.XXXXXX)\"\n");
        Files.setPosixFilePermissions(sendmail, PosixFilePermissions.fromString("rwxr-xr-x"));
        return PeerDaemon.start(kind, dir, config(smtp.hostPort(), closedPort));
    }

    private static String mail(PeerDaemon d, String listener) throws Exception {
        d.awaitFile("supervisord.log", t -> {
            String[] mails = d.dir.resolve("mail").toFile().list((f, n) -> n.startsWith(listener + "."));
            return mails != null && mails.length > 0;
        }, Duration.ofSeconds(60));
        Path dir = d.dir.resolve("mail");
        Path first;
        try (var files = Files.list(dir)) {
            first = files.filter(f -> f.getFileName().toString().startsWith(listener + "."))
                    .min((a, b) -> Long.compare(a.toFile().lastModified(), b.toFile().lastModified())).orElseThrow();
        }
        // the mail is written while the listener runs: wait for its body
        return d.awaitFile(d.dir.relativize(first).toString(), t -> t.contains("\n\n") && !t.endsWith("\n\n"),
                Duration.ofSeconds(30));
    }

    /** Times, pids, sizes and ports vary between two runs. */
    static String normalized(String mail) {
        return mail.replaceAll("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3}", "TIME")
                .replaceAll("\\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}", "TIME")
                .replaceAll("pid \\d+", "pid N")
                .replaceAll("\\(\\d+ bytes RSS\\)", "(N bytes RSS)")
                .replaceAll("(?m)^(Date|Message-ID): .*\\n", "");
    }

    @Test
    void theSameMailsAndActionsAsUnderSupervisord() throws Exception {
        int closedPort = closedPort();
        try (SmtpSink sSmtp = new SmtpSink(); SmtpSink kSmtp = new SmtpSink();
             PeerDaemon s = start(SUPERVISORD, sSmtp, closedPort); PeerDaemon k = start(KUPERVISOR, kSmtp, closedPort)) {
            for (String listener : List.of("crashmail", "httpok", "memmon")) {
                String expected = normalized(mail(s, listener));
                String actual = normalized(mail(k, listener));
                assertThat(actual).as(listener).isEqualTo(expected);
            }
            assertThat(normalized(mail(s, "crashmail"))).isEqualTo("""
                    To: ops@example.com
                    Subject:  crasher crashed at TIME

                    Process crasher in group crasher exited unexpectedly (pid N) from state RUNNING""");
            assertThat(normalized(mail(k, "httpok"))).contains("httpok: http://127.0.0.1:" + closedPort
                    + "/health: bad status returned", "error contacting", "web is in RUNNING state, restarting",
                    "web restarted");
            assertThat(normalized(mail(k, "memmon"))).contains("process hog:hog restarted",
                    "because it was consuming too much memory");
            // the restarts are the daemon's own: httpok stopped and started web, memmon hog
            for (PeerDaemon d : List.of(s, k)) {
                String log = d.log();
                assertThat(log).contains("stopped: web (terminated by SIGTERM)", "stopped: hog (terminated by SIGTERM)");
                assertThat(log.split("spawned: 'web'", -1).length).as(d.kind + " respawned web").isGreaterThan(2);
            }
            for (SmtpSink smtp : List.of(sSmtp, kSmtp)) {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (smtp.messages().isEmpty() && System.nanoTime() < end) {
                    Thread.sleep(100);
                }
            }
            assertThat(kSmtp.messages()).hasSize(1);
            assertThat(normalized(kSmtp.messages().getFirst())).isEqualTo(normalized(sSmtp.messages().getFirst()));
            assertThat(Arrays.asList(normalized(kSmtp.messages().getFirst()).split("\n")))
                    .contains("Subject: Fatal start alert from supervisord", "To: ops@example.com",
                            "TIME -- Process doomed:doomed failed to start too many times");
            assertThat(k.stop()).isZero();
            assertThat(s.stop()).isZero();
        }
    }
}
