package io.kupervisor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code kupervisor check} as a user runs it: exit codes, text, JSON, errors without stack traces. */
class CheckCommandTest {
    @TempDir
    Path dir;

    @Test
    void theTimeitExampleIsAcceptedAndShownResolved() {
        Path example = Path.of("../examples/timeit/supervisord.conf").toAbsolutePath().normalize();
        CliRun r = CliRun.of("check", "-c", example.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("configuration " + example + ": accepted")
                .contains("included " + example.getParent().resolve("timeit.conf"))
                .contains("command          python3 timeit.py")
                .contains("directory        " + example.getParent())
                .contains("startsecs        10")
                .contains("startretries     3")
                .contains("autorestart      true")
                .contains("stdout           /tmp/timeit.out.log");
        // %(ENV_PATH)s is resolved from the environment kupervisor runs in
        assertThat(r.out()).contains("PATH=/usr/local/bin:" + System.getenv("PATH"));
        assertThat(r.err()).isEmpty();
    }

    @Test
    void aRefusedConfigGivesSupervisordsMessageTheLineAndExit2() throws IOException {
        Path conf = dir.resolve("supervisord.conf");
        Files.writeString(conf, "[supervisord]\n[program:a]\ncommand=/bin/true\nautorestart=maybe\n");
        CliRun r = CliRun.of("check", "-c", conf.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("Error: invalid 'autorestart' value 'maybe' in section 'program:a' (file: '"
                + conf + "')\n  at " + conf + ", line 4, [program:a] autorestart\n");
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void jsonUsesSupervisordsFieldNames() throws IOException {
        Path conf = dir.resolve("supervisord.conf");
        Files.writeString(conf, "[supervisord]\n[program:w]\ncommand=/bin/sleep 1\nnumprocs=2\n"
                + "process_name=%(program_name)s_%(process_num)02d\nenvironment=A=$HOME\n");
        CliRun r = CliRun.of("check", "--json", "-c", conf.toString());
        assertThat(r.exit()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        JsonNode group = json.get("groups").get(0);
        assertThat(group.get("name").asText()).isEqualTo("w");
        assertThat(group.get("processes").get(1).get("name").asText()).isEqualTo("w_01");
        assertThat(group.get("processes").get(1).get("namespec").asText()).isEqualTo("w:w_01");
        assertThat(group.get("processes").get(0).get("stdout_logfile_maxbytes").asLong()).isEqualTo(50L * 1024 * 1024);
        // supervisord keeps "$" silently; kupervisor says so
        assertThat(group.get("processes").get(0).get("environment").get("A").asText()).isEqualTo("$");
        assertThat(json.get("kupervisor_warnings").get(0).asText()).contains("A").contains("HOME");
    }

    @Test
    void jsonOfARefusedConfigSaysWhere() throws IOException {
        Path conf = dir.resolve("supervisord.conf");
        Files.writeString(conf, "[supervisord]\n\n[program:a]\ncommand=/bin/true\nstartsecs=-x\n");
        CliRun r = CliRun.of("check", "--json", "-c", conf.toString());
        assertThat(r.exit()).isEqualTo(2);
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("error").asText()).startsWith("invalid literal for int() with base 10: '-x'");
        assertThat(json.get("where").get("line").asInt()).isEqualTo(5);
        assertThat(json.get("where").get("key").asText()).isEqualTo("startsecs");
    }

    @Test
    void relaxedAndEnvReadAConfigWrittenForAnotherHost() throws IOException {
        Path conf = dir.resolve("supervisord.conf");
        Files.writeString(conf, "[supervisord]\nlogfile=/var/log/nonexistent-dir-xyz/supervisord.log\n"
                + "[program:a]\ncommand=%(ENV_APP_HOME)s/bin/app\nuser=nosuchuser-xyz\n");
        assertThat(CliRun.of("check", "-c", conf.toString()).exit()).isEqualTo(2);
        CliRun r = CliRun.of("check", "--relaxed", "--env", "APP_HOME=/opt/app", "-c", conf.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("command          /opt/app/bin/app")
                .contains("user             nosuchuser-xyz (uid unknown on this host)");
    }

    @Test
    void aMissingFileAndABadOptionAreUsageErrors() {
        CliRun missing = CliRun.of("check", "-c", dir.resolve("nope.conf").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).startsWith("Error: could not find config file " + dir.resolve("nope.conf"));
        CliRun bad = CliRun.of("check", "--bogus");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).startsWith("Error: Unknown option: '--bogus'");
    }
}
