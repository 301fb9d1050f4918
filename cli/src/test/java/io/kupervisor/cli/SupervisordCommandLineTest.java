package io.kupervisor.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kupervisor supervisord}'s command line against Debian's supervisord 4.2.5 itself: the
 * same argument vectors give the same error line and exit code. Only vectors that stop before a
 * daemon would start are run (each in-process on our side).
 */
class SupervisordCommandLineTest {
    private static final Path SUPERVISORD = Path.of("/usr/bin/supervisord");

    @TempDir
    Path dir;

    record Outcome(int code, String out, String firstErrLine) {
    }

    private Outcome supervisord(List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(SUPERVISORD.toString()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return new Outcome(p.exitValue(), out, err.lines().findFirst().orElse(""));
    }

    private static Outcome kupervisor(List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SupervisordMain.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String e = err.toString(StandardCharsets.UTF_8);
        assertThat(e.isEmpty() || e.contains("For help, use kupervisor supervisord -h")).as(e).isTrue();
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), e.lines().findFirst().orElse(""));
    }

    @Test
    void usageErrorsReadAsSupervisordsOwn() throws Exception {
        Files.createDirectories(dir.resolve("logs"));
        List<List<String>> vectors = List.of(
                List.of("-x"),
                List.of("--bogus"),
                List.of("-c"),
                List.of("--configuration"),
                List.of("-nc"),
                List.of("--nodaemon=1"),
                List.of("--log", "x"),
                List.of("--s"),
                List.of("--d"),
                List.of("--health"),
                List.of("--minp", "x"),
                List.of("-m", "9"),
                List.of("--umask=abc"),
                List.of("-z", "x"),
                List.of("-y", "5XB"),
                List.of("-e", "loud"),
                List.of("-d", "/nonexistent"),
                List.of("-q", "logs/none"),
                List.of("-l", "/nonexistent/x.log"),
                List.of("-j", "none/x.pid"),
                List.of("-n", "-n"),
                List.of("-c", "a.conf", "--configuration=b.conf"),
                List.of("-n", "extra", "-c", "a.conf"),
                List.of("-n", "--", "-c"),
                List.of("-m", "9", "-h"));
        for (List<String> v : vectors) {
            Outcome real = supervisord(v);
            Outcome ours = kupervisor(v);
            assertThat(real.code()).as("supervisord %s", v).isEqualTo(2);
            assertThat(ours).as("%s", v).isEqualTo(real);
        }
    }

    @Test
    void withoutNodaemonTheCommandGoesToTheBackgroundAndExitsZero() throws Exception {
        Path conf = dir.resolve("supervisord.conf");
        Files.writeString(conf, """
                [supervisord]
                logfile=%1$s/supervisord.log
                pidfile=%1$s/supervisord.pid
                [program:sleeper]
                command=/bin/sleep 60
                """.formatted(dir));
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "supervisord", "-c", conf.toString(), "--", "ignored");
        // "--" ends the options: the positional argument after it is refused, as by supervisord
        Process refused = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        // bounds, not timings: each wait ends on its event (an exit, a file, a line); two JVM start-ups
        // on a loaded machine can take a minute
        assertThat(refused.waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(refused.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .startsWith("Error: positional arguments are not supported: ['ignored']");

        Process parent = new ProcessBuilder(cmd.subList(0, cmd.size() - 2)).redirectErrorStream(true).start();
        assertThat(parent.waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(parent.exitValue()).isZero();
        Path pidfile = dir.resolve("supervisord.pid");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline && !(Files.exists(pidfile) && !Files.readString(pidfile).isBlank())) {
            Thread.sleep(50);
        }
        long pid = Long.parseLong(Files.readString(pidfile).strip());
        ProcessHandle daemon = ProcessHandle.of(pid).orElseThrow();
        try {
            assertThat(pid).isNotEqualTo(parent.pid());
            // the same command again, marked as the background one before its own arguments
            String cmdline = Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
            assertThat(cmdline).contains("supervisord --daemonized -c " + conf);
            while (System.nanoTime() < deadline && !Files.readString(dir.resolve("supervisord.log")).contains("success: sleeper")) {
                Thread.sleep(50);
            }
            assertThat(Files.readString(dir.resolve("supervisord.log"))).contains("success: sleeper");
        } finally {
            daemon.destroy();
            daemon.onExit().get(30, TimeUnit.SECONDS);
        }
        assertThat(Files.readString(dir.resolve("supervisord.log"))).contains("received SIGTERM indicating exit request");
    }

    @Test
    void versionAndHelpAnswerInTheirTurn() throws Exception {
        for (List<String> v : List.of(List.of("-v"), List.of("--version"), List.of("-n", "--vers"))) {
            assertThat(kupervisor(v)).as("%s", v).isEqualTo(supervisord(v));
        }
        Outcome help = kupervisor(List.of("-h", "-m", "9"));
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("-c/--configuration FILENAME", "--health-port [HOST:]PORT");
        assertThat(supervisord(List.of("-h", "-m", "9")).code()).isZero();
    }
}
