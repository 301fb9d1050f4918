package io.kupervisor.operator.reconciler;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kupervisor.api.v1alpha1.ProcessStatus;
import io.kupervisor.api.v1alpha1.RunState;
import io.kupervisor.api.v1alpha1.SupervisedProgram;
import io.kupervisor.operator.pod.PodNames;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One process of a numprocs program stopped, started and restarted alone, as supervisorctl does
 * with {@code stop workers:worker_01}: {@code spec.stoppedProcesses} holds processes stopped, the
 * annotation {@code kupervisor.io/restartedAt.NAME} restarts one. The other processes are left alone.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class OneProcessTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @Inject
    KubernetesClient client;

    @Inject
    RuntimeStore store;

    @Inject
    Cluster cluster;

    private void pool(String name, int n, Consumer<io.kupervisor.api.v1alpha1.SupervisedProgramSpec> more) {
        cluster.create(name, s -> {
            s.numprocs = n;
            s.processName = "%(program_name)s_%(process_num)02d";
            s.group = name + "s";
            more.accept(s);
        });
    }

    /** Plays the kubelet for the first pod of each process and waits until all are RUNNING. */
    private List<Pod> allRunning(String program, int n) {
        List<Pod> pods = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Pod pod = cluster.awaitPod(program, program + "_0" + i, 1, WAIT);
            cluster.running(pod, Instant.now().minusSeconds(5));
            pods.add(pod);
        }
        await().atMost(WAIT).until(() -> (n + "/" + n).equals(cluster.ready(program)));
        return pods;
    }

    private boolean exists(Pod pod) {
        Pod now = client.pods().inNamespace(Cluster.NS).withName(pod.getMetadata().getName()).get();
        return now != null && now.getMetadata().getDeletionTimestamp() == null;
    }

    private List<Pod> podsOf(String program, String process) {
        return cluster.pods(program).stream()
                .filter(p -> process.equals(p.getMetadata().getAnnotations().get(PodNames.PROCESS_ANNOTATION))).toList();
    }

    private void hold(String program, String... processes) {
        cluster.edit(program, p -> p.getSpec().stoppedProcesses = List.of(processes));
    }

    @Test
    void stoppingOneProcessLeavesTheOthersAloneAndStartingItSpawnsItAgain() {
        pool("w", 3, s -> { });
        List<Pod> first = allRunning("w", 3);

        hold("w", "w_01");
        cluster.awaitState("w", "w_01", "STOPPED", WAIT);
        assertThat(exists(first.get(1))).isFalse();
        assertThat(cluster.process("w", "w_01").heldStopped).isTrue();
        assertThat(first.get(0)).matches(this::exists);
        assertThat(first.get(2)).matches(this::exists);
        assertThat(cluster.state("w", "w_00")).isEqualTo("RUNNING");
        assertThat(cluster.state("w", "w_02")).isEqualTo("RUNNING");
        assertThat(cluster.process("w", "w_00").heldStopped).isNull();
        assertThat(cluster.events("w")).contains("killing w_01 (pod " + first.get(1).getMetadata().getName()
                + ") with signal SIGTERM", "stopped: w_01 (terminated by SIGTERM)")
                .noneMatch(e -> e.startsWith("killing w_00") || e.startsWith("killing w_02"));
        // kubectl get sprog: supervisorctl's words for the program and for the stopped process
        SupervisedProgram w = cluster.get("w");
        assertThat(w.getStatus().ready).isEqualTo("2/3");
        assertThat(w.getStatus().state).isEqualTo("STOPPED");
        assertThat(w.getStatus().description).matches("2/3 RUNNING; w_01 STOPPED [A-Z][a-z]{2} \\d\\d \\d\\d:\\d\\d [AP]M");
        assertThat(w.getStatus().appliedState).isEqualTo("running");

        // out of the list: supervisorctl start of that process alone
        hold("w");
        Pod again = cluster.awaitPod("w", "w_01", 2, WAIT);
        cluster.awaitState("w", "w_01", "STARTING", WAIT);
        assertThat(cluster.process("w", "w_01").heldStopped).isNull();
        cluster.running(again, Instant.now().minusSeconds(5));
        await().atMost(WAIT).until(() -> "3/3".equals(cluster.ready("w")));
        assertThat(first.get(0)).matches(this::exists);
        assertThat(first.get(2)).matches(this::exists);
        assertThat(cluster.pods("w")).hasSize(3);
    }

    @Test
    void aHeldProcessIsNotStartedByAutostartAnOperatorRestartOrASpecChange() {
        pool("h", 3, s -> s.stoppedProcesses = List.of("h_01"));
        Pod h0 = cluster.awaitPod("h", "h_00", 1, WAIT);
        Pod h2 = cluster.awaitPod("h", "h_02", 1, WAIT);
        cluster.running(h0, Instant.now().minusSeconds(5));
        cluster.running(h2, Instant.now().minusSeconds(5));
        await().atMost(WAIT).until(() -> "2/3".equals(cluster.ready("h")));
        ProcessStatus held = cluster.process("h", "h_01");
        assertThat(held.state).isEqualTo("STOPPED");
        assertThat(held.description).isEqualTo("Not started");
        assertThat(held.heldStopped).isTrue();
        assertThat(podsOf("h", "h_01")).isEmpty();

        // a new operator knows only the status: h_01 stays held (the pod updates make it reconcile)
        store.remove(cluster.get("h").getMetadata().getUid());
        cluster.exited(h0, Instant.now().minusSeconds(5), Instant.now(), 0);
        cluster.awaitState("h", "h_00", "EXITED", WAIT);
        assertThat(podsOf("h", "h_01")).isEmpty();
        assertThat(cluster.process("h", "h_01").heldStopped).isTrue();

        // a spec change replaces the others (autostart applies to them, one RUNNING process at a time), not the held one
        cluster.edit("h", p -> p.getSpec().command = "/bin/h --serve --fast");
        Pod h0b = cluster.awaitPod("h", "h_00", 2, WAIT);
        cluster.running(h0b, Instant.now().minusSeconds(5));
        Pod h2b = cluster.awaitPod("h", "h_02", 2, WAIT);
        cluster.running(h2b, Instant.now().minusSeconds(5));
        await().atMost(WAIT).until(() -> "2/3".equals(cluster.ready("h"))
                && cluster.process("h", "h_01").configHash.equals(cluster.process("h", "h_02").configHash));
        assertThat(podsOf("h", "h_01")).isEmpty();
        assertThat(cluster.state("h", "h_01")).isEqualTo("STOPPED");

        // released: it starts with the new spec
        hold("h");
        Pod h1 = cluster.awaitPod("h", "h_01", 1, WAIT);
        assertThat(h1.getSpec().getContainers().getFirst().getCommand()).endsWith("/bin/h", "--serve", "--fast");
    }

    @Test
    void stateStoppedStillStopsEveryProcessAndRunningKeepsTheListedOnesStopped() {
        pool("s", 3, s -> s.stoppedProcesses = List.of("s_02"));
        Pod s0 = cluster.awaitPod("s", "s_00", 1, WAIT);
        Pod s1 = cluster.awaitPod("s", "s_01", 1, WAIT);
        cluster.running(s0, Instant.now().minusSeconds(5));
        cluster.running(s1, Instant.now().minusSeconds(5));
        await().atMost(WAIT).until(() -> "2/3".equals(cluster.ready("s")));

        cluster.edit("s", p -> p.getSpec().state = RunState.STOPPED);
        await().atMost(WAIT).until(() -> "0/3".equals(cluster.ready("s"))
                && cluster.get("s").getStatus().processes.stream().allMatch(p -> "STOPPED".equals(p.state)));
        assertThat(cluster.get("s").getStatus().processes).allMatch(p -> Boolean.TRUE.equals(p.heldStopped));
        assertThat(exists(s0)).isFalse();
        assertThat(exists(s1)).isFalse();

        cluster.edit("s", p -> p.getSpec().state = RunState.RUNNING);
        cluster.awaitPod("s", "s_00", 2, WAIT);
        cluster.awaitPod("s", "s_01", 2, WAIT);
        cluster.awaitState("s", "s_01", "STARTING", WAIT);
        assertThat(podsOf("s", "s_02")).isEmpty();
        assertThat(cluster.process("s", "s_02").heldStopped).isTrue();
        assertThat(cluster.process("s", "s_00").heldStopped).isNull();
    }

    @Test
    void theAnnotationOfOneProcessRestartsItAlone() {
        pool("r", 2, s -> { });
        List<Pod> first = allRunning("r", 2);
        String key = SupervisedProgram.PROCESS_RESTART_ANNOTATION_PREFIX + "r_01";

        cluster.edit("r", p -> p.getMetadata().getAnnotations().put(key, "2026-12-07T10:00:00Z"));
        Pod second = cluster.awaitPod("r", "r_01", 2, WAIT);
        assertThat(exists(first.get(1))).isFalse();
        assertThat(first.get(0)).matches(this::exists);
        assertThat(cluster.state("r", "r_00")).isEqualTo("RUNNING");
        await().atMost(WAIT).until(() -> "2026-12-07T10:00:00Z".equals(cluster.process("r", "r_01").restartedAt));
        assertThat(cluster.events("r")).contains("stopped: r_01 (terminated by SIGTERM)")
                .noneMatch(e -> e.startsWith("stopped: r_00"));

        // held stopped, a restart is refused in an Event, and nothing starts
        hold("r", "r_01");
        cluster.awaitState("r", "r_01", "STOPPED", WAIT);
        cluster.edit("r", p -> p.getMetadata().getAnnotations().put(key, "2026-12-07T10:05:00Z"));
        await().atMost(WAIT).until(() -> cluster.events("r").contains("not restarted: r_01 is held stopped "
                + "(spec.stoppedProcesses)"));
        assertThat(podsOf("r", "r_01")).noneMatch(this::exists);
        assertThat(exists(second)).isFalse();
        assertThat(cluster.state("r", "r_01")).isEqualTo("STOPPED");
        assertThat(cluster.process("r", "r_01").restartedAt).isEqualTo("2026-12-07T10:05:00Z");

        // the program's restart restarts what is not held
        cluster.edit("r", p -> p.getMetadata().getAnnotations().put(SupervisedProgram.RESTART_ANNOTATION, "now"));
        cluster.awaitPod("r", "r_00", 2, WAIT);
        cluster.awaitState("r", "r_00", "STARTING", WAIT);
        assertThat(podsOf("r", "r_01")).noneMatch(this::exists);
        assertThat(cluster.state("r", "r_01")).isEqualTo("STOPPED");
    }

    @Test
    void aProcessAnnotatedAtCreationIsNotRestarted() {
        SupervisedProgram p = new SupervisedProgram(Cluster.NS, "a", Cluster.spec("/bin/a --serve"));
        p.getMetadata().setAnnotations(Map.of(SupervisedProgram.PROCESS_RESTART_ANNOTATION_PREFIX + "a", "before"));
        client.resources(SupervisedProgram.class).inNamespace(Cluster.NS).resource(p).create();
        Pod pod = cluster.awaitPod("a", "a", 1, WAIT);
        cluster.running(pod, Instant.now().minusSeconds(5));
        cluster.awaitState("a", "a", "RUNNING", WAIT);
        assertThat(cluster.process("a", "a").restartedAt).isEqualTo("before");
        assertThat(cluster.pods("a")).extracting(x -> x.getMetadata().getName())
                .containsExactly(pod.getMetadata().getName());
    }

    @Test
    void aNameThatIsNoProcessIsAnInvalidSpecAndNothingIsTouched() {
        pool("n", 2, s -> { });
        List<Pod> first = allRunning("n", 2);
        hold("n", "n_01", "n_07");
        await().atMost(WAIT).until(() -> cluster.get("n").getStatus().conditions.stream().anyMatch(c ->
                c.getType().equals("Stalled") && c.getStatus().equals("True") && c.getReason().equals("InvalidSpec")));
        assertThat(cluster.events("n")).contains("invalid spec: spec.stoppedProcesses[1]: 'n_07' is not a process "
                + "of this program (its processes: n_00, n_01)");
        assertThat(first).allMatch(this::exists);
        assertThat(cluster.state("n", "n_01")).isEqualTo("RUNNING");
    }

    /** A status written before processes were held one by one: spec.state stopped held them all. */
    @Test
    void anOlderStatusHoldsEveryProcessOfAStoppedProgram() {
        SupervisedProgram p = new SupervisedProgram(Cluster.NS, "old", Cluster.spec("/bin/old"));
        var status = new io.kupervisor.api.v1alpha1.SupervisedProgramStatus();
        status.appliedState = "stopped";
        ProcessStatus ps = new ProcessStatus();
        ps.name = "old";
        ps.state = "STOPPED";
        status.processes.add(ps);
        p.setStatus(status);
        assertThat(ProgramDriver.restore(p).processes.get("old").held).isTrue();
        status.appliedState = "running";
        assertThat(ProgramDriver.restore(p).processes.get("old").held).isFalse();
        ps.heldStopped = true;
        assertThat(ProgramDriver.restore(p).processes.get("old").held).isTrue();
    }
}
