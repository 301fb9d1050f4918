package io.kupervisor.operator.reconciler;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.kupervisor.api.v1alpha1.ProcessStatus;
import io.kupervisor.api.v1alpha1.RunState;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.kupervisor.operator.reconciler.BackoffTest.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What a cluster adds to supervisord's rules: refusals, crash loops, SIGKILL without a force delete. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class ClusterFailuresTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @Inject
    KubernetesClient client;

    @KubernetesTestServer
    KubernetesServer server;

    @Inject
    Cluster cluster;

    /**
     * A used-up quota (and rate limits, server errors) is the cluster's refusal for now: retried
     * after 1 s, 2 s, 4 s... (capped), in STARTING, without spending startretries.
     */
    @Test
    void aPassingRefusalIsRetriedWithoutSpendingStartretries() {
        server.expect().post().withPath("/api/v1/namespaces/test/pods")
                .andReturn(403, new StatusBuilder().withCode(403).withReason("Forbidden")
                        .withMessage("pods \"busy-x\" is forbidden: exceeded quota: pods, requested: pods=1, used: pods=10, limited: pods=10")
                        .build())
                .times(2);
        cluster.create("busy", s -> s.startretries = 0);
        await().atMost(WAIT).until(() -> {
            ProcessStatus p = cluster.process("busy", "busy");
            return p != null && p.createRetries != null && p.createRetries >= 1;
        });
        ProcessStatus p = cluster.process("busy", "busy");
        assertThat(p.state).isEqualTo("STARTING");
        assertThat(p.backoff).isZero();
        assertThat(p.createRetry).contains("exceeded quota");
        assertThat(p.description).startsWith("pod creation refused for now, try 2 at ");
        // after the second refusal (2 s later) the third try creates the pod: still the first start
        Pod pod = cluster.awaitPod("busy", "busy", 1, Duration.ofSeconds(8));
        cluster.running(pod, Instant.now().minusSeconds(5));
        cluster.awaitState("busy", "busy", "RUNNING", WAIT);
        assertThat(cluster.process("busy", "busy").createRetries).isNull();
        assertThat(cluster.events("busy")).noneMatch(e -> e.startsWith("spawnerr"));
    }

    /**
     * A process that keeps crashing after RUNNING is respawned at once five times, as supervisord
     * does; then with a growing delay the status shows, and one Warning says so. Identical lines
     * (exited: ...) become one Event with a count.
     */
    @Test
    void restartChurnIsBoundedAndVisible() {
        cluster.create("loop", s -> {
            s.startsecs = 0;
            s.autorestart = "true";
        });
        for (int spawn = 1; spawn <= ProgramDriver.FREE_RESTARTS + 1; spawn++) {
            Pod pod = cluster.awaitPod("loop", "loop", spawn, WAIT);
            Instant started = Instant.now().minusSeconds(3);
            cluster.running(pod, started);
            cluster.awaitState("loop", "loop", "RUNNING", WAIT);
            cluster.exited(pod, started, Instant.now(), 1);
            long next = spawn + 1;
            await().atMost(WAIT).until(() -> {
                ProcessStatus p = cluster.process("loop", "loop");
                return p != null && p.spawns == next;
            });
        }
        ProcessStatus p = cluster.process("loop", "loop");
        assertThat(p.recentRestarts).isEqualTo(ProgramDriver.FREE_RESTARTS + 1);
        assertThat(p.respawnAt).isNotNull();
        Duration delay = Duration.between(Instant.now(), Instant.parse(p.respawnAt));
        assertThat(delay).isBetween(Duration.ofSeconds(7), Duration.ofSeconds(10));
        assertThat(p.description).contains("respawn delayed until").contains("restart churn: 6 restarts");
        sleep(1000);
        assertThat(cluster.pods("loop")).noneMatch(x -> x.getMetadata().getLabels().get("kupervisor.io/spawn").equals("7"));
        assertThat(cluster.events("loop")).anyMatch(e -> e.startsWith("restart churn: loop restarted 6 times"));
        List<Event> exited = cluster.programEvents("loop").stream()
                .filter(e -> e.getMessage().equals("exited: loop (exit status 1; not expected)")).toList();
        assertThat(exited).singleElement().satisfies(e -> assertThat(e.getCount()).isEqualTo(6));
        // a stop cancels the delayed respawn
        cluster.edit("loop", x -> x.getSpec().state = RunState.STOPPED);
        cluster.awaitState("loop", "loop", "STOPPED", WAIT);
        assertThat(cluster.process("loop", "loop").respawnAt).isNull();
    }

    @Test
    void churnDelaysGrowAndAreCapped() {
        assertThat(ProgramDriver.churnDelay(5)).isZero();
        assertThat(ProgramDriver.churnDelay(6)).isEqualTo(Duration.ofSeconds(10));
        assertThat(ProgramDriver.churnDelay(7)).isEqualTo(Duration.ofSeconds(20));
        assertThat(ProgramDriver.churnDelay(9)).isEqualTo(Duration.ofSeconds(80));
        assertThat(ProgramDriver.churnDelay(12)).isEqualTo(Duration.ofMinutes(5));
        assertThat(ProgramDriver.churnDelay(1000)).isEqualTo(Duration.ofMinutes(5));
    }

    /**
     * SIGKILL after stopwaitsecs shortens the grace period, it never deletes with a grace of 0
     * (which removes the pod from the API while its container may still run): the process stays
     * STOPPING until the pod is really gone, and is never started a second time beside it.
     */
    @Test
    void sigkillNeverForceDeletes() throws InterruptedException {
        while (server.getKubernetesMockServer().takeRequest(1, TimeUnit.MILLISECONDS) != null) {
            // earlier requests
        }
        cluster.create("held", s -> s.stopwaitsecs = 1);
        Pod pod = cluster.awaitPod("held", "held", 1, WAIT);
        String name = pod.getMetadata().getName();
        client.pods().inNamespace(Cluster.NS).withName(name)
                .edit(p -> new PodBuilder(p).editMetadata().addToFinalizers("test.kupervisor.io/hold").endMetadata().build());
        cluster.running(pod, Instant.now().minusSeconds(5));
        cluster.awaitState("held", "held", "RUNNING", WAIT);
        cluster.edit("held", p -> p.getMetadata().getAnnotations().put("kupervisor.io/restartedAt", "now"));
        await().atMost(WAIT).until(() -> cluster.events("held").contains("killing 'held' (" + name + ") with SIGKILL"));
        sleep(1500);
        // the restart waits: no second pod while the first is not gone
        assertThat(cluster.state("held", "held")).isEqualTo("STOPPING");
        assertThat(cluster.pods("held")).extracting(p -> p.getMetadata().getName()).containsExactly(name);
        List<String> deletes = new ArrayList<>();
        RecordedRequest r;
        while ((r = server.getKubernetesMockServer().takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
            if ("DELETE".equals(r.getMethod()) && r.getPath().contains("/pods/" + name)) {
                deletes.add(r.getBody().readUtf8());
            }
        }
        assertThat(deletes).isNotEmpty().allSatisfy(body -> assertThat(body).doesNotContain("\"gracePeriodSeconds\":0"));
        assertThat(deletes).anySatisfy(body -> assertThat(body).contains("\"gracePeriodSeconds\":1"));
        // the kubelet's SIGKILL ends it; the pod goes; then the restart's new pod
        cluster.exited(client.pods().inNamespace(Cluster.NS).withName(name).get(), Instant.now().minusSeconds(5),
                Instant.now(), 137);
        client.pods().inNamespace(Cluster.NS).withName(name)
                .edit(p -> new PodBuilder(p).editMetadata().withFinalizers().endMetadata().build());
        cluster.awaitPod("held", "held", 2, WAIT);
    }

    /**
     * A pod whose node never confirms its deletion (the kubelet is gone): the process may still run
     * there, so it is shown UNKNOWN (supervisord's word) and not ready, is not replaced, and the
     * state machine's own state is kept for a restarted operator. When the pod is gone at last,
     * the process is replaced by supervisord's rules.
     */
    @Test
    void aPodOnANodeThatDoesNotAnswerIsUnknownAndNotReplacedUntilItIsGone() {
        cluster.create("far", s -> s.startsecs = 0);
        Pod pod = cluster.awaitPod("far", "far", 1, WAIT);
        cluster.running(pod, Instant.now().minusSeconds(5));
        cluster.awaitState("far", "far", "RUNNING", WAIT);
        assertThat(cluster.ready("far")).isEqualTo("1/1");

        // what the API server shows of a pod the taint manager deleted on a lost node: its grace
        // period ended long ago (more than the 30 s the operator allows) and it is still there
        Pod current = client.pods().inNamespace("test").withName(pod.getMetadata().getName()).get();
        current.getMetadata().setDeletionTimestamp(Instant.now().minusSeconds(60).toString());
        current.getMetadata().setDeletionGracePeriodSeconds(10L);
        current.getSpec().setNodeName("node-a");
        // (the mock server removes a deleted object at once unless a finalizer holds it, as the
        // missing kubelet does on a real cluster)
        current.getMetadata().setFinalizers(List.of("test/node-does-not-answer"));
        client.pods().inNamespace("test").resource(current).update();

        cluster.awaitState("far", "far", "UNKNOWN", WAIT);
        ProcessStatus p = cluster.process("far", "far");
        assertThat(p.machineState).isEqualTo("RUNNING");
        assertThat(p.podCondition).startsWith("pod " + pod.getMetadata().getName() + " not confirmed stopped by node node-a");
        assertThat(p.description).contains("not confirmed stopped");
        assertThat(cluster.ready("far")).isEqualTo("0/1");
        assertThat(cluster.pods("far")).hasSize(1);

        // the node answers at last: the pod goes, the process exited and is replaced
        Pod held = client.pods().inNamespace("test").withName(pod.getMetadata().getName()).get();
        held.getMetadata().setFinalizers(List.of());
        client.pods().inNamespace("test").resource(held).update();
        Pod second = cluster.awaitPod("far", "far", 2, WAIT);
        cluster.running(second, Instant.now());
        cluster.awaitState("far", "far", "RUNNING", WAIT);
        assertThat(cluster.process("far", "far").machineState).isNull();
    }
}
