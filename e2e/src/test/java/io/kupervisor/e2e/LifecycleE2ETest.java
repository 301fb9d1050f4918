package io.kupervisor.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.kupervisor.api.v1alpha1.ProcessStatus;
import io.kupervisor.api.v1alpha1.SupervisedProgram;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * supervisord's state machine on a real API server: the test plays the kubelet by patching each
 * pod's status subresource (container running since T, terminated with code N), and reads the
 * operator's results through a real watch, in the order the operator wrote them, and in the Events.
 */
@ExtendWith(E2eCluster.Extension.class)
class LifecycleE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    @Test
    void startingBecomesRunningOnlyAfterStartsecs(E2eCluster cluster) {
        String ns = cluster.namespace("e2e-startsecs");
        try (var watch = new NamespaceWatch(cluster.client(), ns)) {
            Programs.apply(cluster, dir, ns, "steady", "startsecs: 2");
            Pod pod = watch.awaitPod("steady", "steady", 1, WAIT);
            watch.awaitState("steady", "steady", "STARTING", WAIT);

            Instant since = Instant.now();
            new Kubelet(cluster.client()).running(pod, since);
            OperatorProcess.sleep(1000);
            assertThat(watch.process("steady", "steady").state).isEqualTo("STARTING");
            ProcessStatus running = watch.awaitState("steady", "steady", "RUNNING", WAIT);
            Duration took = Duration.between(since, Instant.now());

            // strictly more than startsecs after the container started (its time is whole seconds)
            assertThat(took).isGreaterThan(Duration.ofMillis(1000)).isLessThan(Duration.ofSeconds(6));
            assertThat(watch.states("steady", "steady")).containsExactly("STARTING", "RUNNING");
            assertThat(running.pod).isEqualTo(pod.getMetadata().getName());
            assertThat(running.description).isEqualTo("pod " + pod.getMetadata().getName());
            assertThat(watch.program("steady").getStatus().ready).isEqualTo("1/1");
            assertThat(Programs.events(cluster.client(), ns, "steady")).containsExactly(
                    "spawned: 'steady' with pod " + pod.getMetadata().getName(),
                    "success: steady entered RUNNING state, process has stayed up for > than 2 seconds (startsecs)");
            assertThat(watch.allPods("steady")).hasSize(1);
        }
    }

    @Test
    void exitsWithinStartsecsBackOffWithNewPodsThenFatal(E2eCluster cluster) {
        String ns = cluster.namespace("e2e-backoff");
        try (var watch = new NamespaceWatch(cluster.client(), ns)) {
            Programs.apply(cluster, dir, ns, "crashy", "startretries: 2", "startsecs: 5");
            Kubelet kubelet = new Kubelet(cluster.client());
            List<String> names = new ArrayList<>();
            List<Duration> delays = new ArrayList<>();
            for (long spawn = 1; spawn <= 3; spawn++) {
                Pod pod = watch.awaitPod("crashy", "crashy", spawn, WAIT);
                names.add(pod.getMetadata().getName());
                Instant t = Instant.now();
                kubelet.exited(pod, t, t, 1);
                if (spawn < 3) {
                    long b = spawn;
                    watch.awaitProcess("crashy", "crashy", p -> "BACKOFF".equals(p.state) && p.backoff == b,
                            "BACKOFF " + b, WAIT);
                    watch.awaitPod("crashy", "crashy", spawn + 1, WAIT);
                    delays.add(Duration.between(t, Instant.now()));
                }
            }
            ProcessStatus fatal = watch.awaitState("crashy", "crashy", "FATAL", WAIT);

            // every retry is a new pod (a new pid), after 1 s then 2 s
            assertThat(names).doesNotHaveDuplicates().allMatch(n -> n.matches("crashy-[0-9b-z]{5}"));
            assertThat(delays.get(0)).isGreaterThan(Duration.ofMillis(900)).isLessThan(Duration.ofSeconds(5));
            assertThat(delays.get(1)).isGreaterThan(Duration.ofMillis(1900)).isLessThan(Duration.ofSeconds(6));
            assertThat(watch.states("crashy", "crashy"))
                    .containsExactly("STARTING", "BACKOFF", "STARTING", "BACKOFF", "STARTING", "FATAL");
            assertThat(fatal.description).isEqualTo("Exited too quickly (process log may have details)");
            assertThat(fatal.pod).isNull();
            assertThat(fatal.spawns).isEqualTo(3L);
            SupervisedProgram p = watch.program("crashy");
            assertThat(p.getStatus().state).isEqualTo("FATAL");
            assertThat(p.getStatus().conditions).anyMatch(c -> c.getType().equals("Stalled") && c.getStatus().equals("True")
                    && c.getReason().equals("GaveUp"))
                    .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("False"));

            List<String> events = Programs.events(cluster.client(), ns, "crashy");
            // the same line again is the same Event counted (a series), at its first place
            assertThat(events).containsExactly(
                    "spawned: 'crashy' with pod " + names.get(0),
                    "exited: crashy (exit status 1; not expected) (x3)",
                    "spawned: 'crashy' with pod " + names.get(1),
                    "spawned: 'crashy' with pod " + names.get(2),
                    "gave up: crashy entered FATAL state, too many start retries too quickly");
            var get = KubectlTable.parse(cluster.kubectl("get", "sprog", "crashy", "-n", ns).requireSuccess().stdout());
            assertThat(get.row("crashy")).containsEntry("STATE", "FATAL")
                    .containsEntry("DESCRIPTION", "Exited too quickly (process log may have details)");
            String describe = cluster.kubectl("describe", "sprog", "crashy", "-n", ns).requireSuccess().stdout();
            assertThat(describe).containsPattern("GaveUp\\s+\\S+\\s+kupervisor-operator\\s+gave up: crashy entered FATAL"
                    + " state, too many start retries too quickly");

            // FATAL stays: no more pods; the last one is kept for its logs, the older ones deleted
            OperatorProcess.sleep(1500);
            assertThat(watch.allPods("crashy")).hasSize(3);
            assertThat(watch.livePods("crashy")).extracting(x -> x.getMetadata().getName()).containsExactly(names.get(2));
        }
    }

    @Test
    void anUnexpectedExitFromRunningRespawnsAtOnce(E2eCluster cluster) {
        String ns = cluster.namespace("e2e-respawn");
        try (var watch = new NamespaceWatch(cluster.client(), ns)) {
            Programs.apply(cluster, dir, ns, "server", "autorestart: unexpected", "exitcodes: [0, 2]");
            Kubelet kubelet = new Kubelet(cluster.client());
            Pod first = running(watch, kubelet, "server", 1);

            Instant exit = Instant.now();
            kubelet.exited(first, exit.minusSeconds(5), exit, 3);
            Pod second = watch.awaitPod("server", "server", 2, WAIT);
            // supervisord respawns an unexpected exit from RUNNING at once, with no backoff
            assertThat(Duration.between(exit, Instant.now())).isLessThan(Duration.ofSeconds(3));
            assertThat(second.getMetadata().getName()).isNotEqualTo(first.getMetadata().getName());
            ProcessStatus again = watch.awaitProcess("server", "server",
                    p -> "STARTING".equals(p.state) && p.spawns == 2, "STARTING again", WAIT);
            assertThat(again.backoff).isZero();

            kubelet.running(second, Instant.now());
            watch.awaitProcess("server", "server", p -> "RUNNING".equals(p.state) && p.spawns == 2, "RUNNING again", WAIT);
            assertThat(watch.states("server", "server")).startsWith("STARTING", "RUNNING").endsWith("STARTING", "RUNNING")
                    .doesNotContain("BACKOFF", "FATAL");
            assertThat(Programs.events(cluster.client(), ns, "server")).containsExactly(
                    "spawned: 'server' with pod " + first.getMetadata().getName(),
                    "success: server entered RUNNING state, process has stayed up for > than 1 seconds (startsecs) (x2)",
                    "exited: server (exit status 3; not expected)",
                    "spawned: 'server' with pod " + second.getMetadata().getName());
            // the exited pod is kept for its logs beside the running one; nothing else
            assertThat(watch.allPods("server")).hasSize(2);
        }
    }

    @Test
    void anExpectedExitWithAutorestartUnexpectedStaysExited(E2eCluster cluster) {
        String ns = cluster.namespace("e2e-exited");
        try (var watch = new NamespaceWatch(cluster.client(), ns)) {
            Programs.apply(cluster, dir, ns, "oneshot", "autorestart: unexpected", "exitcodes: [0, 2]");
            Kubelet kubelet = new Kubelet(cluster.client());
            Pod pod = running(watch, kubelet, "oneshot", 1);

            Instant exit = Instant.now();
            kubelet.exited(pod, exit.minusSeconds(5), exit, 2);
            ProcessStatus exited = watch.awaitState("oneshot", "oneshot", "EXITED", WAIT);

            assertThat(exited.exitStatus).isEqualTo(2);
            assertThat(exited.exitDescription).isEqualTo("exit status 2");
            assertThat(exited.pod).isNull();
            // supervisorctl shows the stop time
            assertThat(exited.description).matches("[A-Z][a-z]{2} \\d{2} \\d{2}:\\d{2} [AP]M");
            assertThat(watch.states("oneshot", "oneshot")).containsExactly("STARTING", "RUNNING", "EXITED");
            assertThat(Programs.events(cluster.client(), ns, "oneshot")).last()
                    .isEqualTo("exited: oneshot (exit status 2; expected)");
            var get = KubectlTable.parse(cluster.kubectl("get", "sprog", "-n", ns).requireSuccess().stdout());
            assertThat(get.row("oneshot")).containsEntry("STATE", "EXITED").containsEntry("DESCRIPTION", exited.description);
            OperatorProcess.sleep(1500);
            assertThat(watch.allPods("oneshot")).hasSize(1);
            assertThat(watch.process("oneshot", "oneshot").state).isEqualTo("EXITED");
        }
    }

    /** Spawn {@code n} of the program's only process, started and RUNNING. */
    private static Pod running(NamespaceWatch watch, Kubelet kubelet, String program, long spawn) {
        Pod pod = watch.awaitPod(program, program, spawn, WAIT);
        kubelet.running(pod, Instant.now());
        watch.awaitProcess(program, program, p -> "RUNNING".equals(p.state) && p.spawns == spawn, "RUNNING", WAIT);
        return pod;
    }
}
