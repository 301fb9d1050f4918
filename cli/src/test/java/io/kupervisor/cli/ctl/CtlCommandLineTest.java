package io.kupervisor.cli.ctl;

import io.kupervisor.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code kupervisor ctl} on the command line: options before the command, the rest is the command's. */
class CtlCommandLineTest {
    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(exit, out.toString(), err.toString());
    }

    private Path config() throws Exception {
        Path conf = dir.resolve("supervisord.conf");
        Files.writeString(conf, "[supervisord]\n[supervisorctl]\nserverurl=unix://%(here)s/none.sock\nprompt=x\n");
        return conf;
    }

    @Test
    void whatFollowsTheCommandIsTheCommandsOwn() throws Exception {
        Run r = run("ctl", "-c", config().toString(), "tail", "-f", "prog");
        assertThat(r.out()).isEqualTo("unix://" + dir.resolve("none.sock") + " no such file\n");
        assertThat(r.exit()).isEqualTo(7);
        Run status = run("ctl", "-c", config().toString(), "status", "-x");
        assertThat(status.exit()).isEqualTo(4);
    }

    @Test
    void helpNeedsNoServer() throws Exception {
        Run r = run("ctl", "-c", config().toString(), "help", "pid");
        assertThat(r.out()).isEqualTo("pid\t\t\tGet the PID of supervisord.\n"
                + "pid <name>\t\tGet the PID of a single child process by name.\n"
                + "pid all\t\t\tGet the PID of every child process, one per line.\n");
        assertThat(r.exit()).isZero();
    }

    @Test
    void usageErrorsExit2() throws Exception {
        Run unknown = run("ctl", "-x", "status");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).startsWith("Error: Unknown option: '-x'");
        Run missing = run("ctl", "-c", dir.resolve("nope.conf").toString(), "status");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).isEqualTo("Error: could not find config file " + dir.resolve("nope.conf")
                + "\nFor help, use kupervisor ctl -h\n");
        Run badUrl = run("ctl", "-s", "ftp://x", "status");
        assertThat(badUrl.exit()).isEqualTo(2);
        assertThat(badUrl.err()).startsWith("Error: invalid value for -s 'ftp://x': value 'ftp://x' is not a URL");
        Run help = run("ctl", "-h");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("Usage: kupervisor ctl", "-s, --serverurl=URL");
    }
}
