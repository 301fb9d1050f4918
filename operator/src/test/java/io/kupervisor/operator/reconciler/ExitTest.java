package io.kupervisor.operator.reconciler;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kupervisor.api.v1alpha1.ProcessStatus;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** RUNNING to EXITED judged by exitcodes; respawn per autorestart; signal deaths are never expected. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class ExitTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @Inject
    KubernetesClient client;

    @Inject
    Cluster cluster;

    /** Spawn {@code n} of the program's only process, running for long enough to be RUNNING. */
    private Pod running(String program, long spawn) {
        return cluster.awaitRunning(program, spawn, WAIT);
    }

    private void exit(Pod pod, int code) {
        cluster.exited(pod, Instant.now().minusSeconds(5), Instant.now(), code);
    }

    @Test
    void unexpectedExitCodeRespawnsAtOnceExpectedOneStays() {
        cluster.create("coded", s -> s.exitcodes = List.of(0, 2));
        Pod first = running("coded", 1);
        exit(first, 3);
        Pod second = cluster.awaitPod("coded", "coded", 2, WAIT);
        // supervisord respawns an unexpected exit from RUNNING at once, without a counter: the
        // new spawn starts at the very instant the old one stopped (a delayed one would not)
        await().atMost(WAIT).until(() -> Long.valueOf(2).equals(cluster.process("coded", "coded").spawns));
        ProcessStatus respawned = cluster.process("coded", "coded");
        assertThat(respawned.startTime).isEqualTo(respawned.stopTime);
        assertThat(respawned.backoff).isZero();
        assertThat(cluster.events("coded")).contains("exited: coded (exit status 3; not expected)");

        cluster.running(second, Instant.now().minusSeconds(5));
        cluster.awaitState("coded", "coded", "RUNNING", WAIT);
        exit(second, 2);
        cluster.awaitState("coded", "coded", "EXITED", WAIT);
        // no respawn asked for and no timer: no new pod will come; the last run's pod stays for its
        // logs, older ones go
        assertThat(cluster.pods("coded")).extracting(p -> p.getMetadata().getName())
                .containsExactly(second.getMetadata().getName());
        ProcessStatus p = cluster.process("coded", "coded");
        assertThat(cluster.nothingPending("coded", "coded")).isTrue();
        assertThat(p.exitStatus).isEqualTo(2);
        assertThat(p.exitDescription).isEqualTo("exit status 2");
        assertThat(p.description).matches("[A-Z][a-z]{2} \\d{2} \\d{2}:\\d{2} [AP]M");
        assertThat(cluster.events("coded")).contains("exited: coded (exit status 2; expected)");
    }

    @Test
    void autorestartFalseLeavesAnUnexpectedExitAlone() {
        cluster.create("once", s -> s.autorestart = "false");
        exit(running("once", 1), 3);
        cluster.awaitState("once", "once", "EXITED", WAIT);
        assertThat(cluster.nothingPending("once", "once")).isTrue();
        assertThat(cluster.pods("once")).hasSize(1);
        assertThat(cluster.process("once", "once").spawnError).isEqualTo("Bad exit code 3");
    }

    @Test
    void autorestartTrueRestartsAnExpectedExit() {
        cluster.create("always", s -> s.autorestart = "true");
        exit(running("always", 1), 0);
        cluster.awaitPod("always", "always", 2, WAIT);
        assertThat(cluster.events("always")).contains("exited: always (exit status 0; expected)");
    }

    @Test
    void exitCode128PlusNIsADeathBySignal() {
        cluster.create("killed", s -> s.exitcodes = List.of(0, 137));
        exit(running("killed", 1), 137);
        // never expected, even with 137 in exitcodes: a signal death has status -1
        cluster.awaitPod("killed", "killed", 2, WAIT);
        assertThat(cluster.events("killed")).contains("exited: killed (terminated by SIGKILL; not expected)");
    }

    @Test
    void anExitWithinStartsecsIsAFailedStartWhateverTheCode() {
        cluster.create("quick", s -> s.startsecs = 10);
        Pod pod = cluster.awaitPod("quick", "quick", 1, WAIT);
        Instant t = Instant.now();
        cluster.exited(pod, t, t, 0);
        cluster.awaitState("quick", "quick", "BACKOFF", WAIT);
        assertThat(cluster.events("quick")).contains("exited: quick (exit status 0; not expected)");
        assertThat(cluster.process("quick", "quick").description)
                .isEqualTo("Exited too quickly (process log may have details)");
        assertThat(cluster.process("quick", "quick").backoff).isEqualTo(1);
    }
}
