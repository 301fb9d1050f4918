package io.kupervisor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command line as a Unix user expects it: help on 0, usage errors on 2 with the usage or the
 * closest command, no picocli warnings, and check's warnings about what supervisord accepts silently.
 */
class CliConventionsTest {
    @TempDir
    Path dir;

    static final List<String> COMMANDS = List.of("check", "ctl", "tail", "migrate", "kubectl-supervisorctl");

    @Test
    void everyHelpExits0WithoutPicocliWarningsOrCutSentences() {
        for (String command : COMMANDS) {
            for (String flag : List.of("-h", "--help")) {
                CliRun r = CliRun.of(command, flag);
                assertThat(r.exit()).as(command + " " + flag).isZero();
                assertThat(r.err()).as(command + " " + flag).isEmpty();
                assertThat(r.out()).as(command).contains("Usage: kupervisor " + command)
                        .doesNotContain("picocli WARN").doesNotContain("%n");
            }
        }
        // the command list shows one whole sentence per command, not a line cut mid-sentence
        CliRun top = CliRun.of("--help");
        assertThat(top.exit()).isZero();
        String commands = top.out().substring(top.out().indexOf("Commands:"));
        for (String block : commands.split("\n  (?=\\S)")) {
            if (block.startsWith("Commands:")) {
                continue;
            }
            assertThat(block.strip()).as(block).endsWith(".");
        }
        assertThat(CliRun.of("help", "migrate").out()).contains("Usage: kupervisor migrate");
        assertThat(CliRun.of("check", "--help").out()).contains("%(ENV_KEY)s");
    }

    @Test
    void versionOnEveryCommandThatTakesOptions() {
        for (List<String> args : List.of(List.of("-V"), List.of("--version"), List.of("ctl", "-V"),
                List.of("check", "-V"), List.of("kubectl-supervisorctl", "-V"))) {
            CliRun r = CliRun.of(args.toArray(String[]::new));
            assertThat(r.exit()).as(String.join(" ", args)).isZero();
            assertThat(r.out()).as(String.join(" ", args)).startsWith("kupervisor ").contains("supervisord 4.2.5 compatible");
        }
    }

    @Test
    void noCommandOrAnUnknownOneIsAUsageErrorWithTheUsageAndTheClosestCommand() {
        CliRun none = CliRun.of();
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.out()).isEmpty();
        assertThat(none.err()).contains("a command is needed", "Usage: kupervisor", "check", "migrate");

        CliRun typo = CliRun.of("chek", "-c", "x");
        assertThat(typo.exit()).isEqualTo(2);
        assertThat(typo.err()).startsWith("kupervisor: 'chek' is not a kupervisor command\nThe closest: check")
                .contains("Usage: kupervisor");

        CliRun badOption = CliRun.of("check", "--jsn");
        assertThat(badOption.exit()).isEqualTo(2);
        assertThat(badOption.err()).contains("Unknown option: '--jsn'", "--json", "For help, use kupervisor check -h");

        CliRun plugin = CliRun.of("kubectl-supervisorctl");
        assertThat(plugin.exit()).isEqualTo(2);
        assertThat(plugin.err()).contains("a command is needed", "Usage: kupervisor kubectl-supervisorctl");
    }

    @Test
    void checkWarnsAboutWhatSupervisordIgnoresWithoutAWord() throws Exception {
        Path conf = dir.resolve("supervisord.conf");
        Files.writeString(conf, """
                [supervisord]
                logfile=%(here)s/s.log
                [program:web]
                command=no-such-program-here --port 80
                autostrat=true
                [program:ok]
                command=/bin/sleep 10
                """);
        CliRun r = CliRun.of("check", "-c", conf.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.err()).contains("kupervisor: warning: [program:web] has no key 'autostrat': supervisord ignores it;"
                + " did you mean 'autostart'?\n  at " + conf + ", line 5, [program:web] autostrat");
        assertThat(r.err()).contains("[program:web] command: can't find command 'no-such-program-here' on this host");
        assertThat(r.err()).doesNotContain("program:ok");
        assertThat(r.out()).contains("has no key 'autostrat'");

        JsonNode json = new ObjectMapper().readTree(CliRun.of("check", "--json", "-c", conf.toString()).out());
        assertThat(json.get("kupervisor_warnings").toString()).contains("autostrat", "no-such-program-here");

        // --relaxed: the configuration is for another host, whose commands this one need not have
        CliRun relaxed = CliRun.of("check", "--relaxed", "-c", conf.toString());
        assertThat(relaxed.err()).contains("autostrat").doesNotContain("no-such-program-here");

        // what supervisord reads is not warned about, nor a [DEFAULT] key
        Files.writeString(conf, """
                [supervisord]
                logfile=%(here)s/s.log
                [program:ok]
                command=/bin/sleep 10
                stdout_logfile_backups=2
                stderr_capture_maxbytes=1MB
                """);
        assertThat(CliRun.of("check", "-c", conf.toString()).err()).isEmpty();
    }

    @Test
    void anUnsetEnvVariableIsNamedNotTheWholeEnvironment() throws Exception {
        Path conf = dir.resolve("supervisord.conf");
        Files.writeString(conf, "[supervisord]\n[program:a]\ncommand=/bin/echo %(ENV_KUPERVISOR_SURELY_UNSET)s\n");
        CliRun r = CliRun.of("check", "-c", conf.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("Error: Format string '/bin/echo %(ENV_KUPERVISOR_SURELY_UNSET)s' for"
                + " 'program:a.command' contains names ('ENV_KUPERVISOR_SURELY_UNSET') which cannot be expanded:"
                + " KUPERVISOR_SURELY_UNSET is not set in the environment\n"
                + "  at " + conf + ", line 3, [program:a] command\n"
                + "  (a variable of the host the configuration is for? give its value: --env KUPERVISOR_SURELY_UNSET=VALUE)\n");
        assertThat(CliRun.of("check", "--env", "KUPERVISOR_SURELY_UNSET=x", "-c", conf.toString()).exit()).isZero();
        // the JSON error keeps supervisord's own words, whole
        CliRun json = CliRun.of("check", "--json", "-c", conf.toString());
        assertThat(json.out()).contains("Available names: ");
    }

    @Test
    void thePluginWithoutAClusterSaysSoInOneLineAndExits7() throws Exception {
        // a kubeconfig whose server nothing listens on: kubectl's own words, one line, no stack trace
        Path kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: nowhere
                  cluster: {server: "http://127.0.0.1:1"}
                contexts:
                - name: nowhere
                  context: {cluster: nowhere, user: nobody}
                current-context: nowhere
                users:
                - name: nobody
                  user: {}
                """);
        CliRun r = CliRun.of("kubectl-supervisorctl", "--kubeconfig", kubeconfig.toString(), "status");
        assertThat(r.exit()).isEqualTo(7);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines().toList()).hasSize(1);
        assertThat(r.err()).contains("127.0.0.1:1").doesNotContain("Exception").doesNotContain("\tat ");

        CliRun noKubectl = CliRun.of("kubectl-supervisorctl", "--kubectl", dir.resolve("no-kubectl").toString(), "status");
        assertThat(noKubectl.exit()).isEqualTo(7);
        assertThat(noKubectl.err().lines().toList()).hasSize(1);
        assertThat(noKubectl.err()).startsWith("error: cannot run kubectl");
    }
}
