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

    /**
     * examples/nginx-php-fpm as its comment says: ready while both run, a crash restarted at once,
     * and the daemon (the container) exits when a program dies again right after its restart.
     */
    @Test
    void theNginxPhpFpmExampleBehavesAsItsCommentSays() throws Exception {
        int port = freePort();
        String example = java.nio.file.Files.readString(Path.of("../examples/nginx-php-fpm/supervisord.conf"));
        String crashNow = dir.resolve("crash-now").toString();
        String crashed = dir.resolve("crashed").toString();
        String config = example
                .replace("logfile=/dev/null", "logfile=" + dir.resolve("supervisord.log"))
                .replace("pidfile=/run/supervisord.pid", "pidfile=" + dir.resolve("supervisord.pid") + "\nchildlogdir="
                        + dir)
                .replace("[kupervisor]", "[kupervisor]\nhealth_port=127.0.0.1:" + port)
                .replace("/dev/stdout", dir.resolve("php.out").toString())
                .replace("/dev/stderr", dir.resolve("php.err").toString())
                .replace("/var/log/nginx", dir.toString())
                .replace("command=php-fpm -F", "command=/bin/sleep 1000")
                // nginx: runs until told to crash; after the crash, dies at once
                .replace("command=nginx -g 'daemon off;'", "command=/bin/sh -c 'if [ -e " + crashed + " ]; then exit 1;"
                        + " fi; while [ ! -e " + crashNow + " ]; do sleep 0.05; done; touch " + crashed + "; exit 1'");
        assertThat(config).doesNotContain("php-fpm -F", "nginx -g", "/var/log", "/dev/std");
        DaemonHarness d = DaemonHarness.startRaw(dir, config);
        try {
            d.awaitState("php-fpm", ProcessState.RUNNING, Duration.ofSeconds(10));
            d.awaitState("nginx", ProcessState.RUNNING, Duration.ofSeconds(10));
            assertThat(readyz(port).statusCode()).isEqualTo(200);
            java.nio.file.Files.writeString(dir.resolve("crash-now"), "");
            assertThat(d.supervisor.awaitExit(Duration.ofSeconds(30))).isTrue();
            assertThat(d.supervisor.exitCode()).isEqualTo(1);
            assertThat(d.transitions).containsSubsequence("nginx RUNNING->EXITED", "nginx EXITED->STARTING",
                    "nginx STARTING->BACKOFF", "nginx BACKOFF->FATAL");
        } finally {
            if (!d.supervisor.awaitExit(Duration.ZERO)) {
                d.close();
            }
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
