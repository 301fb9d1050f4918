package io.kupervisor.cli.migrate;

import io.kupervisor.cli.CliRun;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kupervisor.api.v1alpha1.SupervisedProgram;
import io.kupervisor.cli.Main;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code kupervisor migrate} in both modes, on the timeit example and on every corpus config supervisord accepts. */
class MigrateCommandTest {
    static final Path EXAMPLE = Path.of("../examples/timeit/supervisord.conf").toAbsolutePath().normalize();
    static final Path CASES = Path.of("../core/src/test/resources/conformance/cases").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void timeitInPodIsAConfigMapADeploymentAndASidecarPerLog() throws IOException {
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("migrate", "-c", EXAMPLE.toString(), "--mode", "in-pod", "--image", "python:3.12-slim",
                "--report", dir.resolve("report.md").toString(), "-o", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        ConfigMap cm = Serialization.unmarshal(Files.readString(out.resolve("configmap.yaml")), ConfigMap.class);
        assertThat(cm.getData()).containsOnlyKeys("supervisord.conf", "timeit.conf");
        assertThat(cm.getData().get("timeit.conf")).isEqualTo(Files.readString(EXAMPLE.resolveSibling("timeit.conf")));

        Deployment d = Serialization.unmarshal(Files.readString(out.resolve("deployment.yaml")), Deployment.class);
        var pod = d.getSpec().getTemplate().getSpec();
        Container main = pod.getContainers().getFirst();
        assertThat(main.getImage()).isEqualTo("python:3.12-slim");
        assertThat(main.getCommand()).containsExactly("/kupervisor/bin/kupervisor", "supervisord", "-n", "-c",
                EXAMPLE.toString(), "--health-port", "9100", "--stable-auto-logs");
        assertThat(main.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(main.getVolumeMounts()).anyMatch(m -> m.getMountPath().equals(EXAMPLE.getParent().toString()));
        assertThat(pod.getInitContainers()).extracting(Container::getName)
                .containsExactly("kupervisor-install", "timeit", "timeit-stderr");
        Container sidecar = pod.getInitContainers().get(1);
        assertThat(sidecar.getRestartPolicy()).isEqualTo("Always");
        assertThat(sidecar.getCommand()).containsExactly("/opt/kupervisor/bin/kupervisor", "tail", "-F", "-n", "+1",
                "/tmp/timeit.out.log");
        // %(ENV_PATH)s comes from the container's own environment at start, not the old host's
        assertThat(r.out()).contains("APPROX environment ENV_PATH");
        assertThat(Files.readString(dir.resolve("report.md"))).contains("## [program:timeit] timeit");
    }

    @Test
    void timeitForTheOperatorIsOneSupervisedProgram() throws IOException {
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("migrate", "-c", EXAMPLE.toString(), "--mode", "operator", "--image", "python:3.12-slim",
                "--namespace", "demo", "-o", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("timeit.yaml");
        }
        SupervisedProgram p = Serialization.unmarshal(Files.readString(out.resolve("timeit.yaml")), SupervisedProgram.class);
        assertThat(p.getMetadata().getNamespace()).isEqualTo("demo");
        assertThat(p.getSpec().command).isEqualTo("python3 timeit.py");
        assertThat(p.getSpec().startsecs).isEqualTo(10);
        assertThat(p.getSpec().startretries).isEqualTo(3);
    }

    @Test
    void everyEventListenerNeedsADecisionInOperatorModeNamingWhatItDid() throws IOException {
        Path conf = dir.resolve("supervisord.conf");
        Files.writeString(conf, """
                [supervisord]
                [program:web]
                command=/usr/bin/web
                [eventlistener:crashmail]
                command=/usr/local/bin/crashmail -a -m ops@example.com
                events=PROCESS_STATE_EXITED
                [eventlistener:fatal]
                command=fatalmailbatch -t ops@example.com -f sv@example.com
                events=PROCESS_STATE,TICK_60
                [eventlistener:httpok]
                command=python -m superlance.httpok -p web http://localhost:8080/health
                events=TICK_60
                [eventlistener:memmon]
                command=memmon -p web=200MB
                events=TICK_60
                [eventlistener:dienow]
                command=/usr/local/bin/kill-supervisor.sh
                events=PROCESS_STATE_FATAL
                [eventlistener:custom]
                command=/opt/listeners/audit.py
                events=REMOTE_COMMUNICATION,PROCESS_LOG
                """);
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("migrate", "-c", conf.toString(), "--mode", "operator", "--image", "x",
                "--report", dir.resolve("report.md").toString(), "-o", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> decisions = r.out().lines().filter(l -> l.strip().startsWith("DECIDE [eventlistener:")).toList();
        assertThat(decisions).hasSize(6);
        assertThat(r.out()).contains("DECIDE [eventlistener:crashmail]")
                .contains("crashmail sends a message when a program exits unexpectedly: alert instead on the Warning"
                        + " Events with reason Exited")
                .contains("fatalmailbatch mails when a program gives up (FATAL): alert instead on the Events with"
                        + " reason GaveUp")
                .contains("httpok restarts web when http://localhost:8080/health stops answering: give that"
                        + " SupervisedProgram's pod template a livenessProbe")
                .contains("memmon restarts programs above a memory size (web=200MB): set resources.limits.memory")
                .contains("listens to PROCESS_STATE_FATAL, often to stop the container when a program fails")
                .contains("listens to REMOTE_COMMUNICATION,PROCESS_LOG: the operator runs no event listeners");
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("web.yaml");
        }
        assertThat(Files.readString(dir.resolve("report.md"))).contains("[eventlistener:httpok]");

        CliRun inPod = CliRun.of("migrate", "-c", conf.toString(), "--mode", "in-pod", "--image", "x", "-o",
                dir.resolve("in-pod").toString());
        assertThat(inPod.exit()).as(inPod.err()).isZero();
        assertThat(inPod.out()).doesNotContain("DECIDE [eventlistener:");
    }

    @Test
    void aConfigSupervisordRefusesWritesNothingAndExits2() throws IOException {
        Path conf = dir.resolve("supervisord.conf");
        Files.writeString(conf, "[supervisord]\n[program:a]\ncommand=/bin/true\nautorestart=maybe\n");
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("migrate", "-c", conf.toString(), "--mode", "operator", "--image", "x", "-o", out.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("Error: invalid 'autorestart' value 'maybe'").contains("line 4")
                .contains("Nothing was written.");
        assertThat(out).doesNotExist();
    }

    @TestFactory
    Stream<DynamicTest> everyCorpusConfigSupervisordAcceptsConvertsInBothModes() throws IOException {
        List<Path> accepted = new ArrayList<>();
        try (Stream<Path> s = Files.list(CASES)) {
            for (Path c : s.filter(p -> p.getFileName().toString().startsWith("corpus-")).sorted().toList()) {
                if (!Files.readString(c.resolve("expected.json")).contains("\"error\"")) {
                    accepted.add(c);
                }
            }
        }
        assertThat(accepted).hasSizeGreaterThanOrEqualTo(13);
        return accepted.stream().flatMap(c -> Stream.of("operator", "in-pod").map(mode ->
                DynamicTest.dynamicTest(c.getFileName() + " " + mode, () -> convert(c, mode))));
    }

    private void convert(Path caseDir, String mode) throws IOException {
        List<String> args = new ArrayList<>(List.of("migrate", "-c", caseDir.resolve("supervisord.conf").toString(),
                "--mode", mode, "--image", "registry.example/app:1", "-o", dir.resolve(mode).toString()));
        Path props = caseDir.resolve("case.properties");
        if (Files.exists(props)) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(props)) {
                p.load(r);
            }
            for (String k : p.stringPropertyNames()) {
                if (k.startsWith("env.")) {
                    args.addAll(List.of("--env", k.substring(4) + "=" + p.getProperty(k)));
                }
            }
        }
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertThat(r.exit()).as(r.err()).isZero();
        try (Stream<Path> files = Files.list(dir.resolve(mode))) {
            for (Path f : files.toList()) {
                String yaml = Files.readString(f);
                if (mode.equals("operator")) {
                    SupervisedProgram p = Serialization.unmarshal(yaml, SupervisedProgram.class);
                    assertThat(p.getSpec().image).isEqualTo("registry.example/app:1");
                    assertThat(p.getSpec().command).isNotBlank();
                } else {
                    assertThat(Serialization.unmarshal(yaml, io.fabric8.kubernetes.api.model.HasMetadata.class)
                            .getMetadata().getName()).isNotBlank();
                }
            }
        }
        assertThat(r.out()).contains("mapped");
    }
}
