package io.kupervisor.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.kupervisor.api.v1alpha1.ProcessStatus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator as a cluster admin installs it ({@code helm install} of {@code helm/kupervisor},
 * the image built from the Dockerfile) driving real pods on a real kubelet: containers that really
 * start, exit, get signals and are killed, and supervisord's rules on top of them.
 */
@ExtendWith(RealCluster.Extension.class)
class OperatorClusterTest {
    /** generous: a pod's start on a loaded 2-core machine, plus the state machine's own delays */
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    /**
     * A SupervisedProgram in Debian's image, with the spec lines given (YAML, unindented); as nobody
     * (65534): the operator's pods are restricted (runAsNonRoot) and Debian's image runs as root.
     */
    static String program(String name, String command, String... specLines) {
        StringBuilder y = new StringBuilder("""
                apiVersion: kupervisor.io/v1alpha1
                kind: SupervisedProgram
                metadata:
                  name: %s
                spec:
                  image: %s
                  command: %s
                  user: "65534"
                """.formatted(name, RealCluster.DEBIAN, command));
        for (String line : specLines) {
            y.append("  ").append(line).append('\n');
        }
        return y.toString();
    }

    void apply(RealCluster cluster, String ns, String name, String yaml) throws IOException {
        Path file = Files.writeString(dir.resolve(name + ".yaml"), yaml);
        cluster.kubectl("apply", "-n", ns, "-f", file.toString()).requireSuccess();
    }

    /** Waits for an Event with {@code message} about {@code program} (Events are written after the status). */
    static void awaitEvent(NamespaceWatch watch, RealCluster cluster, String ns, String program, String message) {
        watch.await(() -> Programs.events(cluster.client(), ns, program).contains(message) ? Boolean.TRUE : null,
                () -> "Event '" + message + "'; Events: " + Programs.events(cluster.client(), ns, program), WAIT);
    }

    static ContainerStatus container(Pod pod) {
        return pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null ? null
                : pod.getStatus().getContainerStatuses().stream().findFirst().orElse(null);
    }

    static Instant startedAt(Pod pod) {
        ContainerStatus c = container(pod);
        if (c == null || c.getState() == null) {
            return null;
        }
        if (c.getState().getRunning() != null) {
            return Instant.parse(c.getState().getRunning().getStartedAt());
        }
        return c.getState().getTerminated() == null ? null : Instant.parse(c.getState().getTerminated().getStartedAt());
    }

    static ContainerStateTerminated terminated(Pod pod) {
        ContainerStatus c = container(pod);
        return c == null || c.getState() == null ? null : c.getState().getTerminated();
    }

    @Test
    void aRealContainerBecomesRunningOnlyAfterStartsecsAndItsLogIsThePodLog(RealCluster cluster) throws Exception {
        String ns = cluster.namespace("cluster-startsecs");
        try (var watch = new NamespaceWatch(cluster.client(), ns)) {
            apply(cluster, ns, "steady", program("steady", "/bin/sh -c 'echo hello from steady; exec sleep 3600'",
                    "startsecs: 3"));
            ProcessStatus running = watch.awaitState("steady", "steady", "RUNNING", WAIT);
            Pod pod = watch.allPods("steady").getFirst();
            Instant seenRunning = Instant.now();
            // the kubelet's start time is whole seconds: RUNNING strictly after startsecs of it
            Instant started = startedAt(cluster.client().pods().inNamespace(ns).withName(pod.getMetadata().getName()).get());
            assertThat(started).isNotNull();
            assertThat(Duration.between(started, seenRunning)).isGreaterThan(Duration.ofSeconds(2));
            assertThat(watch.states("steady", "steady")).containsExactly("STARTING", "RUNNING");
            assertThat(running.pod).isEqualTo(pod.getMetadata().getName());
            assertThat(watch.allPods("steady")).hasSize(1);

            assertThat(cluster.kubectl("logs", "-n", ns, pod.getMetadata().getName()).requireSuccess().stdout())
                    .isEqualTo("hello from steady\n");
            var table = KubectlTable.parse(cluster.kubectl("get", "sprog", "-n", ns).requireSuccess().stdout());
            assertThat(table.row("steady").get("STATE")).isEqualTo("RUNNING");
            // the uptime is a column (a timestamp the client ages), not text the operator rewrites
            assertThat(table.row("steady").get("DESCRIPTION")).isEqualTo("pod " + pod.getMetadata().getName());
            assertThat(table.row("steady").get("UPTIME")).matches("\\d+s");
        }
    }

    @Test
    void aProgramThatExitsAtOnceBacksOffInNewPodsThenGoesFatal(RealCluster cluster) throws Exception {
        String ns = cluster.namespace("cluster-backoff");
        try (var watch = new NamespaceWatch(cluster.client(), ns)) {
            apply(cluster, ns, "crashy", program("crashy", "/bin/sh -c 'echo no config >&2; exit 1'",
                    "startsecs: 5", "startretries: 2"));
            ProcessStatus fatal = watch.awaitState("crashy", "crashy", "FATAL", WAIT);
            assertThat(watch.states("crashy", "crashy"))
                    .containsExactly("STARTING", "BACKOFF", "STARTING", "BACKOFF", "STARTING", "FATAL");
            assertThat(fatal.description).isEqualTo("Exited too quickly (process log may have details)");
            // one real pod per attempt, each run to its exit code; the last one is kept for its log
            List<Pod> pods = watch.allPods("crashy");
            assertThat(pods).hasSize(3);
            Pod last = cluster.client().pods().inNamespace(ns).withName(pods.getLast().getMetadata().getName()).get();
            assertThat(last).isNotNull();
            assertThat(terminated(last).getExitCode()).isEqualTo(1);
            assertThat(cluster.kubectl("logs", "-n", ns, last.getMetadata().getName()).requireSuccess().stdout())
                    .isEqualTo("no config\n");
            assertThat(Programs.events(cluster.client(), ns, "crashy"))
                    .contains("gave up: crashy entered FATAL state, too many start retries too quickly");
        }
    }

    @Test
    void anUnexpectedExitCodeRestartsAndAnExpectedOneDoesNot(RealCluster cluster) throws Exception {
        String ns = cluster.namespace("cluster-exitcodes");
        try (var watch = new NamespaceWatch(cluster.client(), ns)) {
            String spec = "/bin/sh -c 'sleep 2; exit 3'";
            apply(cluster, ns, "unexpected", program("unexpected", spec, "startsecs: 1",
                    "autorestart: unexpected", "exitcodes: [0]"));
            apply(cluster, ns, "expected", program("expected", spec, "startsecs: 1",
                    "autorestart: unexpected", "exitcodes: [0, 3]"));

            // exit 3 from RUNNING, not in exitcodes: a new pod at once, and RUNNING again
            watch.awaitPod("unexpected", "unexpected", 2, WAIT);
            awaitEvent(watch, cluster, ns, "unexpected", "exited: unexpected (exit status 3; not expected)");

            ProcessStatus exited = watch.awaitState("expected", "expected", "EXITED", WAIT);
            assertThat(exited.exitStatus).isEqualTo(3);
            awaitEvent(watch, cluster, ns, "expected", "exited: expected (exit status 3; expected)");
            // the expected one stays EXITED with its one pod while the other restarts once more
            watch.awaitPod("unexpected", "unexpected", 3, WAIT);
            assertThat(watch.allPods("expected")).hasSize(1);
            assertThat(watch.process("expected", "expected").state).isEqualTo("EXITED");
        }
    }

    @Test
    void theStopSignalReachesTheProcessAndStopwaitsecsEndsWithSigkill(RealCluster cluster) throws Exception {
        String ns = cluster.namespace("cluster-stop");
        // sh as PID 1 of its container: its trap is the program's handler
        String loop = "while :; do sleep 1 & wait $!; done";
        try (var watch = new NamespaceWatch(cluster.client(), ns)) {
            apply(cluster, ns, "polite", program("polite",
                    "/bin/sh -c 'trap \"echo got TERM; exit 0\" TERM; echo ready; " + loop + "'", "startsecs: 1"));
            apply(cluster, ns, "stubborn", program("stubborn",
                    "/bin/sh -c 'trap \"echo ignoring TERM\" TERM; echo ready; " + loop + "'", "startsecs: 1",
                    "stopwaitsecs: 6"));
            watch.awaitState("polite", "polite", "RUNNING", WAIT);
            watch.awaitState("stubborn", "stubborn", "RUNNING", WAIT);
            String politePod = watch.allPods("polite").getFirst().getMetadata().getName();
            String stubbornPod = watch.allPods("stubborn").getFirst().getMetadata().getName();
            // follow both logs as they are written: a stopped pod goes away with its log
            try (var politeLog = PodLogStream.follow(cluster, ns, politePod);
                    var stubbornLog = PodLogStream.follow(cluster, ns, stubbornPod)) {
                politeLog.awaitLine("ready", WAIT);
                stubbornLog.awaitLine("ready", WAIT);

                Instant stopAt = Instant.now();
                cluster.kubectl("patch", "sprog", "polite", "stubborn", "-n", ns, "--type=merge",
                        "-p", "{\"spec\":{\"state\":\"stopped\"}}").requireSuccess();
                politeLog.awaitLine("got TERM", WAIT);
                watch.awaitState("polite", "polite", "STOPPED", WAIT);

                stubbornLog.awaitLine("ignoring TERM", WAIT);
                // it ignores TERM: its container ends (its log stream with it) and its pod goes only
                // once stopwaitsecs have passed, when the kubelet kills it
                stubbornLog.awaitEnd(WAIT);
                watch.awaitState("stubborn", "stubborn", "STOPPED", WAIT);
                Instant gone = watch.await(() -> watch.podDeletedAt(stubbornPod), () -> "stubborn's pod deleted", WAIT);
                assertThat(Duration.between(stopAt, gone)).isGreaterThanOrEqualTo(Duration.ofSeconds(6));
                assertThat(stubbornLog.lines()).containsExactly("ready", "ignoring TERM");
            }
        }
    }

    @Test
    void numprocsGivesThatManyRealPodsAndDeletingTheProgramRemovesThem(RealCluster cluster) throws Exception {
        String ns = cluster.namespace("cluster-numprocs");
        try (var watch = new NamespaceWatch(cluster.client(), ns)) {
            apply(cluster, ns, "pool", program("pool", "/bin/sh -c 'echo worker %(process_num)d; exec sleep 3600'",
                    "startsecs: 1", "numprocs: 3", "processName: \"%(program_name)s_%(process_num)02d\""));
            for (String p : List.of("pool_00", "pool_01", "pool_02")) {
                watch.awaitState("pool", p, "RUNNING", WAIT);
            }
            List<Pod> pods = watch.livePods("pool");
            assertThat(pods).hasSize(3);
            List<String> logs = new ArrayList<>();
            for (Pod pod : pods) {
                logs.add(cluster.kubectl("logs", "-n", ns, pod.getMetadata().getName()).requireSuccess().stdout().strip());
            }
            assertThat(logs).containsExactlyInAnyOrder("worker 0", "worker 1", "worker 2");

            cluster.kubectl("delete", "sprog", "pool", "-n", ns, "--wait=true", "--timeout=120s").requireSuccess();
            watch.await(() -> watch.livePods("pool").isEmpty() ? Boolean.TRUE : null,
                    () -> "every pod of pool deleted; live: " + watch.livePods("pool").size(), WAIT);
        }
    }

    @Test
    void aNewOperatorPodTakesTheLeaseOverAfterARollout(RealCluster cluster) throws Exception {
        // the new pod must take over the lease the old one held (its RBAC once lacked "patch":
        // after any rollout the operator waited for a lease it could never take)
        cluster.kubectl("-n", RealCluster.OPERATOR_NAMESPACE, "rollout", "restart", "deployment").requireSuccess();
        cluster.kubectl("-n", RealCluster.OPERATOR_NAMESPACE, "rollout", "status", "deployment", "--timeout=180s")
                .requireSuccess();
        String ns = cluster.namespace("cluster-rollout");
        try (var watch = new NamespaceWatch(cluster.client(), ns)) {
            apply(cluster, ns, "after", program("after", "/bin/sleep 3600", "startsecs: 0"));
            watch.awaitState("after", "after", "RUNNING", WAIT);
        }
        String holder = cluster.kubectl("-n", RealCluster.OPERATOR_NAMESPACE, "get", "lease", "kupervisor-operator",
                "-o", "jsonpath={.spec.holderIdentity}").requireSuccess().stdout();
        String pods = cluster.kubectl("-n", RealCluster.OPERATOR_NAMESPACE, "get", "pods", "-o",
                "jsonpath={.items[?(@.status.phase==\"Running\")].metadata.name}").requireSuccess().stdout();
        assertThat(pods.split(" ")).contains(holder);
    }

    private static PluginRun supervisorctl(RealCluster cluster, String ns, String... args) {
        return PluginRun.run(cluster.kubectlBinary(), cluster.kubeconfig(), ns, 90, args);
    }

    @Test
    void kubectlSupervisorctlStatusStopStartAndTailOnRealPods(RealCluster cluster) throws Exception {
        String ns = cluster.namespace("cluster-plugin");
        try (var watch = new NamespaceWatch(cluster.client(), ns)) {
            apply(cluster, ns, "web", program("web",
                    "/bin/sh -c 'i=0; while :; do echo tick $i; i=$((i+1)); sleep 1 & wait $!; done'", "startsecs: 1"));
            watch.awaitState("web", "web", "RUNNING", WAIT);
            String pod = watch.allPods("web").getFirst().getMetadata().getName();

            PluginRun status = supervisorctl(cluster, ns, "status");
            assertThat(status.exit()).isZero();
            assertThat(status.out()).matches("web {30}RUNNING   pod " + pod + ", uptime 0:\\d\\d:\\d\\d\\n");

            try (var log = PodLogStream.follow(cluster, ns, pod)) {
                log.awaitLine("tick 2", WAIT);
            }
            PluginRun tail = supervisorctl(cluster, ns, "tail", "web");
            assertThat(tail.exit()).isZero();
            assertThat(tail.out()).contains("tick 0\ntick 1\ntick 2\n");

            PluginRun stop = supervisorctl(cluster, ns, "stop", "web");
            assertThat(stop.out()).isEqualTo("web: stopped\n");
            assertThat(stop.exit()).isZero();
            watch.await(() -> watch.livePods("web").isEmpty() ? Boolean.TRUE : null, () -> "web's pod gone", WAIT);
            PluginRun stopped = supervisorctl(cluster, ns, "status", "web");
            assertThat(stopped.exit()).isEqualTo(3);
            assertThat(stopped.out()).startsWith("web").contains("STOPPED");

            PluginRun start = supervisorctl(cluster, ns, "start", "web");
            assertThat(start.out()).isEqualTo("web: started\n");
            assertThat(start.exit()).isZero();
            assertThat(watch.allPods("web")).hasSize(2);
            assertThat(watch.process("web", "web").state).isEqualTo("RUNNING");
        }
    }

    @Test
    void oneProcessOfAPoolStopsAloneStaysStoppedThroughAnOperatorRolloutAndStartsAgain(RealCluster cluster)
            throws Exception {
        String ns = cluster.namespace("cluster-oneprocess");
        try (var watch = new NamespaceWatch(cluster.client(), ns)) {
            apply(cluster, ns, "pool", program("pool", "/bin/sleep 3600", "startsecs: 0", "numprocs: 3",
                    "processName: \"%(program_name)s_%(process_num)02d\""));
            for (String p : List.of("pool_00", "pool_01", "pool_02")) {
                watch.awaitPod("pool", p, 1, WAIT);
                watch.awaitState("pool", p, "RUNNING", WAIT);
            }
            String pod00 = watch.process("pool", "pool_00").pod;

            // supervisorctl's words for one process of a group
            PluginRun stop = supervisorctl(cluster, ns, "stop", "pool:pool_01");
            assertThat(stop.out()).isEqualTo("pool:pool_01: stopped\n");
            assertThat(stop.exit()).isZero();
            watch.await(() -> watch.livePods("pool").size() == 2 ? Boolean.TRUE : null, () -> "pool_01's pod gone", WAIT);
            assertThat(watch.process("pool", "pool_00").state).isEqualTo("RUNNING");
            assertThat(watch.process("pool", "pool_00").pod).isEqualTo(pod00);

            // a new operator pod does not start it again: once it has restarted pool_02 (so it has
            // reconciled the program), pool_01 is still stopped and has no pod
            cluster.kubectl("-n", RealCluster.OPERATOR_NAMESPACE, "rollout", "restart", "deployment").requireSuccess();
            cluster.kubectl("-n", RealCluster.OPERATOR_NAMESPACE, "rollout", "status", "deployment", "--timeout=180s")
                    .requireSuccess();
            cluster.kubectl("annotate", "-n", ns, "sprog", "pool", "kupervisor.io/restartedAt.pool_02=after-rollout")
                    .requireSuccess();
            watch.awaitPod("pool", "pool_02", 2, WAIT);
            watch.awaitState("pool", "pool_02", "RUNNING", WAIT);
            assertThat(watch.process("pool", "pool_01").state).isEqualTo("STOPPED");
            assertThat(watch.livePods("pool")).extracting(pod -> pod.getMetadata().getName())
                    .hasSize(2).contains(pod00);
            PluginRun status = supervisorctl(cluster, ns, "status", "pool:pool_01");
            assertThat(status.out()).startsWith("pool:pool_01").contains("STOPPED");

            PluginRun start = supervisorctl(cluster, ns, "start", "pool:pool_01");
            assertThat(start.out()).isEqualTo("pool:pool_01: started\n");
            assertThat(start.exit()).isZero();
            watch.awaitPod("pool", "pool_01", 2, WAIT);
            assertThat(watch.process("pool", "pool_00").pod).isEqualTo(pod00);
        }
    }
}
