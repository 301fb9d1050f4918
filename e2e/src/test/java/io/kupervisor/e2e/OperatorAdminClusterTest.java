package io.kupervisor.e2e;

import static io.kupervisor.e2e.OperatorClusterTest.program;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.kupervisor.api.v1alpha1.ProcessStatus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a cluster admin expects of the operator on top of supervisord's rules, on a real kubelet
 * without alpha features: a stopsignal other than TERM reaches the program (kupervisor-init is
 * PID 1 of the process container and turns the kubelet's TERM into it), a program without a
 * handler stops at once, a restart never has two copies of a process, and the failures a
 * cluster adds are told in words without spending startretries.
 */
@ExtendWith(RealCluster.Extension.class)
class OperatorAdminClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    private void apply(RealCluster cluster, String ns, String name, String yaml) throws IOException {
        Path file = Files.writeString(dir.resolve(name + ".yaml"), yaml);
        cluster.kubectl("apply", "-n", ns, "-f", file.toString()).requireSuccess();
    }

    @Test
    void stopsignalQuitReachesTheProgramOnAClusterWithoutAlphaFeatures(RealCluster cluster) throws Exception {
        String ns = cluster.namespace("cluster-quit");
        try (var watch = new NamespaceWatch(cluster.client(), ns)) {
            apply(cluster, ns, "trapper", program("trapper",
                    "/bin/sh -c 'trap \"echo got QUIT; sleep 1; echo bye; exit 0\" QUIT; trap \"echo got TERM; exit 1\" TERM;"
                            + " echo ready; while :; do sleep 1 & wait $!; done'",
                    "startsecs: 1", "stopsignal: QUIT", "stopwaitsecs: 20"));
            watch.awaitState("trapper", "trapper", "RUNNING", WAIT);
            Pod pod = watch.livePods("trapper").getFirst();
            // no lifecycle.stopSignal (alpha): the signal is kupervisor-init's business
            assertThat(pod.getSpec().getContainers().getFirst().getLifecycle() == null
                    || pod.getSpec().getContainers().getFirst().getLifecycle().getStopSignal() == null).isTrue();
            try (var log = PodLogStream.follow(cluster, ns, pod.getMetadata().getName(), "trapper")) {
                log.awaitLine("ready", WAIT);
                cluster.kubectl("patch", "sprog", "trapper", "-n", ns, "--type=merge",
                        "-p", "{\"spec\":{\"state\":\"stopped\"}}").requireSuccess();
                ProcessStatus stopped = watch.awaitState("trapper", "trapper", "STOPPED", WAIT);
                assertThat(log.awaitEnd(WAIT)).containsSubsequence("ready", "got QUIT", "bye").doesNotContain("got TERM");
                assertThat(stopped.exitStatus).isZero();
            }
        }
    }

    @Test
    void aProgramWithoutAHandlerStopsAtOnceNotAfterStopwaitsecs(RealCluster cluster) throws Exception {
        String ns = cluster.namespace("cluster-nohandler");
        try (var watch = new NamespaceWatch(cluster.client(), ns)) {
            // PID 1 of its container would ignore TERM; under kupervisor-init it is an ordinary child
            apply(cluster, ns, "sleeper", program("sleeper", "/bin/sleep 3600", "startsecs: 0", "stopwaitsecs: 90"));
            watch.awaitState("sleeper", "sleeper", "RUNNING", WAIT);
            String pod = watch.livePods("sleeper").getFirst().getMetadata().getName();
            Instant stopAt = Instant.now();
            cluster.kubectl("patch", "sprog", "sleeper", "-n", ns, "--type=merge",
                    "-p", "{\"spec\":{\"state\":\"stopped\"}}").requireSuccess();
            ProcessStatus stopped = watch.awaitState("sleeper", "sleeper", "STOPPED", WAIT);
            Instant gone = watch.await(() -> watch.podDeletedAt(pod), () -> "sleeper's pod deleted", WAIT);
            // well inside stopwaitsecs (90 s): the TERM killed it
            assertThat(Duration.between(stopAt, gone)).isLessThan(Duration.ofSeconds(45));
            assertThat(stopped.exitDescription).isEqualTo("terminated by SIGTERM");
        }
    }

    @Test
    void aRestartNeverRunsTwoCopiesOfAProcess(RealCluster cluster) throws Exception {
        String ns = cluster.namespace("cluster-twocopies");
        try (var watch = new NamespaceWatch(cluster.client(), ns)) {
            apply(cluster, ns, "stubborn", program("stubborn",
                    "/bin/sh -c 'trap \"echo ignoring TERM\" TERM; echo ready; while :; do sleep 1 & wait $!; done'",
                    "startsecs: 1", "stopwaitsecs: 5"));
            watch.awaitState("stubborn", "stubborn", "RUNNING", WAIT);
            String first = watch.livePods("stubborn").getFirst().getMetadata().getName();
            cluster.kubectl("annotate", "sprog", "stubborn", "-n", ns, "--overwrite",
                    "kupervisor.io/restartedAt=" + Instant.now()).requireSuccess();
            Pod second = watch.awaitPod("stubborn", "stubborn", 2, WAIT);
            // the new pod is made only once the old container is dead: the kubelet killed it after
            // its grace period (stopwaitsecs), never a force delete while it may still run. The
            // watch keeps the old pod's last version, with the kubelet's record of the end.
            Pod old = watch.await(() -> watch.allPods("stubborn").stream()
                    .filter(p -> p.getMetadata().getName().equals(first)
                            && OperatorClusterTest.terminated(p) != null).findFirst().orElse(null),
                    () -> "the first pod's container terminated", WAIT);
            var end = OperatorClusterTest.terminated(old);
            assertThat(end.getExitCode()).as("%s", end).isEqualTo(137);
            // times are whole seconds
            assertThat(Instant.parse(second.getMetadata().getCreationTimestamp()))
                    .isAfterOrEqualTo(Instant.parse(end.getFinishedAt()));
            watch.awaitState("stubborn", "stubborn", "RUNNING", WAIT);
            watch.await(() -> Programs.events(cluster.client(), ns, "stubborn").stream()
                    .anyMatch(e -> e.startsWith("killing 'stubborn'") && e.contains("SIGKILL")) ? Boolean.TRUE : null,
                    () -> "a SIGKILL Event; Events: " + Programs.events(cluster.client(), ns, "stubborn"), WAIT);
        }
    }

    @Test
    void clusterFailuresAreToldInWordsWithoutSpendingStartretries(RealCluster cluster) throws Exception {
        String ns = cluster.namespace("cluster-failures");
        try (var watch = new NamespaceWatch(cluster.client(), ns)) {
            apply(cluster, ns, "noimage", program("noimage", "/bin/sleep 3600", "startretries: 0")
                    .replace("image: " + RealCluster.DEBIAN, "image: debian:does-not-exist"));
            apply(cluster, ns, "nosecret", program("nosecret", "/bin/sleep 3600", "startretries: 0",
                    "env: [{name: X, valueFrom: {secretKeyRef: {name: nope, key: k}}}]"));
            apply(cluster, ns, "hog", program("hog", "/bin/sh -c 'sleep 2; head -c 256m /dev/zero | tail'",
                    "startsecs: 1", "autorestart: \"false\"", "resources: {limits: {memory: 16Mi}}"));

            ProcessStatus pull = watch.awaitProcess("noimage", "noimage",
                    p -> p.description != null && p.description.contains("ImagePull"), "an image pull failure", WAIT);
            assertThat(pull.state).isEqualTo("STARTING");
            assertThat(pull.backoff).isZero();
            ProcessStatus secret = watch.awaitProcess("nosecret", "nosecret",
                    p -> p.description != null && p.description.contains("CreateContainerConfigError"),
                    "a missing Secret", WAIT);
            assertThat(secret.state).isEqualTo("STARTING");
            assertThat(secret.description).contains("secret \"nope\" not found");
            // the Secret appears: the same process starts, nothing spent
            cluster.kubectl("create", "secret", "generic", "nope", "-n", ns, "--from-literal=k=v").requireSuccess();
            watch.awaitState("nosecret", "nosecret", "RUNNING", WAIT);
            assertThat(watch.allPods("nosecret")).hasSize(1);

            ProcessStatus oom = watch.awaitProcess("hog", "hog", p -> "EXITED".equals(p.state), "EXITED", WAIT);
            assertThat(oom.description).contains("OOMKilled");
        }
    }
}
