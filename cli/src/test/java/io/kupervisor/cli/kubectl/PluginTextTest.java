package io.kupervisor.cli.kubectl;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The plugin's text handling: the end of a log as supervisorctl's tail shows it, kubectl's last words. */
class PluginTextTest {
    @Test
    void tailKeepsTheEndOfTheLogNotItsBeginning() {
        StringBuilder log = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            log.append("line ").append(i).append('\n');
        }
        String tail = SupervisorctlPlugin.lastBytes(log.toString(), SupervisorctlPlugin.TAIL_BYTES);
        assertThat(tail).hasSize(1600).endsWith("line 499\n");
        assertThat(log.toString()).endsWith(tail);
        assertThat(SupervisorctlPlugin.lastBytes("short\n", 1600)).isEqualTo("short\n");
        // a character cut by the byte count is dropped, not garbled
        assertThat(SupervisorctlPlugin.lastBytes("ééé", 3)).isEqualTo("é");
    }

    @Test
    void kubectlsLastWordsSkipItsKlogLines() {
        String err = """
                E1207 17:44:03.161610   20698 memcache.go:265] "Unhandled Error" err="couldn't get current server API group list"
                E1207 17:44:03.162861   20698 memcache.go:265] "Unhandled Error" err="couldn't get current server API group list"
                The connection to the server localhost:8080 was refused - did you specify the right host or port?
                """;
        assertThat(Kubectl.lastWords(err))
                .isEqualTo("The connection to the server localhost:8080 was refused - did you specify the right host or port?");
        assertThat(Kubectl.unreachable(err)).isTrue();
        String forbidden = "Error from server (Forbidden): supervisedprograms.kupervisor.io is forbidden: User \"x\" cannot list\n";
        assertThat(Kubectl.lastWords(forbidden)).startsWith("Error from server (Forbidden)");
        assertThat(Kubectl.unreachable(forbidden)).isFalse();
        assertThat(Kubectl.lastWords("")).isEqualTo("error: kubectl failed without a message");
    }
}
