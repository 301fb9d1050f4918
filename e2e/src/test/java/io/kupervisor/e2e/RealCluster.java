package io.kupervisor.e2e;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The real single-node cluster of {@code tools/k8s-cluster/cluster.sh} (kubelet, containerd, the
 * images built from the project's Dockerfile), shared by the cluster tests of one test JVM. The
 * tests never start it: {@code cluster.sh up} and {@code cluster.sh images} do, before the
 * {@code cluster} profile runs (.ci/run). On first use the operator is installed with the real
 * {@code helm} from {@code helm/kupervisor}, as a user installs it; each test works in namespaces
 * of its own, deleted when the run ends.
 */
public final class RealCluster implements AutoCloseable {
    static final String OPERATOR_NAMESPACE = "kupervisor-system";
    static final String RELEASE = "kupervisor";
    /** The image the programs' pods run: Debian's root as cluster.sh imports it. */
    static final String DEBIAN = "debian:12-slim";

    private final Path kubeconfig;
    private final Path binaries;
    private final KubernetesClient client;
    private final List<String> namespaces = new ArrayList<>();

    private RealCluster(Path kubeconfig, Path binaries) {
        this.kubeconfig = kubeconfig;
        this.binaries = binaries;
        try {
            this.client = new KubernetesClientBuilder()
                    .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RealCluster connect() {
        Path kubeconfig = Path.of(System.getProperty("kupervisor.cluster.kubeconfig",
                System.getProperty("user.home") + "/.kupervisor/cluster/etc/admin.kubeconfig"));
        Path binaries = newestBinaries();
        if (!Files.isRegularFile(kubeconfig)) {
            throw new AssertionError("no cluster: " + kubeconfig + " does not exist; start one with"
                    + " tools/k8s-cluster/cluster.sh up && tools/k8s-cluster/cluster.sh images");
        }
        RealCluster cluster = new RealCluster(kubeconfig, binaries);
        var node = cluster.kubectl("get", "nodes", "-o",
                "jsonpath={.items[*].status.conditions[?(@.type==\"Ready\")].status}");
        if (node.exitCode() != 0 || !node.stdout().contains("True")) {
            throw new AssertionError("the cluster of " + kubeconfig + " has no Ready node (kubectl: "
                    + node.stderr().strip() + "); start it with tools/k8s-cluster/cluster.sh up");
        }
        long t0 = System.nanoTime();
        cluster.installOperator();
        System.out.printf("cluster: operator installed with helm and ready in %d ms%n",
                (System.nanoTime() - t0) / 1_000_000);
        return cluster;
    }

    private static Path newestBinaries() {
        Path dir = Path.of(System.getProperty("kupervisor.k8s.testbin",
                System.getProperty("user.home") + "/.kupervisor/k8s-testbin"), "k8s");
        try (Stream<Path> versions = Files.list(dir)) {
            return versions.filter(p -> Files.isExecutable(p.resolve("kubectl")) && Files.isExecutable(p.resolve("helm")))
                    .max(Comparator.comparing(p -> p.getFileName().toString())).orElseThrow(() -> new AssertionError(
                            "no kubectl and helm under " + dir + ": run tools/k8s-testbin/build.sh"));
        } catch (IOException e) {
            throw new AssertionError("no binaries at " + dir + ": run tools/k8s-testbin/build.sh", e);
        }
    }

    /**
     * {@code helm upgrade --install} of the chart with the image {@code cluster.sh images} built
     * (the chart's defaults otherwise), waiting until the operator's pod is ready.
     */
    private void installOperator() {
        // as the README says: kubectl installs and upgrades the CRD (helm installs crds/ only the
        // first time and a cluster kept between runs would keep an older schema that prunes newer
        // status fields), server-side and forced, to take over one a plain helm install made
        kubectl("apply", "--server-side", "--force-conflicts", "-f", E2eCluster.ROOT.resolve("crds").toString())
                .requireSuccess();
        helm("upgrade", "--install", RELEASE, E2eCluster.ROOT.resolve("helm/kupervisor").toString(),
                "--namespace", OPERATOR_NAMESPACE, "--create-namespace", "--skip-crds",
                "--wait", "--timeout", "180s").requireSuccess();
        kubectl("-n", OPERATOR_NAMESPACE, "rollout", "status", "deployment", "--timeout=180s").requireSuccess();
        kubectl("wait", "--for=condition=Established", "--timeout=60s", "crd/" + E2eCluster.CRD).requireSuccess();
    }

    public KubernetesClient client() {
        return client;
    }

    public Path kubeconfig() {
        return kubeconfig;
    }

    public Path kubectlBinary() {
        return binaries.resolve("kubectl");
    }

    /** Runs the real kubectl against this cluster. */
    public TestApiServer.Result kubectl(String... args) {
        return run(Duration.ofSeconds(120), "kubectl", args);
    }

    /** Runs the real helm against this cluster. */
    public TestApiServer.Result helm(String... args) {
        return run(Duration.ofSeconds(300), "helm", args);
    }

    private TestApiServer.Result run(Duration timeout, String binary, String... args) {
        List<String> command = new ArrayList<>();
        command.add(binaries.resolve(binary).toString());
        command.add("--kubeconfig=" + kubeconfig);
        command.addAll(List.of(args));
        return TestApiServer.run(command, timeout);
    }

    /**
     * A namespace for one test, named {@code prefix} and a random suffix (a namespace of an earlier
     * run may still be terminating), deleted when the run ends; {@code labels} as given.
     */
    public String namespace(String prefix, Map<String, String> labels) {
        String name = prefix + "-" + Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36), 36);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name)
                .addToLabels("kupervisor.io/cluster-test", "true").addToLabels(labels).endMetadata().build())
                .create();
        // pods need the namespace's default ServiceAccount, which a controller creates
        kubectl("-n", name, "wait", "--for=jsonpath={.metadata.name}=default", "serviceaccount/default",
                "--timeout=60s");
        synchronized (namespaces) {
            namespaces.add(name);
        }
        return name;
    }

    public String namespace(String prefix) {
        return namespace(prefix, Map.of());
    }

    @Override
    public void close() {
        try {
            List<String> names;
            synchronized (namespaces) {
                names = List.copyOf(namespaces);
            }
            if (!names.isEmpty()) {
                List<String> args = new ArrayList<>(List.of("delete", "namespace", "--wait=true", "--timeout=120s"));
                args.addAll(names);
                kubectl(args.toArray(String[]::new));
            }
        } finally {
            client.close();
        }
    }

    /** Connects on first use and cleans up when the whole test run ends. */
    public static final class Extension implements BeforeAllCallback, ParameterResolver {
        @Override
        public void beforeAll(ExtensionContext context) {
            cluster(context);
        }

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == RealCluster.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return cluster(context);
        }

        private static RealCluster cluster(ExtensionContext context) {
            return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                    .getOrComputeIfAbsent(RealCluster.class, k -> RealCluster.connect(), RealCluster.class);
        }
    }
}
