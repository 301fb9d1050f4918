package io.kupervisor.operator.reconciler;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kupervisor.api.v1alpha1.RunState;
import io.kupervisor.api.v1alpha1.SupervisedProgram;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** spec.state plays supervisorctl stop/start; the restart annotation plays supervisorctl restart. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class StopRestartTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @Inject
    KubernetesClient client;

    @Inject
    RuntimeStore store;

    @Inject
    Cluster cluster;

    private Pod running(String program, long spawn) {
        return cluster.awaitRunning(program, spawn, WAIT);
    }

    @Test
    void stopDeletesThePodAndStartSpawnsANewOne() {
        cluster.create("web", s -> s.stopsignal = "QUIT");
        Pod first = running("web", 1);
        cluster.edit("web", p -> p.getSpec().state = RunState.STOPPED);
        cluster.awaitState("web", "web", "STOPPED", WAIT);
        assertThat(client.pods().inNamespace(Cluster.NS).withName(first.getMetadata().getName()).get()).isNull();
        assertThat(cluster.events("web")).contains(
                "killing web (pod " + first.getMetadata().getName() + ") with signal SIGQUIT",
                "waiting for web to stop",
                "stopped: web (terminated by SIGQUIT)");
        assertThat(cluster.get("web").getStatus().appliedState).isEqualTo("stopped");
        assertThat(cluster.nothingPending("web", "web")).isTrue();
        assertThat(cluster.pods("web")).isEmpty();

        cluster.edit("web", p -> p.getSpec().state = RunState.RUNNING);
        Pod second = cluster.awaitPod("web", "web", 2, WAIT);
        assertThat(second.getMetadata().getName()).isNotEqualTo(first.getMetadata().getName());
        cluster.awaitState("web", "web", "STARTING", WAIT);
    }

    @Test
    void aProgramCreatedStoppedDoesNotStart() {
        cluster.create("idle", s -> s.state = RunState.STOPPED);
        // the first reconcile wrote its status: it created what it was going to
        await().atMost(WAIT).until(() -> cluster.process("idle", "idle") != null);
        assertThat(cluster.state("idle", "idle")).isEqualTo("STOPPED");
        assertThat(cluster.nothingPending("idle", "idle")).isTrue();
        assertThat(cluster.pods("idle")).isEmpty();
        assertThat(cluster.process("idle", "idle").description).isEqualTo("Not started");
    }

    @Test
    void autostartFalseWaitsForAStart() {
        cluster.create("manual", s -> s.autostart = false);
        await().atMost(WAIT).until(() -> cluster.process("manual", "manual") != null);
        assertThat(cluster.state("manual", "manual")).isEqualTo("STOPPED");
        assertThat(cluster.nothingPending("manual", "manual")).isTrue();
        assertThat(cluster.pods("manual")).isEmpty();
        cluster.edit("manual", p -> p.getMetadata().getAnnotations().put(SupervisedProgram.RESTART_ANNOTATION, "now"));
        cluster.awaitPod("manual", "manual", 1, WAIT);
    }

    @Test
    void restartAnnotationStopsThenStarts() {
        cluster.create("api", s -> { });
        Pod first = running("api", 1);
        cluster.edit("api", p -> p.getMetadata().getAnnotations()
                .put(SupervisedProgram.RESTART_ANNOTATION, "2026-11-27T10:00:00Z"));
        Pod second = cluster.awaitPod("api", "api", 2, WAIT);
        assertThat(client.pods().inNamespace(Cluster.NS).withName(first.getMetadata().getName()).get()).isNull();
        assertThat(second.getMetadata().getName()).isNotEqualTo(first.getMetadata().getName());
        cluster.awaitState("api", "api", "STARTING", WAIT);
        assertThat(cluster.get("api").getStatus().restartedAt).isEqualTo("2026-11-27T10:00:00Z");
        // the same value again is not a new request: a reconcile after the edit (the pod's start)
        // leaves the second spawn running, where a restart would have stopped it
        cluster.edit("api", p -> p.getMetadata().getLabels().put("touched", "yes"));
        cluster.running(second, Instant.now().minusSeconds(5));
        cluster.awaitState("api", "api", "RUNNING", WAIT);
        assertThat(cluster.pods("api")).extracting(p -> p.getMetadata().getName())
                .containsExactly(second.getMetadata().getName());
        assertThat(cluster.events("api")).filteredOn(e -> e.startsWith("killing api")).hasSize(1);
    }

    @Test
    void aStopInBackoffSendsNothing() {
        cluster.create("flaky", s -> s.startretries = 5);
        Pod pod = cluster.awaitPod("flaky", "flaky", 1, WAIT);
        Instant t = Instant.now();
        cluster.exited(pod, t, t, 1);
        cluster.awaitState("flaky", "flaky", "BACKOFF", WAIT);
        cluster.edit("flaky", p -> p.getSpec().state = RunState.STOPPED);
        cluster.awaitState("flaky", "flaky", "STOPPED", WAIT);
        // the retry the backoff had scheduled is gone: no timer, no spawn (a stale wake-up is ignored)
        assertThat(cluster.nothingPending("flaky", "flaky")).isTrue();
        assertThat(cluster.pods("flaky")).hasSize(1);
        assertThat(cluster.events("flaky")).noneMatch(e -> e.startsWith("killing"));
    }

    @Test
    void theStateSurvivesAnOperatorRestart() {
        cluster.create("durable", s -> s.startsecs = 3);
        Pod pod = cluster.awaitPod("durable", "durable", 1, WAIT);
        cluster.running(pod, Instant.now());
        cluster.awaitState("durable", "durable", "STARTING", WAIT);
        // the status has the running container (its spawn no longer in flight)
        await().atMost(WAIT).until(() -> !Boolean.TRUE.equals(cluster.process("durable", "durable").spawnPending));
        // a new operator knows nothing but the status
        store.remove(cluster.get("durable").getMetadata().getUid());
        cluster.awaitState("durable", "durable", "RUNNING", Duration.ofSeconds(6));
        assertThat(cluster.pods("durable")).extracting(p -> p.getMetadata().getName())
                .containsExactly(pod.getMetadata().getName());
        assertThat(cluster.process("durable", "durable").pod).isEqualTo(pod.getMetadata().getName());
    }

    @Test
    void aProcessThatIgnoresItsStopSignalIsKilledAfterStopwaitsecs() {
        cluster.create("stubborn", s -> s.stopwaitsecs = 1);
        Pod pod = cluster.awaitPod("stubborn", "stubborn", 1, WAIT);
        // a finalizer keeps the deleted pod around, as a kubelet does while the process ignores TERM
        client.pods().inNamespace(Cluster.NS).withName(pod.getMetadata().getName())
                .edit(p -> new io.fabric8.kubernetes.api.model.PodBuilder(p).editMetadata()
                        .addToFinalizers("test.kupervisor.io/hold").endMetadata().build());
        cluster.running(pod, Instant.now().minusSeconds(5));
        cluster.awaitState("stubborn", "stubborn", "RUNNING", WAIT);
        long t0 = System.nanoTime();
        cluster.edit("stubborn", p -> p.getSpec().state = RunState.STOPPED);
        cluster.awaitState("stubborn", "stubborn", "STOPPING", WAIT);
        String name = pod.getMetadata().getName();
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> cluster.events("stubborn")
                .contains("killing 'stubborn' (" + name + ") with SIGKILL"));
        // no sooner than stopwaitsecs after the stop (t0 is before it); no upper bound a loaded machine breaks
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(cluster.state("stubborn", "stubborn")).isEqualTo("STOPPING");
        cluster.exited(client.pods().inNamespace(Cluster.NS).withName(name).get(), Instant.now().minusSeconds(5),
                Instant.now(), 137);
        client.pods().inNamespace(Cluster.NS).withName(name)
                .edit(p -> new io.fabric8.kubernetes.api.model.PodBuilder(p).editMetadata()
                        .withFinalizers().endMetadata().build());
        cluster.awaitState("stubborn", "stubborn", "STOPPED", WAIT);
        assertThat(cluster.events("stubborn")).contains("stopped: stubborn (terminated by SIGKILL)");
    }
}
