package io.kupervisor.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.kupervisor.api.v1alpha1.ProcessStatus;
import io.kupervisor.api.v1alpha1.SupervisedProgram;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator is stopped and started again mid-way, as Kubernetes does on a rollout (SIGTERM) or
 * after a crash (SIGKILL): the new process restores every program from its status, takes over
 * the lease once the old holder's expires, creates no second pod for any spawn, and converges.
 * Runs last (it replaces the shared operator).
 */
@Order(Integer.MAX_VALUE)
@ExtendWith(E2eCluster.Extension.class)
class OperatorRestartE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    /** JOSDK's default lease duration (15 s) and then some. */
    private static final Duration LEASE = Duration.ofSeconds(45);

    @TempDir
    Path dir;

    @Test
    void aRestartedOperatorResumesWithoutDuplicatingAnything(E2eCluster cluster) {
        String ns = cluster.namespace("e2e-restart");
        Kubelet kubelet = new Kubelet(cluster.client());
        try (var watch = new NamespaceWatch(cluster.client(), ns)) {
            Programs.apply(cluster, dir, ns, "pool", "numprocs: 2", "processName: \"%(program_name)s_%(process_num)d\"");
            Programs.apply(cluster, dir, ns, "crashy", "startretries: 5", "startsecs: 5");

            // pool: both processes RUNNING
            Pod pool0 = watch.awaitPod("pool", "pool_0", 1, WAIT);
            Pod pool1 = watch.awaitPod("pool", "pool_1", 1, WAIT);
            kubelet.running(pool0, Instant.now());
            kubelet.running(pool1, Instant.now());
            watch.awaitState("pool", "pool_0", "RUNNING", WAIT);
            watch.awaitState("pool", "pool_1", "RUNNING", WAIT);
            // crashy: three failed starts, in BACKOFF with its next try 3 s away
            for (long spawn = 1; spawn <= 3; spawn++) {
                Pod pod = watch.awaitPod("crashy", "crashy", spawn, WAIT);
                Instant t = Instant.now();
                kubelet.exited(pod, t, t, 1);
                long b = spawn;
                watch.awaitProcess("crashy", "crashy", p -> "BACKOFF".equals(p.state) && p.backoff == b,
                        "BACKOFF " + b, WAIT);
            }

            // ---- 1. stopped as a rollout stops it (SIGTERM), while crashy is in BACKOFF ----
            OperatorProcess first = cluster.operator();
            long t0 = System.nanoTime();
            int exit = first.stop();
            Duration stopping = Duration.ofNanos(System.nanoTime() - t0);
            System.out.printf("e2e: operator %s stopped by SIGTERM in %d ms (exit %d)%n", first.name(),
                    stopping.toMillis(), exit);
            // it exits by itself, well within a pod's grace period (30 s)
            assertThat(stopping).isLessThan(Duration.ofSeconds(10));
            assertThat(first.logText()).contains("is shutting down");
            ProcessStatus left = cluster.client().resources(SupervisedProgram.class)
                    .inNamespace(ns).withName("crashy").get().getStatus().processes.getFirst();
            assertThat(left.state).isEqualTo("BACKOFF");
            assertThat(left.backoff).isEqualTo(3);
            assertThat(left.spawns).isEqualTo(3L);

            // while no operator runs: pool_0's container exits (not expected); crashy's retry falls due
            Instant down = Instant.now();
            kubelet.exited(pool0, down.minusSeconds(5), down, 3);
            OperatorProcess.sleep(3500);
            assertThat(watch.allPods("pool")).hasSize(2);
            assertThat(watch.allPods("crashy")).hasSize(3);

            OperatorProcess second = cluster.startOperator();
            // it waits for the lease the stopped one held (JOSDK does not release it on stop)
            Duration takeover = second.awaitLeadership(cluster.client(), LEASE);
            System.out.printf("e2e: operator %s ready, leader %d ms later%n", second.name(), takeover.toMillis());

            // it converges: crashy's 4th try, pool_0 respawned, pool_1 untouched
            Pod crashy4 = watch.awaitPod("crashy", "crashy", 4, WAIT);
            Pod pool0b = watch.awaitPod("pool", "pool_0", 2, WAIT);
            kubelet.running(crashy4, Instant.now());
            kubelet.running(pool0b, Instant.now());
            watch.awaitProcess("pool", "pool_0", p -> "RUNNING".equals(p.state) && p.spawns == 2, "RUNNING, spawn 2", WAIT);
            watch.awaitProcess("crashy", "crashy", p -> "RUNNING".equals(p.state) && p.spawns == 4, "RUNNING, spawn 4",
                    Duration.ofSeconds(20));
            ProcessStatus p1 = watch.process("pool", "pool_1");
            assertThat(p1.state).isEqualTo("RUNNING");
            assertThat(p1.pod).isEqualTo(pool1.getMetadata().getName());
            assertThat(p1.spawns).isEqualTo(1L);
            assertThat(watch.states("pool", "pool_1")).containsExactly("STARTING", "RUNNING");
            assertNoDuplicates(watch, Map.of("crashy", 4L, "pool_0", 2L, "pool_1", 1L));
            List<String> crashyEvents = Programs.events(cluster.client(), ns, "crashy");
            assertThat(crashyEvents).filteredOn(e -> e.startsWith("spawned: 'crashy' with pod ")).hasSize(4)
                    .doesNotHaveDuplicates();
            // one Event counted three times (a series)
            assertThat(crashyEvents).filteredOn(e -> e.startsWith("exited: crashy")).containsExactly(
                    "exited: crashy (exit status 1; not expected) (x3)");
            assertThat(crashyEvents).last().asString().startsWith("success: crashy entered RUNNING state");
            assertThat(Programs.events(cluster.client(), ns, "pool")).contains("exited: pool_0 (exit status 3; not expected)")
                    .filteredOn(e -> e.startsWith("spawned: ")).hasSize(3);

            // ---- 2. killed (SIGKILL) while a process is STARTING; a new operator started at once ----
            Programs.apply(cluster, dir, ns, "slow", "startsecs: 4");
            Pod slow = watch.awaitPod("slow", "slow", 1, WAIT);
            kubelet.running(slow, Instant.now());
            watch.awaitProcess("slow", "slow", p -> "STARTING".equals(p.state) && p.spawnPending == null
                    && p.startTime != null, "STARTING with its container up", WAIT);
            second.kill();
            Instant killed = Instant.now();
            OperatorProcess third = cluster.startOperator();
            if (Duration.between(killed, Instant.now()).compareTo(Duration.ofSeconds(10)) < 0) {
                // the dead one's lease (15 s) has not expired yet: the new one waits for it
                assertThat(OperatorProcess.leaseHolder(cluster.client())).isEqualTo(second.name());
            }
            Duration crashTakeover = third.awaitLeadership(cluster.client(), LEASE);
            System.out.printf("e2e: operator %s leader %d ms after it was ready%n", third.name(), crashTakeover.toMillis());
            // startsecs passed while no operator ran: RUNNING, with the same pod
            ProcessStatus slowRunning = watch.awaitState("slow", "slow", "RUNNING", WAIT);
            assertThat(slowRunning.pod).isEqualTo(slow.getMetadata().getName());
            assertThat(slowRunning.spawns).isEqualTo(1L);
            assertThat(watch.states("slow", "slow")).containsExactly("STARTING", "RUNNING");
            OperatorProcess.sleep(1500);
            assertNoDuplicates(watch, Map.of("crashy", 4L, "pool_0", 2L, "pool_1", 1L, "slow", 1L));
            assertThat(watch.process("pool", "pool_0").state).isEqualTo("RUNNING");
            assertThat(watch.process("pool", "pool_1").state).isEqualTo("RUNNING");
            assertThat(watch.process("crashy", "crashy").state).isEqualTo("RUNNING");
            assertThat(Programs.events(cluster.client(), ns, "slow")).containsExactly(
                    "spawned: 'slow' with pod " + slow.getMetadata().getName(),
                    "success: slow entered RUNNING state, process has stayed up for > than 4 seconds (startsecs)");
        } finally {
            // leave a leading operator for whatever runs after
            OperatorProcess op = cluster.operator();
            if (op == null || !op.isAlive()) {
                cluster.startOperator().awaitLeadership(cluster.client(), LEASE);
            }
        }
    }

    /**
     * Every process has had exactly spawns 1..n, each in a pod of its own (no spawn has two pods),
     * and at most one of its pods is not terminated.
     */
    private static void assertNoDuplicates(NamespaceWatch watch, Map<String, Long> spawns) {
        Map<String, List<Long>> seen = new HashMap<>();
        Map<String, List<String>> alive = new HashMap<>();
        for (String program : List.of("pool", "crashy", "slow")) {
            for (Pod pod : watch.allPods(program)) {
                seen.computeIfAbsent(Kubelet.process(pod), k -> new ArrayList<>()).add(Kubelet.spawn(pod));
            }
            for (Pod pod : watch.livePods(program)) {
                String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
                if (!"Succeeded".equals(phase) && !"Failed".equals(phase)) {
                    alive.computeIfAbsent(Kubelet.process(pod), k -> new ArrayList<>()).add(pod.getMetadata().getName());
                }
            }
        }
        spawns.forEach((process, n) -> {
            assertThat(seen.get(process)).as("spawns of %s with a pod", process)
                    .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, n).boxed().toList());
            assertThat(alive.getOrDefault(process, List.of())).as("pods of %s not terminated", process).hasSize(1);
        });
    }
}
