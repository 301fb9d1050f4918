package io.kupervisor.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CRD's schema refuses what supervisord refuses, in the API server itself: kubectl shows the
 * schema's readable message and exits 1, and nothing is stored.
 */
@ExtendWith(E2eCluster.Extension.class)
class SchemaE2ETest {
    private static final String NS = "e2e-schema";

    @TempDir
    static Path dir;

    @BeforeAll
    static void namespace(E2eCluster cluster) {
        cluster.namespace(NS);
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("bad-autorestart", "autorestart: maybe",
                        "spec.autorestart: Invalid value: \"string\": autorestart must be one of \"true\", \"false\","
                                + " \"unexpected\" (quote true and false in YAML)"),
                Arguments.of("bad-startsecs", "startsecs: -1",
                        "spec.startsecs: Invalid value: -1: spec.startsecs in body should be greater than or equal to 0"),
                Arguments.of("bad-exitcode", "exitcodes: [0, 300]",
                        "spec.exitcodes: Invalid value: \"array\": exit codes must be between 0 and 255"),
                Arguments.of("bad-numprocs", "numprocs: 3",
                        "spec.processName: Invalid value: \"object\": processName must contain %(process_num) when"
                                + " numprocs > 1 (supervisord: %(process_num) must be present within process_name when"
                                + " numprocs > 1)"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("refused")
    void kubectlShowsTheSchemasMessage(String name, String line, String message, E2eCluster cluster) {
        Path file = Programs.write(dir, name, Programs.yaml(name, line));

        var apply = cluster.kubectl("apply", "-n", NS, "-f", file.toString());

        assertThat(apply.exitCode()).isEqualTo(1);
        assertThat(apply.stdout()).isEmpty();
        assertThat(apply.stderr()).isEqualTo("The SupervisedProgram \"" + name + "\" is invalid: " + message + "\n");
        var get = cluster.kubectl("get", "sprog", name, "-n", NS);
        assertThat(get.exitCode()).isEqualTo(1);
        assertThat(get.stderr()).contains("supervisedprograms.kupervisor.io \"" + name + "\" not found");
    }

    @Test
    void unquotedTrueIsABooleanWhereAStringIsExpected(E2eCluster cluster) {
        Path file = Programs.write(dir, "bare-true", Programs.yaml("bare-true", "autorestart: true"));

        var apply = cluster.kubectl("apply", "-n", NS, "-f", file.toString());

        assertThat(apply.exitCode()).isEqualTo(1);
        assertThat(apply.stderr()).startsWith("The SupervisedProgram \"bare-true\" is invalid: \n")
                .contains("* spec.autorestart: Invalid value: \"boolean\": spec.autorestart in body must be of type"
                        + " string: \"boolean\"");
    }

    @Test
    void everyProblemIsListedAtOnce(E2eCluster cluster) {
        Path file = Programs.write(dir, "bad-all", Programs.yaml("bad-all",
                "autorestart: maybe", "startsecs: -1", "exitcodes: [300]", "numprocs: 3"));

        var apply = cluster.kubectl("create", "-n", NS, "-f", file.toString());

        assertThat(apply.exitCode()).isEqualTo(1);
        assertThat(apply.stderr()).startsWith("The SupervisedProgram \"bad-all\" is invalid: \n");
        assertThat(apply.stderr().lines().skip(1).toList()).containsExactlyInAnyOrder(
                "* spec.autorestart: Invalid value: \"string\": autorestart must be one of \"true\", \"false\","
                        + " \"unexpected\" (quote true and false in YAML)",
                "* spec.startsecs: Invalid value: -1: spec.startsecs in body should be greater than or equal to 0",
                "* spec.exitcodes: Invalid value: \"array\": exit codes must be between 0 and 255",
                "* spec.processName: Invalid value: \"object\": processName must contain %(process_num) when"
                        + " numprocs > 1 (supervisord: %(process_num) must be present within process_name when"
                        + " numprocs > 1)");
    }

    @Test
    void theValidTwinsAreAccepted(E2eCluster cluster) {
        // the same keys within range: accepted (server-side dry run: validated, not stored)
        Path file = Programs.write(dir, "good", Programs.yaml("good", "autorestart: \"false\"", "startsecs: 0",
                "exitcodes: [0, 255]", "numprocs: 3", "processName: \"%(program_name)s-%(process_num)d\""));

        var apply = cluster.kubectl("apply", "--dry-run=server", "-n", NS, "-f", file.toString()).requireSuccess();

        assertThat(apply.stdout()).isEqualTo("supervisedprogram.kupervisor.io/good created (server dry run)\n");
        var list = cluster.kubectl("get", "sprog", "-n", NS);
        assertThat(list.stderr()).isEqualTo("No resources found in " + NS + " namespace.\n");
    }

    /**
     * spec.stoppedProcesses names the program's processes (the CEL rule expands processName), each
     * once (a set); a change that would leave a listed name behind is refused too, and the list can
     * be patched item by item.
     */
    @Test
    void stoppedProcessesNamesProcessesOfTheProgramOnceEach(E2eCluster cluster) {
        String[] pool = {"numprocs: 4", "processName: \"%(program_name)s_%(process_num)02d\"", "state: stopped"};
        Path bad = Programs.write(dir, "pool-bad", Programs.yaml("pool", concat(pool, "stoppedProcesses: [pool_04]")));
        var refused = cluster.kubectl("apply", "-n", NS, "-f", bad.toString());
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.stderr()).isEqualTo("The SupervisedProgram \"pool\" is invalid: spec.stoppedProcesses: "
                + "Invalid value: \"object\": stoppedProcesses must name processes of this program: processName "
                + "expanded for each process_num from numprocsStart to numprocsStart+numprocs-1\n");
        Path twice = Programs.write(dir, "pool-twice", Programs.yaml("pool", concat(pool,
                "stoppedProcesses: [pool_01, pool_01]")));
        var duplicate = cluster.kubectl("apply", "-n", NS, "-f", twice.toString());
        assertThat(duplicate.exitCode()).isEqualTo(1);
        assertThat(duplicate.stderr()).contains("spec.stoppedProcesses[1]: Duplicate value: \"pool_01\"");

        Path good = Programs.write(dir, "pool", Programs.yaml("pool", concat(pool, "stoppedProcesses: [pool_01, pool_03]")));
        cluster.kubectl("apply", "-n", NS, "-f", good.toString()).requireSuccess();
        // fewer processes would leave pool_03 listed: refused until the list goes with it
        var fewer = cluster.kubectl("patch", "sprog", "pool", "-n", NS, "--type", "merge", "-p", "{\"spec\":{\"numprocs\":3}}");
        assertThat(fewer.exitCode()).isEqualTo(1);
        assertThat(fewer.stderr()).contains("stoppedProcesses must name processes of this program");
        cluster.kubectl("patch", "sprog", "pool", "-n", NS, "--type", "merge", "-p",
                "{\"spec\":{\"numprocs\":3,\"stoppedProcesses\":[\"pool_01\"]}}").requireSuccess();
        // one name added with a JSON patch, as a person would
        cluster.kubectl("patch", "sprog", "pool", "-n", NS, "--type", "json", "-p",
                "[{\"op\":\"add\",\"path\":\"/spec/stoppedProcesses/-\",\"value\":\"pool_02\"}]").requireSuccess();
        assertThat(cluster.kubectl("get", "sprog", "pool", "-n", NS, "-o", "jsonpath={.spec.stoppedProcesses}")
                .requireSuccess().stdout()).isEqualTo("[\"pool_01\",\"pool_02\"]");
        // a program named otherwise (programName) and a template CEL cannot expand (left to the operator)
        Path named = Programs.write(dir, "my-app", Programs.yaml("my-app", "programName: my_app",
                "stoppedProcesses: [my_app]"));
        cluster.kubectl("apply", "--dry-run=server", "-n", NS, "-f", named.toString()).requireSuccess();
        Path hex = Programs.write(dir, "hex", Programs.yaml("hex", "numprocs: 16",
                "processName: \"w%(process_num)x\"", "stoppedProcesses: [wf]"));
        cluster.kubectl("apply", "--dry-run=server", "-n", NS, "-f", hex.toString()).requireSuccess();
        cluster.kubectl("delete", "sprog", "pool", "-n", NS).requireSuccess();
    }

    private static String[] concat(String[] a, String... b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
    }
}
