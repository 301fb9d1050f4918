package io.kupervisor.operator.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** helm/kupervisor is linted and rendered with helm-java (Helm's own Go code, no helm binary). */
class HelmChartTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getFileName().toString().equals("operator")
            ? Path.of("..").toAbsolutePath().normalize() : Path.of("").toAbsolutePath();
    private static final Path CHART = ROOT.resolve("helm/kupervisor");
    private static final String CRD = "supervisedprograms.kupervisor.io-v1.yml";

    private static String render(String... sets) {
        var template = new Helm(CHART).template().withName("kv").withNamespace("ops").withKubeVersion("1.33.0");
        for (int i = 0; i < sets.length; i += 2) {
            template.set(sets[i], sets[i + 1]);
        }
        return template.call();
    }

    @Test
    void chartLintsClean() {
        LintResult result = new Helm(CHART).lint().strict().call();
        assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
    }

    @Test
    void chartCrdsAreTheGeneratedOnes() throws Exception {
        assertThat(Files.readString(CHART.resolve("crds").resolve(CRD)))
                .isEqualTo(Files.readString(ROOT.resolve("crds").resolve(CRD)));
    }

    @Test
    void defaultsWatchEveryNamespaceWithAClusterRole() {
        String out = render();
        assertThat(out).contains("kind: Deployment", "kind: ClusterRole\n", "kind: ClusterRoleBinding",
                "kind: ServiceAccount", "value: JOSDK_ALL_NAMESPACES", "image: \"kupervisor/operator:0.1.0\"",
                "path: /q/health/live", "path: /q/health/ready", "prometheus.io/path: /q/metrics",
                "name: kv-kupervisor-metrics");
        // RBAC no wider than what the operator touches (e2e RbacE2ETest runs it with exactly these)
        assertThat(out).contains("resources: [\"pods\"]\n    verbs: [\"list\", \"watch\", \"create\", \"delete\"]",
                "resources: [\"supervisedprograms\"]\n    verbs: [\"list\", \"watch\", \"patch\"]",
                "resources: [\"supervisedprograms/status\"]\n    verbs: [\"patch\"]",
                "resources: [\"poddisruptionbudgets\"]\n    verbs: [\"get\", \"create\", \"patch\", \"delete\"]");
        // process pods get kupervisor-init from the kupervisor image of the same release
        assertThat(out).contains("name: KUPERVISOR_OPERATOR_STOP_SIGNAL\n              value: \"init\"",
                "name: KUPERVISOR_OPERATOR_INIT_IMAGE\n              value: \"kupervisor/kupervisor:0.1.0\"");
        // no fixed heap: a share of the memory limit
        assertThat(out).contains("-XX:MaxRAMPercentage=45").doesNotContain("-Xmx");
        assertThat(out).doesNotContain("secrets", "customresourcedefinitions", "\"*\"");
        // leader election: the lease in the release namespace only
        assertThat(out).contains("name: kv-kupervisor-leader-election\n  namespace: ops",
                "resources: [\"leases\"]", "name: KUPERVISOR_OPERATOR_LEADER_ELECTION_ENABLED\n              value: \"true\"");
    }

    @Test
    void watchedNamespacesGetRolesAndTheOperatorIsToldOfThem() {
        String out = render("watchNamespaces[0]", "apps", "watchNamespaces[1]", "batch");
        assertThat(out).doesNotContain("kind: ClusterRole");
        assertThat(out).contains("kind: Role\nmetadata:\n  name: kv-kupervisor\n  namespace: apps",
                "kind: Role\nmetadata:\n  name: kv-kupervisor\n  namespace: batch", "value: \"apps,batch\"");
    }

    @Test
    void knobsReachTheOperator() {
        String out = render("leaderElection.enabled", "false", "metrics.enabled", "false",
                "image.tag", "1.2.3", "resources.limits.memory", "300Mi", "operator.stopSignal", "prestop");
        assertThat(out).doesNotContain("leases", "kind: Service\n", "prometheus.io/scrape");
        assertThat(out).contains("image: \"kupervisor/operator:1.2.3\"", "memory: 300Mi",
                "name: KUPERVISOR_OPERATOR_LEADER_ELECTION_ENABLED\n              value: \"false\"",
                "name: KUPERVISOR_OPERATOR_STOP_SIGNAL\n              value: \"prestop\"");
    }

    @Test
    void jvmOptionsReachTheJavaLauncher() {
        // the image's entrypoint is a plain "java -jar": only JDK_JAVA_OPTIONS reaches the JVM from the pod
        assertThat(render("javaOpts", "-Xmx64m")).contains("name: JDK_JAVA_OPTIONS\n              value: \"-Xmx64m\"");
        assertThat(render()).contains("name: JDK_JAVA_OPTIONS\n              value: \"-XX:+UseSerialGC");
    }

    @Test
    void severalReplicasNeedLeaderElection() {
        assertThatThrownBy(() -> render("replicaCount", "2", "leaderElection.enabled", "false"))
                .hasMessageContaining("replicaCount > 1 needs leaderElection.enabled=true");
        assertThat(render("replicaCount", "2")).contains("replicas: 2");
    }
}
