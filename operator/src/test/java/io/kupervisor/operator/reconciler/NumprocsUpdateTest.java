package io.kupervisor.operator.reconciler;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kupervisor.api.v1alpha1.SupervisedProgram;
import io.kupervisor.api.v1alpha1.SupervisedProgramStatus;
import io.kupervisor.operator.pod.PodNames;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.kupervisor.operator.reconciler.BackoffTest.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** numprocs pods named by process_name; spec updates as supervisorctl update; deletion; bad specs. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class NumprocsUpdateTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @Inject
    KubernetesClient client;

    @Inject
    RuntimeStore store;

    @Inject
    Cluster cluster;

    private void createWorkers(String name, int n) {
        cluster.create(name, s -> {
            s.numprocs = n;
            s.processName = "%(program_name)s_%(process_num)02d";
            s.command = "worker --slot %(process_num)d";
            s.group = "queue";
        });
    }

    @Test
    void onePodPerProcessNamedByProcessName() {
        createWorkers("w", 3);
        Pod p0 = cluster.awaitPod("w", "w_00", 1, WAIT);
        Pod p1 = cluster.awaitPod("w", "w_01", 1, WAIT);
        Pod p2 = cluster.awaitPod("w", "w_02", 1, WAIT);
        assertThat(p0.getMetadata().getName()).matches("w-00-[0-9a-z]{5}");
        assertThat(p2.getMetadata().getName()).matches("w-02-[0-9a-z]{5}");
        assertThat(p1.getMetadata().getLabels()).containsAllEntriesOf(Map.of(
                PodNames.PROGRAM_LABEL, "w", PodNames.GROUP_LABEL, "queue", PodNames.PROCESS_LABEL, "w-01",
                PodNames.SPAWN_LABEL, "1", PodNames.MANAGED_BY, "kupervisor"));
        assertThat(p1.getSpec().getContainers().getFirst().getCommand()).containsExactly(
                "/kupervisor/kupervisor-init", "--", "worker", "--slot", "1");
        assertThat(p1.getSpec().getRestartPolicy()).isEqualTo("Never");
        OwnerReference owner = p1.getMetadata().getOwnerReferences().getFirst();
        assertThat(owner.getKind()).isEqualTo("SupervisedProgram");
        assertThat(owner.getController()).isTrue();
        assertThat(owner.getUid()).isEqualTo(cluster.get("w").getMetadata().getUid());

        for (Pod p : List.of(p0, p1, p2)) {
            cluster.running(p, Instant.now().minusSeconds(5));
        }
        await().atMost(WAIT).until(() -> "3/3".equals(cluster.ready("w")));
        SupervisedProgramStatus status = cluster.get("w").getStatus();
        assertThat(status.state).isEqualTo("RUNNING");
        assertThat(status.description).isEqualTo("3/3 RUNNING");
        assertThat(status.processes).extracting(p -> p.name).containsExactly("w_00", "w_01", "w_02");
        assertThat(status.conditions).anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
    }

    @Test
    void aChangedSpecRestartsAnUnchangedOneIsLeftAlone() {
        createWorkers("u", 2);
        Pod a = cluster.awaitPod("u", "u_00", 1, WAIT);
        Pod b = cluster.awaitPod("u", "u_01", 1, WAIT);
        cluster.running(a, Instant.now().minusSeconds(5));
        cluster.running(b, Instant.now().minusSeconds(5));
        await().atMost(WAIT).until(() -> "2/2".equals(cluster.ready("u")));

        // metadata only: not a config change
        cluster.edit("u", p -> p.getMetadata().getLabels().put("team", "blue"));
        sleep(800);
        assertThat(cluster.pods("u")).extracting(p -> p.getMetadata().getName())
                .containsExactlyInAnyOrder(a.getMetadata().getName(), b.getMetadata().getName());

        // a new command: each process is stopped and replaced as supervisorctl update does, one at a time
        cluster.edit("u", p -> p.getSpec().command = "worker --slot %(process_num)d --fast");
        Pod a2 = cluster.awaitPod("u", "u_00", 2, WAIT);
        assertThat(a2.getSpec().getContainers().getFirst().getCommand()).endsWith("worker", "--slot", "0", "--fast");
        assertThat(client.pods().inNamespace(Cluster.NS).withName(a.getMetadata().getName()).get()).isNull();
        assertThat(cluster.events("u")).contains("stopped: u_00 (terminated by SIGTERM)");
        // u_01 keeps running while u_00's replacement starts
        sleep(800);
        assertThat(cluster.state("u", "u_01")).isEqualTo("RUNNING");
        assertThat(cluster.pods("u")).extracting(p -> p.getMetadata().getName()).contains(b.getMetadata().getName())
                .hasSize(2);
        assertThat(cluster.get("u").getStatus().conditions).anyMatch(c -> c.getType().equals("Reconciling")
                && c.getStatus().equals("True"));
        // once it is RUNNING, u_01's turn
        cluster.running(a2, Instant.now().minusSeconds(5));
        Pod b2 = cluster.awaitPod("u", "u_01", 2, WAIT);
        assertThat(cluster.state("u", "u_00")).isEqualTo("RUNNING");
        cluster.running(b2, Instant.now().minusSeconds(5));
        await().atMost(WAIT).until(() -> "2/2".equals(cluster.ready("u")));
        await().atMost(WAIT).until(() -> cluster.get("u").getStatus() != null && cluster.get("u").getStatus().conditions.stream().anyMatch(c ->
                c.getType().equals("Reconciling") && c.getStatus().equals("False")));

        // fewer processes: the one left over is stopped and forgotten
        cluster.edit("u", p -> p.getSpec().numprocs = 1);
        await().atMost(WAIT).until(() -> cluster.get("u").getStatus().processes.size() == 1);
        await().atMost(WAIT).until(() -> cluster.pods("u").stream().noneMatch(p ->
                "u_01".equals(p.getMetadata().getAnnotations().get(PodNames.PROCESS_ANNOTATION))));
        assertThat(cluster.events("u")).contains("removed: u_01 (no longer in the spec)");
    }

    /**
     * No finalizer: the program goes at once, whether an operator runs or not, and the garbage
     * collector (absent from the mock server) deletes its pods by their owner reference, with their
     * grace period. The operator forgets the program.
     */
    @Test
    void deletingTheProgramNeedsNoOperator() {
        createWorkers("gone", 2);
        Pod pod = cluster.awaitPod("gone", "gone_00", 1, WAIT);
        cluster.awaitPod("gone", "gone_01", 1, WAIT);
        await().atMost(WAIT).until(() -> cluster.get("gone") != null && cluster.get("gone").getStatus() != null);
        assertThat(cluster.get("gone").getMetadata().getFinalizers()).isNullOrEmpty();
        assertThat(pod.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
            assertThat(o.getBlockOwnerDeletion()).isTrue();
            assertThat(o.getController()).isTrue();
        });
        String uid = cluster.get("gone").getMetadata().getUid();
        assertThat(store.get(uid)).isNotNull();
        cluster.delete("gone");
        assertThat(cluster.get("gone")).isNull();
        await().atMost(WAIT).until(() -> store.get(uid) == null);
    }

    /** Programs created by an earlier operator carry its finalizer: it is taken out, so deletion never hangs. */
    @Test
    void theFinalizerOfEarlierVersionsIsRemoved() {
        SupervisedProgram old = new SupervisedProgram(Cluster.NS, "old", Cluster.spec("/bin/old"));
        old.getMetadata().setFinalizers(new java.util.ArrayList<>(List.of(SupervisedProgramReconciler.LEGACY_FINALIZER)));
        client.resources(SupervisedProgram.class).inNamespace(Cluster.NS).resource(old).create();
        await().atMost(WAIT).until(() -> cluster.get("old").getMetadata().getFinalizers() == null
                || cluster.get("old").getMetadata().getFinalizers().isEmpty());
        cluster.delete("old");
        await().atMost(WAIT).until(() -> cluster.get("old") == null);
    }

    @Test
    void aBadSpecIsReportedWithWhatAndWhere() {
        cluster.create("bad", s -> s.stopsignal = "FOO");
        await().atMost(WAIT).until(() -> cluster.get("bad").getStatus() != null);
        SupervisedProgram bad = cluster.get("bad");
        assertThat(bad.getStatus().state).isEqualTo("INVALID");
        assertThat(bad.getStatus().description).isEqualTo("spec.stopsignal: value 'FOO' is not a valid signal name");
        assertThat(bad.getStatus().conditions).anyMatch(c -> c.getType().equals("Stalled")
                && c.getStatus().equals("True") && c.getReason().equals("InvalidSpec")
                && c.getMessage().contains("spec.stopsignal"));
        assertThat(cluster.events("bad")).contains("invalid spec: spec.stopsignal: value 'FOO' is not a valid signal name");
        assertThat(cluster.pods("bad")).isEmpty();

        cluster.edit("bad", p -> p.getSpec().stopsignal = "TERM");
        cluster.awaitPod("bad", "bad", 1, WAIT);
    }
}
