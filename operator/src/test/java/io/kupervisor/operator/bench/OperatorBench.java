package io.kupervisor.operator.bench;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.kupervisor.api.v1alpha1.SupervisedProgram;
import io.kupervisor.api.v1alpha1.SupervisedProgramSpec;
import io.kupervisor.operator.pod.PodNames;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * The operator benchmark (not a test): the packaged operator (target/quarkus-app) runs as its own
 * JVM against a fabric8 mock API server in CRUD mode; N SupervisedPrograms are created and the
 * harness measures the time until every pod exists and every status is set, then plays every
 * container as started and measures the time until every program is RUNNING. It reads the
 * operator's reconcile latency from /q/metrics and its RSS from /proc.
 *
 * <p>Run with {@code bench/operator.sh [N]} (a Maven profile; never part of the test run).
 */
public final class OperatorBench {
    private static final String NS = "bench";
    private static final List<java.util.logging.Logger> QUIET = List.of(
            java.util.logging.Logger.getLogger("io.fabric8.mockwebserver"),
            java.util.logging.Logger.getLogger("io.fabric8.mockwebserver.MockWebServer"));

    public static void main(String[] args) {
        // exit instead of returning: the mock server and clients leave threads behind, and
        // exec:java would wait for them for ever (the Maven run never ended)
        try {
            run(args);
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private static void run(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        Path app = Path.of(args.length > 1 ? args[1] : "target/quarkus-app/quarkus-run.jar");
        // the chart's javaOpts; -XX:MaxRAM plays the container's memory limit (the chart's 384Mi),
        // of which the heap may take MaxRAMPercentage
        String javaOpts = System.getProperty("bench.javaOpts",
                "-XX:MaxRAM=384m -XX:+UseSerialGC -XX:+UseCompactObjectHeaders -Xms8m -XX:MaxRAMPercentage=45 -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=25 -Xss256k -XX:ReservedCodeCacheSize=24m -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:MaxDirectMemorySize=16m -XX:TrimNativeHeapInterval=10000 -XX:+ExitOnOutOfMemoryError");
        Path out = Path.of(System.getProperty("bench.out", "target/bench-operator.md"));

        // the mock server logs every request: that would be the harness's cost, not the operator's
        // (held in a field: java.util.logging keeps loggers weakly, and a collected one forgets its level)
        QUIET.forEach(l -> l.setLevel(java.util.logging.Level.WARNING));
        // -Dbench.index=false: fabric8's own dispatcher, which scans its store on every write
        KubernetesCrudDispatcher dispatcher = Boolean.parseBoolean(System.getProperty("bench.index", "true"))
                ? new IndexedCrudDispatcher() : new KubernetesCrudDispatcher();
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        KubernetesClient client = server.createClient();
        int mgmt = freePort();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(javaOpts.split("\\s+")));
        cmd.addAll(List.of(
                "-Dquarkus.kubernetes-client.api-server-url=http://127.0.0.1:" + server.getPort(),
                "-Dquarkus.kubernetes-client.namespace=" + NS,
                "-Dquarkus.http.port=" + freePort(),
                "-Dquarkus.management.port=" + mgmt,
                "-Dkupervisor.operator.leader-election.enabled=false",
                "-Dquarkus.log.level=WARN",
                "-Dquarkus.log.category.\"io.quarkus\".level=INFO",
                "-Dquarkus.log.category.\"io.kupervisor\".level=WARN",
                "-jar", app.toString()));
        Path log = out.resolveSibling("bench-operator.log");
        Files.createDirectories(out.toAbsolutePath().getParent());
        Path aot = out.resolveSibling("operator.aot");
        if (Boolean.parseBoolean(System.getProperty("bench.aot", "true"))) {
            // JDK 25's AOT cache (JEP 483/514/515): one training start, as an image build would do
            List<String> train = new ArrayList<>(cmd);
            train.add(1, "-XX:AOTCacheOutput=" + aot);
            ProcessBuilder tpb = new ProcessBuilder(train);
            tpb.environment().put("MALLOC_ARENA_MAX", "2");
            Process p = tpb.redirectErrorStream(true)
                    .redirectOutput(out.resolveSibling("bench-operator-training.log").toFile()).start();
            awaitReady(p, mgmt, log);
            Thread.sleep(1000);
            p.destroy();
            p.waitFor();
            cmd.add(1, "-XX:AOTCache=" + aot);
        }
        if (Boolean.getBoolean("bench.nmt")) {
            cmd.add(1, "-XX:NativeMemoryTracking=summary");
        }
        long launched = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder(cmd);
        // glibc's per-thread malloc arenas are most of a JVM's native overhead in a container
        pb.environment().put("MALLOC_ARENA_MAX", "2");
        Process operator = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            awaitReady(operator, mgmt, log);
            double startup = seconds(launched);
            long rssIdle = rssKb(operator.pid(), "VmRSS");

            // the harness watches (informers) instead of listing: its own load on the mock stays small
            SharedIndexInformer<Pod> podInformer = client.pods().inNamespace(NS)
                    .withLabel(PodNames.MANAGED_BY, PodNames.MANAGER).inform();
            SharedIndexInformer<SupervisedProgram> programInformer = client.resources(SupervisedProgram.class)
                    .inNamespace(NS).inform();
            long t0 = System.nanoTime();
            parallel(n, i -> {
                SupervisedProgramSpec spec = new SupervisedProgramSpec();
                spec.image = "busybox:1.36";
                spec.command = "/bin/app --id " + i;
                spec.startsecs = 1;
                client.resources(SupervisedProgram.class).inNamespace(NS)
                        .resource(new SupervisedProgram(NS, "p" + i, spec)).create();
            });
            double created = seconds(t0);
            double allPods = -1;
            double allStatus = -1;
            int podsAt60 = -1;
            long cpuAtStart = cpuTicks(operator.pid());
            while (allPods < 0 || allStatus < 0) {
                if (podsAt60 < 0 && seconds(t0) >= 60) {
                    podsAt60 = podInformer.getStore().list().size();
                }
                if (allPods < 0 && podInformer.getStore().list().size() >= n) {
                    allPods = seconds(t0);
                }
                if (allStatus < 0 && countState(programInformer, "STARTING") + countState(programInformer, "RUNNING") >= n) {
                    allStatus = seconds(t0);
                }
                Thread.sleep(50);
                if (seconds(t0) > Long.getLong("bench.timeoutSeconds", 1800)) {
                    throw new IllegalStateException("not done after " + seconds(t0) + " s; see " + log);
                }
            }

            long t1 = System.nanoTime();
            List<Pod> pods = podInformer.getStore().list();
            String started = Instant.now().minusSeconds(2).toString();
            parallel(pods.size(), i -> {
                Pod p = pods.get(i);
                p.setStatus(new PodStatusBuilder().withPhase("Running").withContainerStatuses(new ContainerStatusBuilder()
                        .withName(p.getSpec().getContainers().getFirst().getName())
                        .withNewState().withNewRunning().withStartedAt(started).endRunning().endState().build()).build());
                client.pods().inNamespace(NS).resource(p).updateStatus();
            });
            while (countState(programInformer, "RUNNING") < n) {
                Thread.sleep(50);
                if (seconds(t1) > Long.getLong("bench.timeoutSeconds", 1800)) {
                    throw new IllegalStateException("not RUNNING after " + seconds(t1) + " s; see " + log);
                }
            }
            double allRunning = seconds(t1);
            // the operator's own CPU for both phases, apart from the mock server's and the harness's
            double operatorCpu = (cpuTicks(operator.pid()) - cpuAtStart) / 100.0;
            if (podsAt60 < 0) {
                podsAt60 = n;
            }

            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mgmt + "/q/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            long rssBurst = rssKb(operator.pid(), "VmRSS");
            // what a running operator keeps: the creation burst's transient memory given back
            Thread.sleep(Long.getLong("bench.settleSeconds", 20) * 1000);
            long rss = rssKb(operator.pid(), "VmRSS");
            long hwm = rssKb(operator.pid(), "VmHWM");
            long anon = rssKb(operator.pid(), "RssAnon");
            long file = rssKb(operator.pid(), "RssFile");
            String report = String.format(Locale.ROOT, """
                    | figure | value |
                    |---|---|
                    | programs (one process each) | %d |
                    | operator startup to ready (/q/health/ready 200, from JVM launch) | %.2f s |
                    | create %d SupervisedPrograms (harness, 8 threads) | %.2f s |
                    | every pod exists (from the first create) | %.2f s |
                    | pods existing 60 s after the first create | %d |
                    | operator CPU time, both phases (user + system) | %.1f s |
                    | machine load average (1 min) at the end | %s |
                    | every status set (STARTING with its pod) | %.2f s |
                    | every program RUNNING after its container started (startsecs=1) | %.2f s |
                    | reconciles | %s |
                    | reconcile latency p50 | %s ms |
                    | reconcile latency p99 | %s ms |
                    | operator RSS idle, before any program | %d MB |
                    | operator RSS with %d programs, right after the last became RUNNING | %d MB |
                    | operator RSS with %d programs, settled (%d s later) | %d MB (peak %d MB): %d MB anonymous, %d MB file-backed (class archive, jars) |
                    | JVM options (and MALLOC_ARENA_MAX=2) | `%s` |
                    """, n, startup, n, created, allPods, podsAt60, operatorCpu,
                    Files.readString(Path.of("/proc/loadavg")).split(" ")[0], allStatus, allRunning,
                    metric(metrics, "kupervisor_reconcile_seconds_count"),
                    ms(metric(metrics, "kupervisor_reconcile_seconds{quantile=\"0.5\"}")),
                    ms(metric(metrics, "kupervisor_reconcile_seconds{quantile=\"0.99\"}")),
                    rssIdle / 1024, n, rssBurst / 1024, n, Long.getLong("bench.settleSeconds", 20), rss / 1024,
                    hwm / 1024, anon / 1024, file / 1024, javaOpts);
            if (Boolean.getBoolean("bench.nmt")) {
                Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                        Long.toString(operator.pid()), "VM.native_memory", "summary").redirectErrorStream(true).start();
                report += "\n```\n" + new String(jcmd.getInputStream().readAllBytes()) + "```\n";
            }
            Files.writeString(out, report);
            System.out.println(report);
        } finally {
            operator.destroy();
            operator.waitFor();
            client.close();
            server.destroy();
        }
    }

    private static void awaitReady(Process p, int mgmt, Path log) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        String ready = "http://127.0.0.1:" + mgmt + "/q/health/ready";
        while (status(http, ready) != 200) {
            if (!p.isAlive()) {
                throw new IllegalStateException("operator exited; see " + log);
            }
            Thread.sleep(10);
        }
    }

    private static void parallel(int n, IntConsumer task) throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                futures.add(pool.submit(() -> task.accept(k)));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
    }

    private static long countState(SharedIndexInformer<SupervisedProgram> programs, String state) {
        return programs.getStore().list().stream()
                .filter(p -> p.getStatus() != null && state.equals(p.getStatus().state)).count();
    }

    private static String metric(String body, String name) {
        return body.lines().filter(l -> l.startsWith(name + " ")).map(l -> l.substring(name.length() + 1).strip())
                .findFirst().orElse("n/a");
    }

    private static String ms(String seconds) {
        try {
            return String.format(Locale.ROOT, "%.1f", Double.parseDouble(seconds) * 1000);
        } catch (NumberFormatException e) {
            return seconds;
        }
    }

    private static int status(HttpClient http, String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** utime + stime of a process, in clock ticks (100 a second on Linux). */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static long rssKb(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
