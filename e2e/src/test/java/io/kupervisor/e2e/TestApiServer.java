package io.kupervisor.e2e;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real kube-apiserver (with its etcd) started by fabric8 kube-api-test in offline mode from the
 * binaries {@code tools/k8s-testbin/build.sh} builds, bound to and advertising 127.0.0.1, and the
 * real {@code kubectl} beside it.
 *
 * <p>System properties (the e2e pom sets them): {@code kupervisor.k8s.testbin}, the build script's
 * DIR; {@code kupervisor.k8s.version}, an X.Y.Z under {@code DIR/k8s} (empty: the newest there);
 * {@code kupervisor.e2e.workdir}, where each server gets a directory of its own for certificates
 * and its kubeconfig.
 */
public final class TestApiServer implements AutoCloseable {

    /** The platform suffix kube-api-test's OSInfo computes for this JVM. */
    static final String PLATFORM = "-" + System.getProperty("os.name").toLowerCase(Locale.ROOT) + "-"
            + switch (System.getProperty("os.arch").toLowerCase(Locale.ROOT)) {
                case "aarch64" -> "arm64";
                case "ppc64" -> "ppc64le";
                default -> "amd64";
            };

    private static final AtomicInteger RUNS = new AtomicInteger();

    private final KubeAPIServer server;
    private final String version;
    private final Path binaries;
    private final Path workDir;
    private final Path kubeconfig;
    private final Duration startTime;

    private TestApiServer(KubeAPIServer server, String version, Path binaries, Path workDir,
            Path kubeconfig, Duration startTime) {
        this.server = server;
        this.version = version;
        this.binaries = binaries;
        this.workDir = workDir;
        this.kubeconfig = kubeconfig;
        this.startTime = startTime;
    }

    /** Starts etcd and kube-apiserver and returns once kube-apiserver is ready. */
    public static TestApiServer start() {
        Path testbin = Path.of(System.getProperty("kupervisor.k8s.testbin",
                Path.of(System.getProperty("user.home"), ".kupervisor", "k8s-testbin").toString()));
        String version = Optional.ofNullable(System.getProperty("kupervisor.k8s.version"))
                .filter(v -> !v.isBlank())
                .orElseGet(() -> newestVersion(testbin));
        Path binaries = testbin.resolve("k8s").resolve(version + PLATFORM);
        for (String name : List.of("kube-apiserver", "etcd", "kubectl")) {
            if (!Files.isExecutable(binaries.resolve(name))) {
                throw new IllegalStateException("no " + name + " in " + binaries
                        + ": run tools/k8s-testbin/build.sh " + testbin);
            }
        }
        try {
            // kube-api-test reads binaries from <dir>/k8s and writes certificates into <dir>: give
            // each server a fresh <dir> whose k8s is a link to the built binaries.
            Path work = Path.of(System.getProperty("kupervisor.e2e.workdir", "target/kube-api-test"))
                    .toAbsolutePath();
            Files.createDirectories(work);
            Path workDir = Files.createTempDirectory(work, "run-" + RUNS.incrementAndGet() + "-");
            Files.createSymbolicLink(workDir.resolve("k8s"), testbin.resolve("k8s").toAbsolutePath());

            var config = KubeAPIServerConfigBuilder.anAPIServerConfig()
                    .withTestDir(workDir.toString())
                    .withOfflineMode(true)
                    .withApiServerVersion(version)
                    .withApiServerFlag("--bind-address", "127.0.0.1")
                    .withApiServerFlag("--advertise-address", "127.0.0.1")
                    .withStartupTimeout(180_000)
                    .build();
            var server = new KubeAPIServer(config);
            long t0 = System.nanoTime();
            server.start();
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            Path kubeconfig = workDir.resolve("kubeconfig.yaml");
            Files.writeString(kubeconfig, server.getKubeConfigYaml());
            System.out.printf("e2e: kube-apiserver %s ready on 127.0.0.1 in %d ms (%s)%n",
                    version, took.toMillis(), workDir);
            return new TestApiServer(server, version, binaries, workDir, kubeconfig, took);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The newest X.Y.Z under {@code testbin/k8s} built for this platform. */
    static String newestVersion(Path testbin) {
        Path k8s = testbin.resolve("k8s");
        if (!Files.isDirectory(k8s)) {
            throw new IllegalStateException("no binaries under " + k8s + ": run tools/k8s-testbin/build.sh "
                    + testbin);
        }
        try (Stream<Path> dirs = Files.list(k8s)) {
            return dirs.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(PLATFORM) && n.matches("\\d+\\.\\d+\\.\\d+-.*"))
                    .map(n -> n.substring(0, n.length() - PLATFORM.length()))
                    .max(Comparator.comparing(TestApiServer::versionKey))
                    .orElseThrow(() -> new IllegalStateException("no <X.Y.Z>" + PLATFORM + " under " + k8s
                            + ": run tools/k8s-testbin/build.sh " + testbin));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String versionKey(String version) {
        StringBuilder key = new StringBuilder();
        for (String part : version.split("\\.")) {
            key.append(String.format("%08d", Integer.parseInt(part)));
        }
        return key.toString();
    }

    /** X.Y.Z of the running binaries. */
    public String version() {
        return version;
    }

    /** How long kube-api-test took from start to a ready server (etcd and kube-apiserver). */
    public Duration startTime() {
        return startTime;
    }

    /** A kubeconfig file for the server (client-certificate admin, CA pinned). */
    public Path kubeconfig() {
        return kubeconfig;
    }

    public Path binaries() {
        return binaries;
    }

    public Path workDir() {
        return workDir;
    }

    /** A new fabric8 client for the server; the caller closes it. */
    public KubernetesClient client() {
        return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(server.getKubeConfigYaml())).build();
    }

    /** What a process printed and how it ended. */
    public record Result(int exitCode, String stdout, String stderr) {
        public Result requireSuccess() {
            if (exitCode != 0) {
                throw new AssertionError("exit " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr);
            }
            return this;
        }
    }

    /** Runs the real kubectl with {@code --kubeconfig} for this server. */
    public Result kubectl(String... args) {
        List<String> command = new ArrayList<>();
        command.add(binaries.resolve("kubectl").toString());
        command.add("--kubeconfig=" + kubeconfig);
        command.addAll(List.of(args));
        return run(command, Duration.ofSeconds(60));
    }

    static Result run(List<String> command, Duration timeout) {
        try {
            var pb = new ProcessBuilder(command);
            // kubectl must read only the kubeconfig it is given, never a developer's own
            pb.environment().remove("KUBECONFIG");
            Process p = pb.start();
            p.getOutputStream().close();
            CompletableFuture<String> out = drain(p.getInputStream());
            CompletableFuture<String> err = drain(p.getErrorStream());
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out after " + timeout + ": " + command);
            }
            return new Result(p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + command, e);
        }
    }

    private static CompletableFuture<String> drain(InputStream in) {
        // a thread of its own for each stream: the common pool has one thread on two cores
        var result = new CompletableFuture<String>();
        Thread.ofVirtual().start(() -> {
            try (in) {
                result.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** Stops kube-apiserver and etcd and removes etcd's data. */
    @Override
    public void close() {
        server.stop();
    }
}
