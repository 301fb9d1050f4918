package io.kupervisor.e2e;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The operator as it ships: {@code java -jar operator/target/quarkus-app/quarkus-run.jar} (the prod
 * profile: server-side apply, leader election) as a child process with {@code KUBECONFIG} pointing
 * at the test server, so that a test can stop it (SIGTERM, or SIGKILL as a crash) and start another.
 *
 * <p>Only what a deployment sets differs from production: the HTTP and management ports (free
 * ones, on 127.0.0.1) and the lease namespace (outside a pod there is no namespace to default to;
 * the Helm chart sets it the same way). {@code HOSTNAME}, the leader election identity in a pod,
 * is {@code name}. The JVM gets a small heap and C1 only (light on a shared 2-core machine) and
 * kupervisor's DEBUG log, which goes to {@code target/operator-NAME.log}.
 */
final class OperatorProcess implements AutoCloseable {
    /** Where leader election keeps its Lease (the chart: the release namespace). */
    static final String LEASE_NAMESPACE = "kupervisor-system";
    static final String LEASE_NAME = "kupervisor-operator";

    private final String name;
    private final Process process;
    private final Path log;
    private final int managementPort;
    private Duration startTime;

    private OperatorProcess(String name, Process process, Path log, int managementPort) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.managementPort = managementPort;
    }

    /**
     * Starts an operator and returns once it is ready ({@code /q/health/ready}); it may still wait
     * for the lease: {@link #awaitLeadership} waits for that.
     */
    static OperatorProcess start(String name, Path kubeconfig) {
        return start(name, kubeconfig, java.util.Map.of());
    }

    /** As {@link #start(String, Path)}, with more environment (settings a deployment would make). */
    static OperatorProcess start(String name, Path kubeconfig, java.util.Map<String, String> extraEnv) {
        Path jar = Path.of(System.getProperty("kupervisor.e2e.operator.jar",
                "../operator/target/quarkus-app/quarkus-run.jar")).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no operator jar at " + jar
                    + ": build it with ./mvnw -pl operator -am package (the e2e profile's -am does)");
        }
        Path target = Path.of(System.getProperty("kupervisor.e2e.target", "target"));
        Path log = target.resolve("operator-" + name + ".log").toAbsolutePath();
        int http = freePort();
        int management = freePort();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1",
                "-Dquarkus.log.category.\"io.kupervisor\".level=DEBUG",
                "-jar", jar.toString()));
        var pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        var env = pb.environment();
        env.put("KUBECONFIG", kubeconfig.toString());
        env.put("HOSTNAME", name);
        env.put("KUPERVISOR_OPERATOR_LEADER_ELECTION_LEASE_NAMESPACE", LEASE_NAMESPACE);
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.put("QUARKUS_HTTP_PORT", Integer.toString(http));
        env.put("QUARKUS_MANAGEMENT_HOST", "127.0.0.1");
        env.put("QUARKUS_MANAGEMENT_PORT", Integer.toString(management));
        env.putAll(extraEnv);
        long t0 = System.nanoTime();
        Process p;
        try {
            Files.createDirectories(log.getParent());
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var op = new OperatorProcess(name, p, log, management);
        // never outlive the test JVM, even one that surefire kills
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly, "stop-operator-" + name));
        try {
            op.awaitReady(Duration.ofSeconds(90));
        } catch (AssertionError e) {
            op.close();
            throw e;
        }
        op.startTime = Duration.ofNanos(System.nanoTime() - t0);
        System.out.printf("e2e: operator %s (pid %d) ready in %d ms; log %s%n", name, p.pid(),
                op.startTime.toMillis(), log);
        return op;
    }

    private void awaitReady(Duration within) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI ready = URI.create("http://127.0.0.1:" + managementPort + "/q/health/ready");
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("operator " + name + " exited with " + process.exitValue() + ":\n" + logTail());
            }
            try {
                var r = http.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            sleep(100);
        }
        throw new AssertionError("operator " + name + " not ready within " + within + ":\n" + logTail());
    }

    /** Waits until this operator holds the lease (it reconciles only then); returns how long that took. */
    Duration awaitLeadership(KubernetesClient client, Duration within) {
        long t0 = System.nanoTime();
        long deadline = t0 + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("operator " + name + " exited with " + process.exitValue() + ":\n" + logTail());
            }
            if (name.equals(leaseHolder(client))) {
                return Duration.ofNanos(System.nanoTime() - t0);
            }
            sleep(100);
        }
        throw new AssertionError("operator " + name + " did not become leader within " + within + " (holder: "
                + leaseHolder(client) + "):\n" + logTail());
    }

    static String leaseHolder(KubernetesClient client) {
        Lease lease = client.leases().inNamespace(LEASE_NAMESPACE).withName(LEASE_NAME).get();
        return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
    }

    String name() {
        return name;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Duration startTime() {
        return startTime;
    }

    Path log() {
        return log;
    }

    /** Stops it as Kubernetes stops a pod: SIGTERM, then waits for the exit; returns the exit code. */
    int stop() {
        process.destroy();
        return await(Duration.ofSeconds(30));
    }

    /** Kills it (SIGKILL), as a crash or an OOM kill would. */
    int kill() {
        process.destroyForcibly();
        return await(Duration.ofSeconds(10));
    }

    private int await(Duration within) {
        try {
            if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor();
                throw new AssertionError("operator " + name + " did not stop within " + within);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The last lines of its log, for failure messages. */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Its whole log so far. */
    String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
