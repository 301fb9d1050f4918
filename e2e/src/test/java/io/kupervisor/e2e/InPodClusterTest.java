package io.kupervisor.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.kupervisor.cli.Main;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * In-pod mode on a real kubelet: {@code kupervisor migrate --mode in-pod} of a team's unchanged
 * image and configuration (tools/k8s-cluster/images/legacy: Debian's supervisord and a conf.d of
 * three programs), applied with kubectl. kupervisor, copied in by the init container, is PID 1 of
 * the image; the image's own supervisorctl talks to it; each program's log streams through its
 * sidecar; readiness follows the programs; deleting the pod stops them as supervisord would.
 */
@ExtendWith(RealCluster.Extension.class)
class InPodClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(120);
    static final Path LEGACY = E2eCluster.ROOT.resolve("tools/k8s-cluster/images/legacy");

    @TempDir
    Path dir;

    /** Pods of one namespace through a real watch, the latest version of each (deleted ones kept). */
    static final class Pods implements AutoCloseable {
        private final Map<String, Pod> pods = new java.util.LinkedHashMap<>();
        private final List<String> deleted = new ArrayList<>();
        private final Watch watch;

        Pods(RealCluster cluster, String ns) {
            var list = cluster.client().pods().inNamespace(ns);
            String version = list.list().getMetadata().getResourceVersion();
            watch = list.withResourceVersion(version).watch(new Watcher<>() {
                @Override
                public void eventReceived(Action action, Pod pod) {
                    synchronized (Pods.this) {
                        pods.put(pod.getMetadata().getName(), pod);
                        if (action == Action.DELETED) {
                            deleted.add(pod.getMetadata().getName());
                        }
                        Pods.this.notifyAll();
                    }
                }

                @Override
                public void onClose(WatcherException cause) {
                }
            });
        }

        synchronized Pod await(Predicate<Pod> condition, String what, Duration within) {
            long deadline = System.nanoTime() + within.toNanos();
            while (true) {
                for (Pod p : pods.values()) {
                    if (condition.test(p)) {
                        return p;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no pod " + what + " within " + within + "; pods: " + pods.values().stream()
                            .map(p -> p.getMetadata().getName() + " " + p.getStatus().getPhase() + " "
                                    + p.getStatus().getContainerStatuses()).toList());
                }
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
        }

        synchronized boolean isDeleted(String name) {
            return deleted.contains(name);
        }

        @Override
        public void close() {
            watch.close();
        }
    }

    static boolean ready(Pod p) {
        return p.getStatus() != null && p.getStatus().getConditions() != null && p.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    static ContainerStatus container(Pod p, String name) {
        return p.getStatus().getContainerStatuses().stream().filter(c -> name.equals(c.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no container " + name + " in " + p.getMetadata().getName()));
    }

    private Path migrate(String... args) {
        Path out = dir.resolve("k8s");
        List<String> all = new ArrayList<>(List.of("migrate"));
        all.addAll(List.of(args));
        all.addAll(List.of("-o", out.toString()));
        assertThat(Main.run(all.toArray(String[]::new))).as("kupervisor migrate %s", all).isZero();
        return out;
    }

    @Test
    void aLegacyImageRunsUnderKupervisorAsPid1WithItsLogsAndItsSupervisorctl(RealCluster cluster) throws Exception {
        String ns = cluster.namespace("cluster-inpod");
        Path manifests = migrate("-c", LEGACY.resolve("etc/supervisord.conf").toString(), "--mode", "in-pod",
                "--image", "kupervisor-test/legacy:1", "--mount-dir", "/etc/supervisor", "--name", "legacy");
        try (var pods = new Pods(cluster, ns)) {
            cluster.kubectl("apply", "-n", ns, "-f", manifests.toString()).requireSuccess();
            Pod pod = pods.await(InPodClusterTest::ready, "Ready (every program RUNNING)", WAIT);
            String name = pod.getMetadata().getName();

            // kupervisor is PID 1 of the user's image
            String cmdline = cluster.kubectl("exec", "-n", ns, name, "-c", "supervisord", "--",
                    "cat", "/proc/1/cmdline").requireSuccess().stdout().replace('\0', ' ');
            assertThat(cmdline).startsWith("/kupervisor/").contains(" supervisord ");

            // the image's own supervisorctl (Debian's supervisor 4.2.5) against it
            String status = cluster.kubectl("exec", "-n", ns, name, "-c", "supervisord", "--",
                    "supervisorctl", "status").requireSuccess().stdout();
            assertThat(status.lines().map(l -> l.split("\\s+")[0] + " " + l.split("\\s+")[1]).toList())
                    .containsExactly("cron RUNNING", "web RUNNING", "worker RUNNING");

            // the worker's log through its sidecar, across rotations (20 KB files, ~20 KB/s), no line lost
            try (var worker = PodLogStream.follow(cluster, ns, name, "worker")) {
                worker.awaitLine("line 60000", WAIT);
                List<String> lines = worker.lines();
                int first = Integer.parseInt(lines.getFirst().substring("line ".length()));
                for (int i = 0; i < 60000 - first; i++) {
                    assertThat(lines.get(i)).as("line %d of the sidecar's stream", i).isEqualTo("line " + (first + i));
                }
                assertThat(first).as("the sidecar starts at the log's first line").isEqualTo(1);
            }

            // readiness follows the programs: a stopped program makes the pod unready
            assertThat(cluster.kubectl("exec", "-n", ns, name, "-c", "supervisord", "--",
                    "supervisorctl", "stop", "web").requireSuccess().stdout()).isEqualTo("web: stopped\n");
            pods.await(p -> p.getMetadata().getName().equals(name) && !ready(p), "unready after stop web", WAIT);
            assertThat(cluster.kubectl("exec", "-n", ns, name, "-c", "supervisord", "--",
                    "supervisorctl", "start", "web").requireSuccess().stdout()).isEqualTo("web: started\n");
            pods.await(p -> p.getMetadata().getName().equals(name) && ready(p), "Ready again after start web", WAIT);

            // deleting the pod: TERM to kupervisor, which stops every program as supervisord does
            // (cron's handler takes a second) and exits 0 well within the grace period
            try (var cron = PodLogStream.follow(cluster, ns, name, "cron")) {
                cron.awaitLine("cron: up", WAIT);
                cluster.kubectl("delete", "pod", "-n", ns, name, "--wait=false").requireSuccess();
                cron.awaitLine("cron: done", WAIT);
            }
            Pod last = pods.await(p -> p.getMetadata().getName().equals(name)
                    && p.getStatus().getContainerStatuses().stream()
                            .anyMatch(c -> c.getName().equals("supervisord") && c.getState().getTerminated() != null),
                    "supervisord terminated", WAIT);
            var terminated = container(last, "supervisord").getState().getTerminated();
            assertThat(terminated.getExitCode()).as("supervisord's exit: %s", terminated).isZero();
        }
    }

    @Test
    void theTimeitExampleRunsAsGenerated(RealCluster cluster) {
        String ns = cluster.namespace("cluster-timeit");
        try (var pods = new Pods(cluster, ns)) {
            cluster.kubectl("apply", "-n", ns, "-f", E2eCluster.ROOT.resolve("examples/timeit/in-pod").toString())
                    .requireSuccess();
            Pod pod = pods.await(p -> p.getStatus() != null && p.getStatus().getContainerStatuses() != null
                    && p.getStatus().getContainerStatuses().stream().anyMatch(c -> "supervisord".equals(c.getName())
                            && Objects.equals(Boolean.TRUE, c.getStarted())), "with supervisord started", WAIT);
            try (var timeit = PodLogStream.follow(cluster, ns, pod.getMetadata().getName(), "timeit")) {
                // timeit.py prints the time every 2 s: two lines show it runs and its sidecar streams
                assertThat(timeit.awaitLines(2, WAIT)).allMatch(l -> l.matches("\\d{10}"));
            }
            String logs = cluster.kubectl("logs", "-n", ns, pod.getMetadata().getName(), "-c", "timeit")
                    .requireSuccess().stdout();
            assertThat(logs.lines().toList()).hasSizeGreaterThanOrEqualTo(2).allMatch(l -> l.matches("\\d{10}"));
        }
    }
}
