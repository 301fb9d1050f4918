package io.kupervisor.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.kupervisor.api.v1alpha1.ProcessStatus;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The SupervisedProgram examples as a user applies them (the examples' own README lines), on the
 * real cluster with the operator the chart installed: timeit (a Python script from a ConfigMap)
 * and the numprocs worker pool.
 */
@ExtendWith(RealCluster.Extension.class)
class ExamplesClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    void timeitAndTheWorkerPoolRunAsApplied(RealCluster cluster) {
        examplesRun(cluster, cluster.namespace("cluster-examples"));
    }

    @Test
    void theExamplesRunInANamespaceThatEnforcesTheRestrictedPodSecurityLevel(RealCluster cluster) {
        examplesRun(cluster, cluster.namespace("cluster-restricted",
                Map.of("pod-security.kubernetes.io/enforce", "restricted")));
    }

    private static void examplesRun(RealCluster cluster, String ns) {
        try (var watch = new NamespaceWatch(cluster.client(), ns)) {
            cluster.kubectl("apply", "-n", ns, "-f", E2eCluster.ROOT.resolve("examples/timeit/timeit-sprog.yaml").toString(),
                    "-f", E2eCluster.ROOT.resolve("examples/workers/workers-sprog.yaml").toString()).requireSuccess();
            List<String> workers = List.of("worker_00", "worker_01", "worker_02", "worker_03");
            for (String w : workers) {
                watch.awaitState("worker", w, "RUNNING", WAIT);
            }
            ProcessStatus timeit = watch.awaitState("timeit", "timeit", "RUNNING", WAIT);
            assertThat(watch.states("timeit", "timeit")).containsExactly("STARTING", "RUNNING");
            assertThat(watch.program("worker").getStatus().ready).isEqualTo("4/4");

            Pod worker = watch.livePods("worker").stream()
                    .filter(p -> "worker_02".equals(Kubelet.process(p))).findFirst().orElseThrow();
            assertThat(cluster.kubectl("logs", "-n", ns, worker.getMetadata().getName()).requireSuccess().stdout())
                    .isEqualTo("worker 2 of 4\n");
            String timeitLog = cluster.kubectl("logs", "-n", ns, timeit.pod).requireSuccess().stdout();
            assertThat(timeitLog.lines().toList()).isNotEmpty().allMatch(l -> l.matches("\\d{10}"));
        }
    }
}
