package io.kupervisor.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.kupervisor.api.v1alpha1.DisruptionBudget;
import io.kupervisor.api.v1alpha1.SupervisedProgram;
import io.kupervisor.api.v1alpha1.SupervisedProgramSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The chart's RBAC is what the operator needs, verb by verb: the operator runs under the chart's
 * ServiceAccount, with a token from the API server (TokenRequest), bound to exactly the chart's
 * ClusterRole and leader-election Role, and does everything it does (spawn, status, Events and
 * their counts, a PodDisruptionBudget written, changed and removed, the finalizer of earlier
 * versions removed, stop, start, deletion) without one refusal.
 */
@ExtendWith(E2eCluster.Extension.class)
class RbacE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Path CHART = E2eCluster.ROOT.resolve("helm/kupervisor");
    private static final String SERVICE_ACCOUNT = "kv-kupervisor";

    @Test
    void theOperatorWorksWithExactlyTheChartsRbac(E2eCluster cluster) throws Exception {
        String ns = cluster.namespace("e2e-rbac");
        Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "rbac-");
        // the chart's ServiceAccount and roles, rendered by Helm, in the release namespace (the lease's)
        String rendered = new Helm(CHART).template().withName("kv").withNamespace(OperatorProcess.LEASE_NAMESPACE)
                .withKubeVersion("1.34.12").call();
        List<String> rbac = new ArrayList<>();
        for (String doc : rendered.split("(?m)^---\\s*$")) {
            if (doc.matches("(?s).*\\nkind: (ServiceAccount|ClusterRole|ClusterRoleBinding|Role|RoleBinding)\\n.*")) {
                rbac.add(doc.strip());
            }
        }
        assertThat(rbac).hasSize(5);
        Path rbacFile = work.resolve("rbac.yaml");
        Files.writeString(rbacFile, String.join("\n---\n", rbac) + "\n");
        cluster.kubectl("apply", "-n", OperatorProcess.LEASE_NAMESPACE, "-f", rbacFile.toString()).requireSuccess();
        String token = cluster.kubectl("create", "token", SERVICE_ACCOUNT, "-n", OperatorProcess.LEASE_NAMESPACE,
                "--duration=1h").requireSuccess().stdout().strip();
        Config admin = Config.fromKubeconfig(Files.readString(cluster.api().kubeconfig()));
        String ca = admin.getCaCertData() != null ? admin.getCaCertData()
                : java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(Path.of(admin.getCaCertFile())));
        Path kubeconfig = work.resolve("kubeconfig.yaml");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: e2e
                  cluster:
                    server: %s
                    certificate-authority-data: %s
                users:
                - name: operator
                  user:
                    token: %s
                contexts:
                - name: operator
                  context: {cluster: e2e, user: operator}
                current-context: operator
                """.formatted(admin.getMasterUrl(), ca, token));
        // the token is the ServiceAccount's, and it may not do more than the chart says
        assertThat(cluster.kubectl("--kubeconfig", kubeconfig.toString(), "auth", "whoami", "-o",
                "jsonpath={.status.userInfo.username}").requireSuccess().stdout())
                .isEqualTo("system:serviceaccount:" + OperatorProcess.LEASE_NAMESPACE + ":" + SERVICE_ACCOUNT);
        assertThat(cluster.kubectl("--kubeconfig", kubeconfig.toString(), "auth", "can-i", "get", "pods", "-n", ns)
                .stdout().strip()).isEqualTo("no");

        cluster.operator().close();
        OperatorProcess op = OperatorProcess.start("rbac-1", kubeconfig, Map.of());
        try (var watch = new NamespaceWatch(cluster.client(), ns)) {
            op.awaitLeadership(cluster.client(), Duration.ofSeconds(60));
            exercise(cluster, ns, watch);
            String log = op.logText().toLowerCase(Locale.ROOT);
            assertThat(log).as("refusals in the operator's log " + op.log()).doesNotContain("forbidden")
                    .doesNotContain("code=403").doesNotContain("\"code\":403");
        } finally {
            op.close();
            cluster.startOperator().awaitLeadership(cluster.client(), Duration.ofSeconds(60));
        }
    }

    private static void exercise(E2eCluster cluster, String ns, NamespaceWatch watch) {
        var programs = cluster.client().resources(SupervisedProgram.class).inNamespace(ns);
        SupervisedProgramSpec spec = new SupervisedProgramSpec();
        spec.image = "busybox:1.36";
        spec.command = "/bin/sleep 3600";
        spec.user = "1000";
        spec.disruptionBudget = new DisruptionBudget();
        SupervisedProgram program = new SupervisedProgram(ns, "svc", spec);
        // as an earlier operator left it: with its finalizer
        program.getMetadata().setFinalizers(List.of("supervisedprograms.kupervisor.io/finalizer"));
        programs.resource(program).create();

        Pod pod = watch.awaitPod("svc", "svc", 1, WAIT);
        new Kubelet(cluster.client()).running(pod, Instant.now().minusSeconds(5));
        watch.awaitState("svc", "svc", "RUNNING", WAIT);
        await().atMost(WAIT).until(() -> programs.withName("svc").get().getMetadata().getFinalizers().isEmpty());
        var budgets = cluster.client().policy().v1().podDisruptionBudget().inNamespace(ns);
        await().atMost(WAIT).until(() -> budgets.withName("svc").get() != null);
        assertThat(budgets.withName("svc").get().getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
        merge(programs, "{\"spec\":{\"disruptionBudget\":{\"maxUnavailable\":0}}}");
        await().atMost(WAIT).until(() -> budgets.withName("svc").get().getSpec().getMaxUnavailable().getIntVal() == 0);

        // stop and start twice: the second "stopped: svc ..." counts up the first's Event (a patch)
        for (int i = 0; i < 2; i++) {
            merge(programs, "{\"spec\":{\"state\":\"stopped\"}}");
            watch.awaitState("svc", "svc", "STOPPED", WAIT);
            merge(programs, "{\"spec\":{\"state\":\"running\"}}");
            Pod next = watch.awaitPod("svc", "svc", 2 + i, WAIT);
            new Kubelet(cluster.client()).running(next, Instant.now().minusSeconds(5));
            watch.awaitState("svc", "svc", "RUNNING", WAIT);
        }
        await().atMost(WAIT).until(() -> cluster.client().v1().events().inNamespace(ns).list().getItems().stream()
                .anyMatch(e -> e.getMessage().startsWith("stopped: svc") && e.getCount() != null && e.getCount() == 2));

        merge(programs, "{\"spec\":{\"disruptionBudget\":null}}");
        await().atMost(WAIT).until(() -> budgets.withName("svc").get() == null);
        programs.withName("svc").delete();
        await().atMost(WAIT).until(() -> programs.withName("svc").get() == null);
        List<Event> events = cluster.client().v1().events().inNamespace(ns).list().getItems();
        assertThat(events).extracting(Event::getReason).contains("Spawned", "Running", "Stopped");
        // the budget is not the processes' configuration: changing it replaced nothing
        assertThat(events).extracting(Event::getMessage).noneMatch(m -> m.startsWith("updated:"));
    }

    /** A merge patch of the spec (no resourceVersion: the operator's status writes do not conflict with it). */
    private static void merge(io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<SupervisedProgram,
            io.fabric8.kubernetes.api.model.KubernetesResourceList<SupervisedProgram>,
            io.fabric8.kubernetes.client.dsl.Resource<SupervisedProgram>> programs, String patch) {
        programs.withName("svc").patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE), patch);
    }
}
