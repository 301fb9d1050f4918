package io.kupervisor.operator.pod;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kupervisor.api.resolve.ProgramResolver;
import io.kupervisor.api.resolve.ResolvedProgram;
import io.kupervisor.api.v1alpha1.SupervisedProgram;
import io.kupervisor.api.v1alpha1.SupervisedProgramSpec;
import io.kupervisor.operator.config.OperatorConfig.StopSignalMode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The pod cache keeps what the reconciler reads of a pod, and nothing else. */
class SlimPodStoreTest {

    /** A pod as the operator builds it, then as a cluster returns it: managed fields, conditions, states. */
    private static Pod clusterPod(String state) throws Exception {
        SupervisedProgramSpec spec = new SupervisedProgramSpec();
        spec.image = "python:3.12";
        spec.command = "python3 -u timeit.py";
        spec.environment = new java.util.LinkedHashMap<>(java.util.Map.of("A", "1"));
        SupervisedProgram program = new SupervisedProgram("apps", "timeit", spec);
        program.getMetadata().setUid("0b9a-uid");
        ResolvedProgram r = ProgramResolver.resolve(program);
        Pod built = new PodFactory(StopSignalMode.INIT, "kupervisor/kupervisor:0.1.0").build(program, r, r.processes().getFirst(), 3);
        var cs = new ContainerStateBuilder();
        var containerState = switch (state) {
            case "running" -> cs.withNewRunning().withStartedAt("2026-11-27T10:00:00Z").endRunning().build();
            case "exited" -> cs.withNewTerminated().withExitCode(2).withReason("Error").withStartedAt("2026-11-27T10:00:00Z")
                    .withFinishedAt("2026-11-27T10:00:09Z").endTerminated().build();
            default -> cs.withNewWaiting().withReason("ErrImagePull").withMessage("no such image").endWaiting().build();
        };
        return new PodBuilder(built)
                .editMetadata().withResourceVersion("42").withUid("pod-uid")
                .withManagedFields(new ManagedFieldsEntryBuilder().withManager("kubelet").withOperation("Update")
                        .withApiVersion("v1").withFieldsType("FieldsV1").build())
                .endMetadata()
                .withNewStatus().withPhase("Running").withHostIP("10.0.0.1").withPodIP("10.1.0.7")
                .withConditions(new PodConditionBuilder().withType("Ready").withStatus("True").build(),
                        new PodConditionBuilder().withType("Initialized").withStatus("True").build())
                .addNewContainerStatus().withName(built.getSpec().getContainers().getFirst().getName())
                .withImage("python:3.12").withImageID("sha256:abc").withContainerID("containerd://1").withReady(true)
                .withState(containerState).endContainerStatus()
                .endStatus().build();
    }

    @Test
    void whatTheReconcilerReadsIsTheSameFromTheSlimPod() throws Exception {
        for (String state : List.of("running", "exited", "waiting")) {
            Pod full = clusterPod(state);
            Pod slim = SlimPodStore.slim(full);
            assertThat(PodObservation.of(slim, "python3")).as(state).isEqualTo(PodObservation.of(full, "python3"));
            ProcessPods fromFull = new ProcessPods(List.of(full));
            ProcessPods fromSlim = new ProcessPods(List.of(slim));
            assertThat(fromSlim.processes()).isEqualTo(fromFull.processes());
            String process = fromFull.processes().iterator().next();
            assertThat(fromSlim.pod(process, 3).getMetadata().getName()).isEqualTo(full.getMetadata().getName());
            assertThat(slim.getMetadata().getOwnerReferences()).isEqualTo(full.getMetadata().getOwnerReferences());
            assertThat(slim.getMetadata().getResourceVersion()).isEqualTo("42");
        }
    }

    @Test
    void theRestIsNotKept() throws Exception {
        Pod full = clusterPod("running");
        Pod slim = SlimPodStore.slim(full);
        assertThat(slim.getMetadata().getManagedFields()).isEmpty();
        assertThat(slim.getSpec().getContainers().getFirst().getImage()).isNull();
        assertThat(slim.getSpec().getContainers().getFirst().getEnv()).isEmpty();
        assertThat(slim.getStatus().getConditions()).isEmpty();
        assertThat(slim.getStatus().getPodIP()).isNull();
        assertThat(slim.getStatus().getContainerStatuses().getFirst().getImageID()).isNull();
        KubernetesSerialization json = new KubernetesSerialization();
        assertThat(json.asJson(slim).length()).isLessThan(json.asJson(full).length());
    }

    /** 10,000 pods each with 57 empty lists and maps of its own were 17 MB of the operator's heap. */
    @Test
    void theFieldsNothingReadsShareOneEmptyCollection() throws Exception {
        Pod a = SlimPodStore.slim(clusterPod("running"));
        Pod b = SlimPodStore.slim(clusterPod("exited"));
        assertThat(a.getSpec().getVolumes()).isSameAs(b.getSpec().getVolumes()).isEmpty();
        assertThat(a.getSpec().getContainers().getFirst().getEnv())
                .isSameAs(b.getSpec().getContainers().getFirst().getEnv()).isEmpty();
        assertThat(a.getSpec().getInitContainers().getFirst().getVolumeMounts())
                .isSameAs(a.getSpec().getContainers().getFirst().getVolumeMounts());
        assertThat(a.getStatus().getPodIPs()).isSameAs(b.getStatus().getPodIPs()).isEmpty();
        assertThat(a.getStatus().getContainerStatuses().getFirst().getAllocatedResources())
                .isSameAs(b.getStatus().getContainerStatuses().getFirst().getAllocatedResources()).isEmpty();
        assertThat(a.getMetadata().getAdditionalProperties()).isSameAs(b.getAdditionalProperties()).isEmpty();
        // and a slim pod still serializes (a log line or a debugger may print one)
        assertThat(new KubernetesSerialization().asJson(a)).contains(a.getMetadata().getName());
    }

    @Test
    void theStoreKeepsSlimPodsUnderTheInformersKey() throws Exception {
        SlimPodStore store = new SlimPodStore();
        Pod full = clusterPod("running");
        String key = store.getKey(full);
        assertThat(key).isEqualTo("apps/" + full.getMetadata().getName());
        store.put(key, full);
        assertThat(store.get(key).getSpec().getContainers().getFirst().getImage()).isNull();
        assertThat(store.size()).isEqualTo(1);
        assertThat(store.remove(key)).isNotNull();
        assertThat(store.size()).isZero();
    }
}
