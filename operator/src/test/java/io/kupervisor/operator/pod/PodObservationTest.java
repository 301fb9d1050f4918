package io.kupervisor.operator.pod;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kupervisor.core.state.ExitStatus;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Pod statuses as the state machine's events, without a server. */
class PodObservationTest {

    private static Pod pod(ContainerState state) {
        return new PodBuilder().withNewSpec().addNewContainer().withName("app").endContainer().endSpec()
                .withNewStatus().addNewContainerStatus().withName("app").withState(state).endContainerStatus()
                .endStatus().build();
    }

    private static ContainerState terminated(Integer code, Integer signal, String reason, String message) {
        return new ContainerStateBuilder().withNewTerminated().withExitCode(code).withSignal(signal)
                .withReason(reason).withMessage(message).withStartedAt("2026-11-27T10:00:00Z")
                .withFinishedAt("2026-11-27T10:00:05Z").endTerminated().build();
    }

    @Test
    void runningIsASpawnAtItsStartTime() {
        PodObservation o = PodObservation.of(pod(new ContainerStateBuilder().withNewRunning()
                .withStartedAt("2026-11-27T10:00:00Z").endRunning().build()), "app");
        assertThat(o.startedAt()).contains(Instant.parse("2026-11-27T10:00:00Z"));
        assertThat(o.exit()).isEmpty();
        assertThat(o.spawnFailure()).isEmpty();
    }

    @Test
    void terminatedIsAnExitWithItsCode() {
        PodObservation o = PodObservation.of(pod(terminated(3, null, "Error", null)), "app");
        assertThat(o.exit()).hasValueSatisfying(x -> {
            assertThat(x.status()).isEqualTo(new ExitStatus.Exited(3));
            assertThat(x.at()).isEqualTo(Instant.parse("2026-11-27T10:00:05Z"));
        });
    }

    @Test
    void aSignalOr128PlusNIsADeathBySignal() {
        assertThat(PodObservation.of(pod(terminated(137, null, "Error", null)), "app").exit().get().status())
                .isEqualTo(new ExitStatus.Signaled(9));
        assertThat(PodObservation.of(pod(terminated(143, null, "Error", null)), "app").exit().get().status().describe())
                .isEqualTo("terminated by SIGTERM");
        assertThat(PodObservation.of(pod(terminated(0, 15, "Error", null)), "app").exit().get().status())
                .isEqualTo(new ExitStatus.Signaled(15));
        assertThat(PodObservation.of(pod(terminated(128, null, "Error", null)), "app").exit().get().status())
                .isEqualTo(new ExitStatus.Exited(128));
    }

    @Test
    void aCommandThatCannotRunIsASpawnErrorInSupervisordsWords() {
        Pod missing = pod(terminated(128, null, "StartError",
                "failed to create containerd task: exec: \"/bin/nope\": stat /bin/nope: no such file or directory"));
        assertThat(PodObservation.of(missing, "/bin/nope").spawnFailure()).contains("can't find command '/bin/nope'");
        Pod denied = pod(terminated(128, null, "StartError", "exec: \"/etc/passwd\": permission denied"));
        assertThat(PodObservation.of(denied, "/etc/passwd").spawnFailure())
                .contains("command at '/etc/passwd' is not executable");
    }

    @Test
    void pullBackOffAndAMissingSecretWaitWhileTheKubeletRetries() {
        Pod pod = pod(new ContainerStateBuilder().withNewWaiting().withReason("ImagePullBackOff")
                .withMessage("Back-off pulling image \"x\"").endWaiting().build());
        PodObservation o = PodObservation.of(pod, "app");
        assertThat(o.spawnFailure()).isEmpty();
        assertThat(o.waiting()).contains("ImagePullBackOff: Back-off pulling image \"x\" (the kubelet retries)");
        Pod secret = pod(new ContainerStateBuilder().withNewWaiting().withReason("CreateContainerConfigError")
                .withMessage("secret \"db\" not found").endWaiting().build());
        assertThat(PodObservation.of(secret, "app").waiting()).contains("CreateContainerConfigError: secret \"db\" not found (the kubelet retries)");
        Pod creating = pod(new ContainerStateBuilder().withNewWaiting().withReason("ContainerCreating").endWaiting().build());
        assertThat(PodObservation.of(creating, "app")).isEqualTo(PodObservation.NOTHING);
    }

    @Test
    void errorsNoRetryCuresAreSpawnErrors() {
        Pod invalid = pod(new ContainerStateBuilder().withNewWaiting().withReason("InvalidImageName")
                .withMessage("couldn't parse image name").endWaiting().build());
        assertThat(PodObservation.of(invalid, "app").spawnFailure()).contains("InvalidImageName: couldn't parse image name");
        Pod root = pod(new ContainerStateBuilder().withNewWaiting().withReason("CreateContainerConfigError")
                .withMessage("container has runAsNonRoot and image will run as root (pod: \"x\", container: app)")
                .endWaiting().build());
        assertThat(PodObservation.of(root, "app").spawnFailure().orElseThrow())
                .startsWith("CreateContainerConfigError: container has runAsNonRoot and image will run as root")
                .endsWith("(the image runs as root: set spec.user to a non-root UID, or spec.user: \"0\" outside a restricted namespace)");
    }

    @Test
    void kupervisorInitSaysWhenTheCommandCannotRun() {
        Pod pod = pod(terminated(127, null, "Error", "spawnerr: can't find command 'nope'"));
        assertThat(PodObservation.of(pod, "nope").spawnFailure()).contains("can't find command 'nope'");
        assertThat(PodObservation.of(pod, "nope").exit()).isEmpty();
    }

    @Test
    void theClusterSaysWhatSupervisordHasNoStateFor() {
        Pod unschedulable = new PodBuilder().withNewSpec().addNewContainer().withName("app").endContainer().endSpec()
                .withNewStatus().withPhase("Pending").addNewCondition().withType("PodScheduled").withStatus("False")
                .withReason("Unschedulable").withMessage("0/1 nodes are available: 1 Insufficient memory.").endCondition()
                .endStatus().build();
        assertThat(PodObservation.of(unschedulable, "app").waiting())
                .contains("Unschedulable: 0/1 nodes are available: 1 Insufficient memory.");
        Pod oom = pod(new ContainerStateBuilder().withNewTerminated().withExitCode(137).withReason("OOMKilled")
                .withStartedAt("2026-11-24T21:00:00Z").withFinishedAt("2026-11-24T21:05:00Z").endTerminated().build());
        PodObservation.Exit exit = PodObservation.of(oom, "app").exit().orElseThrow();
        assertThat(exit.status()).isEqualTo(new ExitStatus.Signaled(9));
        assertThat(exit.reason()).contains("OOMKilled: the container went over its memory limit");
        Pod evicted = new PodBuilder(pod(new ContainerStateBuilder().withNewRunning().withStartedAt("2026-11-24T21:00:00Z")
                .endRunning().build())).editStatus().addNewCondition().withType("DisruptionTarget").withStatus("True")
                .withReason("EvictionByEvictionAPI").withMessage("Eviction API: evicting").endCondition().endStatus().build();
        assertThat(PodObservation.of(evicted, "app").disruption()).contains("EvictionByEvictionAPI: Eviction API: evicting");
    }

    @Test
    void aFailingInitContainerIsASpawnErrorThatNamesIt() {
        Pod pod = new PodBuilder().withNewSpec().addNewContainer().withName("app").endContainer()
                .addNewInitContainer().withName("migrate").endInitContainer().endSpec()
                .withNewStatus().withPhase("Failed")
                .addNewInitContainerStatus().withName("migrate").withNewState().withNewTerminated().withExitCode(3)
                .withReason("Error").endTerminated().endState().endInitContainerStatus()
                .addNewContainerStatus().withName("app").withNewState().withNewWaiting().withReason("PodInitializing")
                .endWaiting().endState().endContainerStatus()
                .endStatus().build();
        assertThat(PodObservation.of(pod, "app").spawnFailure()).contains("init container migrate failed: exit status 3 (Error)");
    }

    @Test
    void aPodRejectedBeforeItsContainerExistedFailedToSpawn() {
        Pod pod = new PodBuilder().withNewSpec().addNewContainer().withName("app").endContainer().endSpec()
                .withNewStatus().withPhase("Failed").withReason("OutOfcpu").withMessage("Node didn't have enough resource: cpu")
                .endStatus().build();
        assertThat(PodObservation.of(pod, "app").spawnFailure()).contains("OutOfcpu: Node didn't have enough resource: cpu");
    }
}
