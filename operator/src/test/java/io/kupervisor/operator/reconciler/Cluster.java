package io.kupervisor.operator.reconciler;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kupervisor.api.v1alpha1.ProcessStatus;
import io.kupervisor.api.v1alpha1.SupervisedProgram;
import io.kupervisor.api.v1alpha1.SupervisedProgramSpec;
import io.kupervisor.operator.pod.PodNames;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static org.awaitility.Awaitility.await;

/**
 * Plays the kubelet on the mock API server: writes pod statuses as a node would (container running
 * since T, terminated with code N at T, image pull failure) and reads what the operator did. The
 * operator tests' one fixture: a bean each test injects ({@code @Inject Cluster cluster}).
 */
@Singleton
final class Cluster {
    static final String NS = "test";
    private final KubernetesClient client;
    private final EventRecorder recorder;

    @Inject
    Cluster(KubernetesClient client, EventRecorder recorder) {
        this.client = client;
        this.recorder = recorder;
    }

    static SupervisedProgramSpec spec(String command) {
        SupervisedProgramSpec spec = new SupervisedProgramSpec();
        spec.image = "busybox:1.36";
        spec.command = command;
        return spec;
    }

    SupervisedProgram create(String name, Consumer<SupervisedProgramSpec> customize) {
        SupervisedProgramSpec spec = spec("/bin/" + name + " --serve");
        customize.accept(spec);
        return client.resources(SupervisedProgram.class).inNamespace(NS)
                .resource(new SupervisedProgram(NS, name, spec)).create();
    }

    SupervisedProgram get(String name) {
        return client.resources(SupervisedProgram.class).inNamespace(NS).withName(name).get();
    }

    void edit(String name, Consumer<SupervisedProgram> change) {
        client.resources(SupervisedProgram.class).inNamespace(NS).withName(name).edit(p -> {
            if (p.getMetadata().getAnnotations() == null) {
                p.getMetadata().setAnnotations(new java.util.HashMap<>());
            }
            if (p.getMetadata().getLabels() == null) {
                p.getMetadata().setLabels(new java.util.HashMap<>());
            }
            change.accept(p);
            return p;
        });
    }

    void delete(String name) {
        client.resources(SupervisedProgram.class).inNamespace(NS).withName(name).delete();
    }

    List<Pod> pods(String program) {
        return client.pods().inNamespace(NS).withLabel(PodNames.PROGRAM_LABEL, program).list().getItems().stream()
                .sorted(Comparator.comparingLong(p -> Long.parseLong(p.getMetadata().getLabels().get(PodNames.SPAWN_LABEL))))
                .toList();
    }

    /** Waits for the pod of spawn {@code n} of {@code program}'s process {@code process}. */
    Pod awaitPod(String program, String process, long spawn, Duration within) {
        Supplier<Pod> find = () -> pods(program).stream()
                .filter(p -> process.equals(p.getMetadata().getAnnotations().get(PodNames.PROCESS_ANNOTATION)))
                .filter(p -> Long.toString(spawn).equals(p.getMetadata().getLabels().get(PodNames.SPAWN_LABEL)))
                .findFirst().orElse(null);
        return await().atMost(within).pollInterval(Duration.ofMillis(20)).until(find::get, Objects::nonNull);
    }

    void running(Pod pod, Instant since) {
        writeState(pod, "Running", new ContainerStateBuilder().withNewRunning().withStartedAt(since.toString())
                .endRunning().build());
    }

    void exited(Pod pod, Instant started, Instant finished, int code) {
        writeState(pod, code == 0 ? "Succeeded" : "Failed", new ContainerStateBuilder().withNewTerminated()
                .withStartedAt(started.toString()).withFinishedAt(finished.toString()).withExitCode(code)
                .withReason(code == 0 ? "Completed" : "Error").endTerminated().build());
    }

    void waiting(Pod pod, String reason, String message) {
        writeState(pod, "Pending", new ContainerStateBuilder().withNewWaiting().withReason(reason)
                .withMessage(message).endWaiting().build());
    }

    private void writeState(Pod pod, String phase, io.fabric8.kubernetes.api.model.ContainerState state) {
        Pod current = client.pods().inNamespace(NS).withName(pod.getMetadata().getName()).get();
        current.setStatus(new PodStatusBuilder().withPhase(phase)
                .withContainerStatuses(new ContainerStatusBuilder()
                        .withName(current.getSpec().getContainers().getFirst().getName())
                        .withImage(current.getSpec().getContainers().getFirst().getImage())
                        .withState(state).build())
                .build());
        client.pods().inNamespace(NS).resource(current).updateStatus();
    }

    ProcessStatus process(String program, String process) {
        SupervisedProgram p = get(program);
        if (p == null || p.getStatus() == null) {
            return null;
        }
        return p.getStatus().processes.stream().filter(s -> process.equals(s.name)).findFirst().orElse(null);
    }

    /**
     * Whether the state machine of the process waits for nothing: no spawn in flight and no timer
     * (the status mirrors its whole snapshot). Then only a new event (a pod change, an edit) can make
     * the operator act on it: what a test would otherwise sleep to see not happen.
     */
    boolean nothingPending(String program, String process) {
        ProcessStatus s = process(program, process);
        return s != null && s.delay == null && !Boolean.TRUE.equals(s.spawnPending);
    }

    /** The program's ready count (2/3), or null before its first status. */
    String ready(String program) {
        SupervisedProgram p = get(program);
        return p == null || p.getStatus() == null ? null : p.getStatus().ready;
    }

    String state(String program, String process) {
        ProcessStatus s = process(program, process);
        return s == null ? null : s.state;
    }

    /**
     * Waits for the pod of spawn {@code n} of the program's only process, makes it a container
     * running for 5 s (longer than the default startsecs) and waits for RUNNING.
     */
    Pod awaitRunning(String program, long spawn, Duration within) {
        Pod pod = awaitPod(program, program, spawn, within);
        running(pod, Instant.now().minusSeconds(5));
        awaitState(program, program, "RUNNING", within);
        return pod;
    }

    void awaitState(String program, String process, String state, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(20))
                .until(() -> state.equals(state(program, process)));
    }

    /**
     * The messages of the program's events, oldest first, once the operator has written them; an
     * Event counted n times (a series) is its message n times.
     */
    List<String> events(String program) {
        return programEvents(program).stream()
                .<String>mapMulti((e, out) -> {
                    for (int i = 0; i < (e.getCount() == null ? 1 : e.getCount()); i++) {
                        out.accept(e.getMessage());
                    }
                }).toList();
    }

    /** The program's Event objects, oldest first. */
    List<Event> programEvents(String program) {
        recorder.awaitIdle();
        return client.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> program.equals(e.getInvolvedObject().getName()))
                .sorted(Comparator.comparing(Event::getMetadata, Comparator.comparing(m -> m.getName())))
                .toList();
    }

    static Instant now() {
        return Instant.now();
    }
}
