package io.kupervisor.e2e;

import io.fabric8.kubernetes.api.model.Pod;
import io.kupervisor.api.v1alpha1.RunState;
import io.kupervisor.api.v1alpha1.SupervisedProgram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kubectl supervisorctl} against the real API server and the real operator: status in
 * supervisorctl's format and exit codes; stop, start and restart of programs and of single processes
 * through the program's spec.
 */
@ExtendWith(E2eCluster.Extension.class)
class KubectlPluginE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private static PluginRun plugin(E2eCluster cluster, String ns, String... args) {
        return PluginRun.run(cluster.api().binaries().resolve("kubectl"), cluster.api().kubeconfig(), ns, 30, args);
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

            PluginRun status = plugin(cluster, ns, "status");
            assertThat(status.exit()).isZero();
            assertThat(status.out()).matches("web {30}RUNNING   pod " + pod.getMetadata().getName()
                    + ", uptime 0:00:\\d\\d\\n");

            PluginRun unknown = plugin(cluster, ns, "status", "nosuch");
            assertThat(unknown.exit()).isEqualTo(4);
            assertThat(unknown.out()).startsWith("nosuch: ERROR (no such process)\n");

            PluginRun stop = plugin(cluster, ns, "stop", "web");
            assertThat(stop.out()).isEqualTo("web: stopped\n");
            assertThat(stop.exit()).isZero();
            PluginRun stopped = plugin(cluster, ns, "status", "web");
            assertThat(stopped.exit()).isEqualTo(3);
            assertThat(stopped.out()).startsWith("web").contains("STOPPED");

            PluginRun again = plugin(cluster, ns, "stop", "web");
            assertThat(again.out()).isEqualTo("web: ERROR (not running)\n");

            // start waits for RUNNING, as supervisorctl does: play the kubelet for the new pod meanwhile
            CompletableFuture<PluginRun> start = CompletableFuture.supplyAsync(() -> plugin(cluster, ns, "start", "web"));
            Pod second = watch.awaitPod("web", "web", 2, WAIT);
            kubelet.running(second, Instant.now());
            PluginRun started = start.get();
            assertThat(started.out()).isEqualTo("web: started\n");
            assertThat(started.exit()).isZero();

            PluginRun avail = plugin(cluster, ns, "avail");
            assertThat(avail.out()).startsWith("web").contains("in use").contains("auto");
        }
    }

    private static SupervisedProgram program(E2eCluster cluster, String ns, String name) {
        return cluster.client().resources(SupervisedProgram.class).inNamespace(ns).withName(name).get();
    }

    private static boolean live(E2eCluster cluster, Pod pod) {
        Pod now = cluster.client().pods().inNamespace(pod.getMetadata().getNamespace())
                .withName(pod.getMetadata().getName()).get();
        return now != null && now.getMetadata().getDeletionTimestamp() == null;
    }

    /** Runs the plugin while the test plays the kubelet for the pods it waits on. */
    private static CompletableFuture<PluginRun> async(E2eCluster cluster, String ns, String... args) {
        return CompletableFuture.supplyAsync(() -> plugin(cluster, ns, args));
    }

    /**
     * stop workers:pool_1 stops that process alone, as supervisorctl does; start and restart act on
     * it alone and wait for RUNNING; a group says only what it acted on. The spec says what is held.
     */
    @Test
    void oneProcessOfAPoolStopsStartsAndRestartsAlone(E2eCluster cluster) throws Exception {
        String ns = cluster.namespace("e2e-plugin-pool");
        Kubelet kubelet = new Kubelet(cluster.client());
        try (var watch = new NamespaceWatch(cluster.client(), ns)) {
            Programs.apply(cluster, dir, ns, "pool", "numprocs: 3", "processName: \"%(program_name)s_%(process_num)d\"",
                    "startsecs: 0", "group: workers");
            List<Pod> first = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Pod pod = watch.awaitPod("pool", "pool_" + i, 1, WAIT);
                kubelet.running(pod, Instant.now());
                first.add(pod);
            }
            for (int i = 0; i < 3; i++) {
                watch.awaitState("pool", "pool_" + i, "RUNNING", WAIT);
            }

            PluginRun stop = plugin(cluster, ns, "stop", "workers:pool_1");
            assertThat(stop.out()).isEqualTo("workers:pool_1: stopped\n");
            assertThat(stop.exit()).isZero();
            assertThat(program(cluster, ns, "pool").getSpec().stoppedProcesses).containsExactly("pool_1");
            assertThat(program(cluster, ns, "pool").getSpec().state).isEqualTo(RunState.RUNNING);
            assertThat(live(cluster, first.get(1))).isFalse();
            assertThat(first.get(0)).matches(p -> live(cluster, p));
            assertThat(first.get(2)).matches(p -> live(cluster, p));

            PluginRun status = plugin(cluster, ns, "status");
            assertThat(status.exit()).isEqualTo(3);
            assertThat(status.out().lines().toList()).satisfiesExactly(
                    l -> assertThat(l).startsWith("workers:pool_0" + " ".repeat(19) + "RUNNING   pod "
                            + first.get(0).getMetadata().getName() + ", uptime "),
                    l -> assertThat(l).matches("workers:pool_1 {19}STOPPED   [A-Z][a-z]{2} \\d\\d \\d\\d:\\d\\d [AP]M"),
                    l -> assertThat(l).startsWith("workers:pool_2" + " ".repeat(19) + "RUNNING   pod "));
            // kubectl get sprog says it as the summary
            assertThat(cluster.kubectl("get", "sprog", "pool", "-n", ns, "-o", "jsonpath={.status.description}")
                    .requireSuccess().stdout()).startsWith("2/3 RUNNING; pool_1 STOPPED ");

            PluginRun again = plugin(cluster, ns, "stop", "workers:pool_1");
            assertThat(again.out()).isEqualTo("workers:pool_1: ERROR (not running)\n");
            assertThat(again.exit()).isZero();
            PluginRun already = plugin(cluster, ns, "start", "workers:pool_0");
            assertThat(already.out()).isEqualTo("workers:pool_0: ERROR (already started)\n");
            assertThat(already.exit()).isZero();
            PluginRun unknown = plugin(cluster, ns, "stop", "workers:pool_7", "pool_1");
            assertThat(unknown.out()).isEqualTo("workers:pool_7: ERROR (no such process)\npool_1: ERROR (no such process)\n");
            assertThat(unknown.exit()).isEqualTo(1);
            PluginRun noGroup = plugin(cluster, ns, "start", "nosuch:*");
            assertThat(noGroup.out()).isEqualTo("nosuch: ERROR (no such group)\n");
            assertThat(noGroup.exit()).isEqualTo(2);

            // start waits for RUNNING
            CompletableFuture<PluginRun> start = async(cluster, ns, "start", "workers:pool_1");
            kubelet.running(watch.awaitPod("pool", "pool_1", 2, WAIT), Instant.now());
            assertThat(start.get().out()).isEqualTo("workers:pool_1: started\n");
            assertThat(start.get().exit()).isZero();
            assertThat(program(cluster, ns, "pool").getSpec().stoppedProcesses).isNull();

            // restart is stop, then start, of that process alone
            CompletableFuture<PluginRun> restart = async(cluster, ns, "restart", "workers:pool_2");
            kubelet.running(watch.awaitPod("pool", "pool_2", 2, WAIT), Instant.now());
            assertThat(restart.get().out()).isEqualTo("workers:pool_2: stopped\nworkers:pool_2: started\n");
            assertThat(restart.get().exit()).isZero();
            assertThat(first.get(0)).matches(p -> live(cluster, p));

            // a group: every process it stopped, and the program's state says so
            PluginRun stopAll = plugin(cluster, ns, "stop", "workers:*");
            assertThat(stopAll.out()).isEqualTo("workers:pool_0: stopped\nworkers:pool_1: stopped\nworkers:pool_2: stopped\n");
            assertThat(program(cluster, ns, "pool").getSpec().state).isEqualTo(RunState.STOPPED);
            // one process of a stopped program: the others stay held, by name
            CompletableFuture<PluginRun> one = async(cluster, ns, "start", "workers:pool_1");
            kubelet.running(watch.awaitPod("pool", "pool_1", 3, WAIT), Instant.now());
            assertThat(one.get().out()).isEqualTo("workers:pool_1: started\n");
            assertThat(program(cluster, ns, "pool").getSpec().state).isEqualTo(RunState.RUNNING);
            assertThat(program(cluster, ns, "pool").getSpec().stoppedProcesses).containsExactly("pool_0", "pool_2");
            // the group's start says only what it started
            CompletableFuture<PluginRun> rest = async(cluster, ns, "start", "workers:*");
            kubelet.running(watch.awaitPod("pool", "pool_0", 2, WAIT), Instant.now());
            kubelet.running(watch.awaitPod("pool", "pool_2", 3, WAIT), Instant.now());
            assertThat(rest.get().out()).isEqualTo("workers:pool_0: started\nworkers:pool_2: started\n");
            assertThat(rest.get().exit()).isZero();
            assertThat(program(cluster, ns, "pool").getSpec().stoppedProcesses).isNull();
            assertThat(plugin(cluster, ns, "status").exit()).isZero();
        }
    }

    /**
     * start of a FATAL process starts it again (the spec did not hold it: it is held, then released),
     * and a start that fails says spawn error with supervisorctl's exit status 7.
     */
    @Test
    void startOfAFatalProcessRetriesItAndSaysSpawnError(E2eCluster cluster) throws Exception {
        String ns = cluster.namespace("e2e-plugin-fatal");
        Kubelet kubelet = new Kubelet(cluster.client());
        try (var watch = new NamespaceWatch(cluster.client(), ns)) {
            Programs.apply(cluster, dir, ns, "crash", "startretries: 0");
            Pod pod = watch.awaitPod("crash", "crash", 1, WAIT);
            Instant t = Instant.now();
            kubelet.exited(pod, t, t, 1);
            watch.awaitState("crash", "crash", "FATAL", WAIT);

            CompletableFuture<PluginRun> failing = async(cluster, ns, "start", "crash");
            Pod second = watch.awaitPod("crash", "crash", 2, WAIT);
            kubelet.exited(second, Instant.now(), Instant.now(), 1);
            assertThat(failing.get().out()).isEqualTo("crash: ERROR (spawn error)\n");
            assertThat(failing.get().exit()).isEqualTo(7);

            CompletableFuture<PluginRun> start = async(cluster, ns, "start", "crash");
            kubelet.running(watch.awaitPod("crash", "crash", 3, WAIT), Instant.now());
            assertThat(start.get().out()).isEqualTo("crash: started\n");
            assertThat(start.get().exit()).isZero();
            SupervisedProgram crash = program(cluster, ns, "crash");
            assertThat(crash.getSpec().stoppedProcesses).isNull();
            assertThat(crash.getSpec().state).isEqualTo(RunState.RUNNING);
        }
    }
}
