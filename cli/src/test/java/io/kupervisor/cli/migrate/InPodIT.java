package io.kupervisor.cli.migrate;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kupervisor.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * In-pod mode end to end, without a cluster: the generated pod's commands are run as the kubelet
 * would run them (the init container's copy, the main container, the log sidecars), on the
 * generated ConfigMap's content, with the paths of the pod's volumes mapped into a temp dir.
 */
class InPodIT {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    @Test
    void theGeneratedPodRunsTheProgramsAndItsSidecarsStreamTheirLogs() throws Exception {
        Path dist = dir.resolve("image-opt-kupervisor");
        Process build = new ProcessBuilder("tools/package/dist.sh", dist.toString()).directory(ROOT.toFile())
                .redirectErrorStream(true).start();
        String buildOut = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(build.waitFor()).as(buildOut).isZero();
        // the image's log follower, from the Dockerfile's stage of static binaries
        Process tail = new ProcessBuilder("tail/build.sh", dist.resolve("bin/kupervisor-tail").toString())
                .directory(ROOT.toFile()).redirectErrorStream(true).start();
        String tailOut = new String(tail.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tail.waitFor()).as(tailOut).isZero();

        Path etc = Files.createDirectories(dir.resolve("etc/supervisor"));
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Files.createDirectories(etc.resolve("conf.d"));
        Files.writeString(etc.resolve("supervisord.conf"), """
                [supervisord]
                nodaemon=true
                logfile=%1$s/supervisord.log
                pidfile=%1$s/supervisord.pid
                childlogdir=%1$s
                [include]
                files = conf.d/*.conf
                """.formatted(logs));
        Files.writeString(etc.resolve("conf.d/talker.conf"), """
                [program:talker]
                command=/bin/sh -c 'i=0; while :; do echo "tick $i"; i=$((i+1)); sleep 0.02; done'
                stdout_logfile=%s/talker.log
                stdout_logfile_maxbytes=1KB
                stdout_logfile_backups=50
                [program:quiet]
                command=/bin/sh -c 'echo "auto says hi"; exec sleep 1000'
                """.formatted(logs));

        Path out = dir.resolve("manifests");
        assertThat(Main.run("migrate", "-c", etc.resolve("supervisord.conf").toString(), "--mode", "in-pod",
                "--image", "app:1", "-o", out.toString())).isZero();
        ConfigMap cm = Serialization.unmarshal(Files.readString(out.resolve("configmap.yaml")), ConfigMap.class);
        Deployment d = Serialization.unmarshal(Files.readString(out.resolve("deployment.yaml")), Deployment.class);
        var pod = d.getSpec().getTemplate().getSpec();

        // the ConfigMap volume replaces the files: remove them and lay the ConfigMap's items back
        Files.delete(etc.resolve("conf.d/talker.conf"));
        Files.delete(etc.resolve("supervisord.conf"));
        Volume config = pod.getVolumes().stream().filter(v -> v.getName().equals("config")).findFirst().orElseThrow();
        for (KeyToPath item : config.getConfigMap().getItems()) {
            Files.writeString(etc.resolve(item.getPath()), cm.getData().get(item.getKey()));
        }

        Path runtime = Files.createDirectories(dir.resolve("pod-kupervisor"));
        positions = Files.createDirectories(dir.resolve("pod-kupervisor-tail"));
        Container install = pod.getInitContainers().getFirst();
        assertThat(install.getName()).isEqualTo("kupervisor-install");
        Process copy = start(mapped(install.getCommand(), dist, runtime, 0), dir.resolve("install.out"));
        assertThat(copy.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(copy.exitValue()).isZero();

        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        // native sidecars start before the main container, and wait for their files
        for (Container sidecar : pod.getInitContainers().subList(1, pod.getInitContainers().size())) {
            start(mapped(sidecar.getCommand(), dist, runtime, port), dir.resolve(sidecar.getName() + ".out"));
        }
        Container main = pod.getContainers().getFirst();
        start(mapped(main.getCommand(), dist, runtime, port), dir.resolve("main.out"));
        // groups in supervisord's order (priority, then name); AUTO logs have a stdout and a stderr
        assertThat(pod.getInitContainers()).extracting(Container::getName)
                .containsExactly("kupervisor-install", "quiet", "quiet-stderr", "talker", "talker-stderr");
        Path talkerOut = dir.resolve("talker.out");
        Path quietOut = dir.resolve("quiet.out");

        HttpClient http = HttpClient.newHttpClient();
        int finalPort = port;
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + finalPort + "/readyz")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
        // the talker's sidecar streams every line in order across the 1 KiB rotations
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(talkerOut).contains("tick 300\n"));
        List<String> ticks = Files.readAllLines(talkerOut);
        for (int i = 0; i < 300; i++) {
            assertThat(ticks.get(i)).isEqualTo("tick " + i);
        }
        // the AUTO log has a name the sidecar knows (--stable-auto-logs)
        await().atMost(Duration.ofSeconds(15)).until(() -> Files.readString(quietOut).contains("auto says hi"));
    }

    private Path positions;

    /**
     * The pod's paths inside this machine: the image's /opt/kupervisor, the shared /kupervisor
     * volume, the sidecars' /kupervisor-tail volume, the port.
     */
    private List<String> mapped(List<String> command, Path dist, Path runtime, int port) {
        List<String> out = new ArrayList<>();
        for (String arg : command) {
            String a = arg.replace("/opt/kupervisor", dist.toString())
                    .replaceFirst("^/kupervisor-tail/", positions.toString() + "/")
                    .replaceFirst("^/kupervisor", runtime.toString());
            out.add(a.equals(String.valueOf(InPodManifests.HEALTH_PORT)) ? "127.0.0.1:" + port : a);
        }
        return out;
    }

    private Process start(List<String> command, Path output) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        processes.add(p);
        return p;
    }

    @org.junit.jupiter.api.AfterEach
    void stopAll() throws InterruptedException {
        for (Process p : processes.reversed()) {
            p.destroy();
        }
        for (Process p : processes) {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }
}
