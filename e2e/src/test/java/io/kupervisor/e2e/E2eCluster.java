package io.kupervisor.e2e;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The cluster the end-to-end tests share (one per test JVM): a real kube-apiserver with its etcd
 * ({@link TestApiServer}), the SupervisedProgram CRD applied from {@code crds/} with the real
 * kubectl, and the operator running as a child process ({@link OperatorProcess}). Each test works
 * in a namespace of its own. Test classes take it with {@code @ExtendWith(E2eCluster.Extension.class)}
 * and a parameter of this type; it is stopped after the last test.
 */
public final class E2eCluster implements AutoCloseable {
    /** The repository's root (crds/, examples/, core's conformance cases). */
    public static final Path ROOT = Path.of(System.getProperty("kupervisor.e2e.root", "..")).toAbsolutePath()
            .normalize();
    static final String CRD = "supervisedprograms.kupervisor.io";

    private final TestApiServer api;
    private final KubernetesClient client;
    private final AtomicInteger operators = new AtomicInteger();
    private volatile OperatorProcess operator;

    private E2eCluster(TestApiServer api) {
        this.api = api;
        this.client = api.client();
    }

    static E2eCluster start() {
        long t0 = System.nanoTime();
        TestApiServer api = TestApiServer.start();
        E2eCluster cluster = new E2eCluster(api);
        try {
            // the CRD first, as a user installs it (the operator never installs it)
            api.kubectl("apply", "-f", ROOT.resolve("crds").toString()).requireSuccess();
            api.kubectl("wait", "--for=condition=Established", "--timeout=60s", "crd/" + CRD).requireSuccess();
            cluster.client.namespaces().resource(new NamespaceBuilder().withNewMetadata()
                    .withName(OperatorProcess.LEASE_NAMESPACE).endMetadata().build()).serverSideApply();
            cluster.startOperator();
            cluster.operator.awaitLeadership(cluster.client, Duration.ofSeconds(60));
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
        System.out.printf("e2e: cluster ready in %d ms (API server %d ms, operator %d ms)%n",
                (System.nanoTime() - t0) / 1_000_000, api.startTime().toMillis(),
                cluster.operator.startTime().toMillis());
        return cluster;
    }

    public TestApiServer api() {
        return api;
    }

    /** The test's own fabric8 client (admin); the operator has its own in its process. */
    public KubernetesClient client() {
        return client;
    }

    public TestApiServer.Result kubectl(String... args) {
        return api.kubectl(args);
    }

    /** The running operator (null while a test has stopped it). */
    OperatorProcess operator() {
        return operator;
    }

    /** Starts another operator process (named op-1, op-2, ...); it may have to wait for the lease. */
    OperatorProcess startOperator() {
        OperatorProcess op = OperatorProcess.start("op-" + operators.incrementAndGet(), api.kubeconfig());
        operator = op;
        return op;
    }

    /** Creates a namespace for one test. */
    public String namespace(String name) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name)
                .addToLabels("kupervisor.io/e2e", "true").endMetadata().build()).create();
        return name;
    }

    @Override
    public void close() {
        try {
            if (operator != null) {
                operator.close();
            }
        } finally {
            client.close();
            api.close();
        }
    }

    /** Starts the shared cluster on first use and stops it when the whole test run ends. */
    public static final class Extension implements BeforeAllCallback, ParameterResolver {
        @Override
        public void beforeAll(ExtensionContext context) {
            cluster(context);
        }

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == E2eCluster.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return cluster(context);
        }

        private static E2eCluster cluster(ExtensionContext context) {
            return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                    .getOrComputeIfAbsent(E2eCluster.class, k -> E2eCluster.start(), E2eCluster.class);
        }
    }
}
