package io.kupervisor.operator.pod;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which pods of a process stay: the current spawn's and the last terminated one. */
class ProcessPodsTest {

    private static Pod pod(String process, long spawn, String phase) {
        return new PodBuilder().withNewMetadata().withName(process + "-" + spawn)
                .addToLabels(PodNames.SPAWN_LABEL, Long.toString(spawn))
                .addToAnnotations(PodNames.PROCESS_ANNOTATION, process).endMetadata()
                .withNewStatus().withPhase(phase).endStatus().build();
    }

    @Test
    void keepsTheCurrentAndTheLastRunDeletesOlderRuns() {
        ProcessPods pods = new ProcessPods(List.of(pod("w", 1, "Failed"), pod("w", 2, "Succeeded"),
                pod("w", 3, "Failed"), pod("w", 4, "Running"), pod("x", 1, "Running")));
        assertThat(pods.pod("w", 4).getMetadata().getName()).isEqualTo("w-4");
        assertThat(pods.pod("w", 9)).isNull();
        assertThat(pods.leftovers("w", 4)).extracting(l -> l.pod().getMetadata().getName(), ProcessPods.Leftover::terminated)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("w-2", true), org.assertj.core.groups.Tuple.tuple("w-1", true));
    }

    @Test
    void aLivePodOfAnOlderSpawnIsStoppedWithItsGrace() {
        ProcessPods pods = new ProcessPods(List.of(pod("w", 1, "Running"), pod("w", 2, "Pending")));
        assertThat(pods.leftovers("w", 2)).singleElement().satisfies(l -> {
            assertThat(l.pod().getMetadata().getName()).isEqualTo("w-1");
            assertThat(l.terminated()).isFalse();
        });
        assertThat(pods.processes()).containsExactly("w");
    }
}
