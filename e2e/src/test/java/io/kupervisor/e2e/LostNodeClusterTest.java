package io.kupervisor.e2e;

import static io.kupervisor.e2e.OperatorClusterTest.program;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lost node: the kubelet stops (its containers keep running, as on a partitioned node). The
 * node goes NotReady, the taint manager deletes the pods, which stay Terminating since no kubelet
 * confirms; the operator says so and makes no second copy of any process. When the kubelet is
 * back, the pods go and the processes are replaced. The cluster runs with short node-loss
 * settings (tools/k8s-cluster: a 20 s grace, 30 s tolerations), and this class runs last: it
 * takes the node away from every other test.
 */
@ExtendWith(RealCluster.Extension.class)
@Order(Integer.MAX_VALUE)
class LostNodeClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(180);

    @TempDir
    Path dir;

    static void kubelet(String action) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(E2eCluster.ROOT.resolve("tools/k8s-cluster/cluster.sh").toString(), "kubelet", action)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("cluster.sh kubelet " + action + " failed: " + out);
        }
    }

    @Test
    void processesOnALostNodeAreNotReportedRunningNorCopiedAndAreReplacedWhenItIsBack(RealCluster cluster)
            throws Exception {
        String ns = cluster.namespace("cluster-lostnode");
        try (var watch = new NamespaceWatch(cluster.client(), ns)) {
            Path file = Files.writeString(dir.resolve("pool.yaml"), program("pool", "/bin/sleep 3600", "startsecs: 0",
                    "numprocs: 2", "processName: \"%(program_name)s_%(process_num)d\""));
            cluster.kubectl("apply", "-n", ns, "-f", file.toString()).requireSuccess();
            for (String p : List.of("pool_0", "pool_1")) {
                watch.awaitState("pool", p, "RUNNING", WAIT);
            }
            List<String> before = watch.livePods("pool").stream().map(p -> p.getMetadata().getName()).toList();

            kubelet("stop");
            try {
                // the operator notices the pods cannot be confirmed stopped and says so
                for (String p : List.of("pool_0", "pool_1")) {
                    var s = watch.awaitProcess("pool", p, x -> x.podCondition != null
                            && x.podCondition.contains("not confirmed stopped"), "the node loss told", WAIT);
                    assertThat(s.state).isNotEqualTo("RUNNING");
                }
                // ... and makes no second copy while the old pods may still run
                assertThat(watch.allPods("pool")).extracting(pod -> pod.getMetadata().getName())
                        .containsExactlyInAnyOrderElementsOf(before);
            } finally {
                kubelet("start");
            }
            // the kubelet confirms the deletions: each process is replaced in a new pod
            for (String p : List.of("pool_0", "pool_1")) {
                watch.awaitPod("pool", p, 2, WAIT);
                watch.awaitProcess("pool", p, x -> "RUNNING".equals(x.state) && x.spawns != null && x.spawns >= 2,
                        "RUNNING in a new pod", WAIT);
            }
            for (String old : before) {
                assertThat(watch.podDeletedAt(old)).as("%s gone", old).isNotNull();
            }
            List<Pod> live = watch.livePods("pool");
            assertThat(live).hasSize(2).noneMatch(p -> before.contains(p.getMetadata().getName()));
        }
    }
}
