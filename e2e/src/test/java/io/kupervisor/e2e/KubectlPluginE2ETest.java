package io.kupervisor.e2e;

import io.fabric8.kubernetes.api.model.Pod;
import io.kupervisor.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kubectl supervisorctl} against the real API server and the real operator: status in
 * supervisorctl's format and exit codes, stop and start through the program's desired state.
 */
@ExtendWith(E2eCluster.Extension.class)
class KubectlPluginE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    record Run(int exit, String out) {
    }

    private static synchronized Run plugin(E2eCluster cluster, String ns, String... args) {
        List<String> all = new ArrayList<>(List.of("kubectl-supervisorctl", "--kubectl",
                cluster.api().binaries().resolve("kubectl").toString(), "--kubeconfig",
                cluster.api().kubeconfig().toString(), "-n", ns, "--timeout", "30"));
        all.addAll(List.of(args));
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int exit = Main.run(all.toArray(String[]::new));
            return new Run(exit, out.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
        }
    }

    @Test
    void statusStopAndStartReadAndActLikeSupervisorctl(E2eCluster cluster) throws Exception {
        String ns = cluster.namespace("e2e-plugin");
        Kubelet kubelet = new Kubelet(cluster.client());
        try (var watch = new NamespaceWatch(cluster.client(), ns)) {
            Programs.apply(cluster, dir, ns, "web", "startsecs: 0");
            Pod pod = watch.awaitPod("web", "web", 1, WAIT);
            kubelet.running(pod, Instant.now());
            watch.awaitState("web", "web", "RUNNING", WAIT);

            Run status = plugin(cluster, ns, "status");
            assertThat(status.exit()).isZero();
            assertThat(status.out()).matches("web {30}RUNNING   pod " + pod.getMetadata().getName()
                    + ", uptime 0:00:\\d\\d\\n");

            Run unknown = plugin(cluster, ns, "status", "nosuch");
            assertThat(unknown.exit()).isEqualTo(4);
            assertThat(unknown.out()).startsWith("nosuch: ERROR (no such process)\n");

            Run stop = plugin(cluster, ns, "stop", "web");
            assertThat(stop.out()).isEqualTo("web: stopped\n");
            assertThat(stop.exit()).isZero();
            Run stopped = plugin(cluster, ns, "status", "web");
            assertThat(stopped.exit()).isEqualTo(3);
            assertThat(stopped.out()).startsWith("web").contains("STOPPED");

            Run again = plugin(cluster, ns, "stop", "web");
            assertThat(again.out()).isEqualTo("web: ERROR (not running)\n");

            // start waits for RUNNING, as supervisorctl does: play the kubelet for the new pod meanwhile
            CompletableFuture<Run> start = CompletableFuture.supplyAsync(() -> plugin(cluster, ns, "start", "web"));
            Pod second = watch.awaitPod("web", "web", 2, WAIT);
            kubelet.running(second, Instant.now());
            Run started = start.get();
            assertThat(started.out()).isEqualTo("web: started\n");
            assertThat(started.exit()).isZero();

            Run avail = plugin(cluster, ns, "avail");
            assertThat(avail.out()).startsWith("web").contains("in use").contains("auto");
        }
    }
}
