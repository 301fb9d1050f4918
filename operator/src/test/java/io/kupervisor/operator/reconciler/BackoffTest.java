package io.kupervisor.operator.reconciler;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kupervisor.api.v1alpha1.ProcessStatus;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** STARTING, BACKOFF with 1 s, 2 s, 3 s, FATAL after startretries; spawn errors count as failed starts. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class BackoffTest {

    @Inject
    KubernetesClient client;

    @Inject
    Cluster cluster;

    @Test
    void fatalAfterStartretriesWithGrowingDelays() {
        cluster.create("crashy", s -> s.startretries = 3);
        List<Duration> waits = new ArrayList<>();
        for (long spawn = 1; spawn <= 4; spawn++) {
            Pod pod = cluster.awaitPod("crashy", "crashy", spawn, Duration.ofSeconds(30));
            Instant t = Instant.now();
            cluster.exited(pod, t, t, 1);
            if (spawn < 4) {
                long next = spawn + 1;
                cluster.awaitPod("crashy", "crashy", next, Duration.ofSeconds(30));
                // on the operator's clock, as the status keeps it: the retry started how long after
                // the failed start ended (its exit stays the last stop until the retry ends)
                await().atMost(Duration.ofSeconds(30)).until(() -> Long.valueOf(next)
                        .equals(cluster.process("crashy", "crashy").spawns));
                ProcessStatus retry = cluster.process("crashy", "crashy");
                waits.add(Duration.between(Instant.parse(retry.stopTime), Instant.parse(retry.startTime)));
            }
        }
        cluster.awaitState("crashy", "crashy", "FATAL", Duration.ofSeconds(30));
        // supervisord: the n-th failed start waits n seconds (strictly more) before the retry;
        // no upper bound, which a loaded machine would break
        assertThat(waits.get(0)).isGreaterThan(Duration.ofSeconds(1));
        assertThat(waits.get(1)).isGreaterThan(Duration.ofSeconds(2));
        assertThat(waits.get(2)).isGreaterThan(Duration.ofSeconds(3));

        ProcessStatus p = cluster.process("crashy", "crashy");
        assertThat(p.description).isEqualTo("Exited too quickly (process log may have details)");
        assertThat(p.pod).isNull();
        assertThat(cluster.get("crashy").getStatus().state).isEqualTo("FATAL");
        assertThat(cluster.get("crashy").getStatus().conditions)
                .anyMatch(c -> c.getType().equals("Stalled") && c.getStatus().equals("True") && c.getReason().equals("GaveUp"));
        List<String> events = cluster.events("crashy");
        assertThat(events).as("events").isNotEmpty();
        assertThat(events).filteredOn(e -> e.startsWith("spawned: 'crashy' with pod crashy-")).hasSize(4);
        assertThat(events).filteredOn(e -> e.equals("exited: crashy (exit status 1; not expected)")).hasSize(4);
        assertThat(events.getLast()).isEqualTo("gave up: crashy entered FATAL state, too many start retries too quickly");
        // no more pods once FATAL (no spawn in flight, no timer): the last one is kept for its logs
        assertThat(cluster.nothingPending("crashy", "crashy")).isTrue();
        assertThat(cluster.pods("crashy")).hasSize(1);
    }

    @Test
    void runningAfterStartsecsStrictly() {
        cluster.create("steady", s -> s.startsecs = 5);
        Pod pod = cluster.awaitPod("steady", "steady", 1, Duration.ofSeconds(30));
        cluster.awaitState("steady", "steady", "STARTING", Duration.ofSeconds(30));
        Instant since = Instant.now();
        cluster.running(pod, since);
        // the container runs: STARTING until startsecs after its start, on the operator's clock (the
        // promotion's deadline is in the status), whatever the test's own pace
        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.process("steady", "steady").delay != null
                || !"STARTING".equals(cluster.state("steady", "steady")));
        ProcessStatus starting = cluster.process("steady", "steady");
        assertThat(starting.state).isEqualTo("STARTING");
        assertThat(Instant.parse(starting.delay)).isEqualTo(Instant.parse(starting.startTime).plusSeconds(5));
        cluster.awaitState("steady", "steady", "RUNNING", Duration.ofSeconds(30));
        ProcessStatus p = cluster.process("steady", "steady");
        assertThat(p.description).matches("pod steady-[0-9a-z]{5}");
        // the UPTIME column counts from the process's start time, as the state machine took it
        assertThat(cluster.get("steady").getStatus().readySince)
                .isEqualTo(Instant.parse(p.startTime).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        assertThat(p.pod).isEqualTo(pod.getMetadata().getName());
        assertThat(cluster.get("steady").getStatus().ready).isEqualTo("1/1");
        assertThat(cluster.events("steady")).contains(
                "success: steady entered RUNNING state, process has stayed up for > than 5 seconds (startsecs)");
    }

    /**
     * An image the kubelet cannot pull (yet) is the cluster's problem: the kubelet retries with its
     * own capped back-off, the process waits in STARTING saying why, and no start retry is spent.
     */
    @Test
    void anImagePullFailureWaitsWithoutSpendingRetries() {
        cluster.create("noimage", s -> {
            s.startretries = 0;
            s.image = "registry.invalid/nothing:1";
        });
        Pod pod = cluster.awaitPod("noimage", "noimage", 1, Duration.ofSeconds(5));
        cluster.waiting(pod, "ImagePullBackOff", "Back-off pulling image \"registry.invalid/nothing:1\"");
        await().atMost(Duration.ofSeconds(5)).until(() -> cluster.process("noimage", "noimage") != null
                && cluster.process("noimage", "noimage").podCondition != null);
        ProcessStatus p = cluster.process("noimage", "noimage");
        assertThat(p.state).isEqualTo("STARTING");
        assertThat(p.description).isEqualTo(
                "ImagePullBackOff: Back-off pulling image \"registry.invalid/nothing:1\" (the kubelet retries)");
        assertThat(p.backoff).isZero();
        sleep(1000);
        assertThat(cluster.pods("noimage")).singleElement()
                .satisfies(x -> assertThat(x.getMetadata().getName()).isEqualTo(pod.getMetadata().getName()));
        // the pull succeeds later: the same pod starts
        cluster.running(pod, Instant.now());
        cluster.awaitState("noimage", "noimage", "RUNNING", Duration.ofSeconds(5));
    }

    /** An image name that can never be pulled is a spawn error, as a missing command is for supervisord. */
    @Test
    void anInvalidImageIsASpawnError() {
        cluster.create("badimage", s -> {
            s.startretries = 0;
            s.image = "UPPER/case";
        });
        Pod pod = cluster.awaitPod("badimage", "badimage", 1, Duration.ofSeconds(5));
        cluster.waiting(pod, "InvalidImageName", "couldn't parse image name \"UPPER/case\"");
        cluster.awaitState("badimage", "badimage", "FATAL", Duration.ofSeconds(5));
        assertThat(cluster.process("badimage", "badimage").description)
                .isEqualTo("InvalidImageName: couldn't parse image name \"UPPER/case\"");
        assertThat(cluster.events("badimage")).contains(
                "spawnerr: InvalidImageName: couldn't parse image name \"UPPER/case\"",
                "gave up: badimage entered FATAL state, too many start retries too quickly");
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
