package io.kupervisor.supervisord;

import io.kupervisor.core.state.ProcessState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** /readyz and one-shots: a program that exited as expected and is not restarted is done, not unready. */
class HealthReadinessTest {
    @TempDir
    Path dir;

    private static int freePort() throws Exception {
        try (var s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static HttpResponse<String> readyz(int port) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/readyz")).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String config(int port, String programs) {
        return "[supervisord]\nnodaemon=true\nlogfile=" + dir.resolve("supervisord.log") + "\npidfile="
                + dir.resolve("supervisord.pid") + "\nchildlogdir=" + dir + "\n\n[kupervisor]\nhealth_port=127.0.0.1:"
                + port + "\n\n" + programs;
    }

    @Test
    void oneShotsThatExitedAsExpectedAreDone() throws Exception {
        int port = freePort();
        try (DaemonHarness d = DaemonHarness.startRaw(dir, config(port, """
                [program:migrate]
                command=/bin/sh -c 'exit 0'
                startsecs=0
                autorestart=false

                [program:seed]
                command=/bin/sh -c 'exit 2'
                startsecs=0
                exitcodes=0,2
                autorestart=unexpected

                [program:web]
                command=/bin/sleep 1000
                startsecs=0
                """))) {
            d.awaitState("migrate", ProcessState.EXITED, Duration.ofSeconds(10));
            d.awaitState("seed", ProcessState.EXITED, Duration.ofSeconds(10));
            d.awaitState("web", ProcessState.RUNNING, Duration.ofSeconds(10));
            HttpResponse<String> r = readyz(port);
            assertThat(r.body()).contains("migrate EXITED", "seed EXITED", "web RUNNING");
            assertThat(r.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aOneShotThatFailedKeepsThePodUnready() throws Exception {
        int port = freePort();
        try (DaemonHarness d = DaemonHarness.startRaw(dir, config(port, """
                [program:migrate]
                command=/bin/sh -c 'exit 3'
                startsecs=0
                autorestart=false
                """))) {
            d.awaitState("migrate", ProcessState.EXITED, Duration.ofSeconds(10));
            HttpResponse<String> r = readyz(port);
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).contains("migrate EXITED");
        }
    }
}
