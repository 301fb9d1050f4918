package io.kupervisor.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The in-pod examples as a cluster user meets them (examples/&#42;/in-pod, made by migrate): admitted
 * in a namespace that enforces the restricted Pod Security level and has a ResourceQuota, reached
 * through their Service, and what they mean for {@code kubectl drain}.
 */
@ExtendWith(RealCluster.Extension.class)
class InPodExamplesClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(180);

    @Test
    void timeitIsAdmittedInARestrictedNamespaceWithAResourceQuota(RealCluster cluster) {
        String ns = cluster.namespace("cluster-quota", Map.of("pod-security.kubernetes.io/enforce", "restricted"));
        // a quota on requests: every container must request cpu and memory, or the pod is refused
        cluster.kubectl("create", "quota", "q", "-n", ns, "--hard=requests.cpu=2,requests.memory=2Gi,pods=4")
                .requireSuccess();
        try (var pods = new InPodClusterTest.Pods(cluster, ns)) {
            cluster.kubectl("apply", "-n", ns, "-f", E2eCluster.ROOT.resolve("examples/timeit/in-pod").toString())
                    .requireSuccess();
            cluster.kubectl("rollout", "status", "-n", ns, "deployment/timeit", "--timeout=180s").requireSuccess();
            Pod pod = pods.await(InPodClusterTest::ready, "Ready", WAIT);
            try (var timeit = PodLogStream.follow(cluster, ns, pod.getMetadata().getName(), "timeit")) {
                assertThat(timeit.awaitLines(1, WAIT)).allMatch(l -> l.matches("\\d{10}"));
            }
            String used = cluster.kubectl("get", "quota", "q", "-n", ns, "-o", "jsonpath={.status.used.pods}")
                    .requireSuccess().stdout();
            assertThat(used).isEqualTo("1");
            // the pod's emptyDirs are what a drain refuses without --delete-emptydir-data (the report says so)
            var drain = cluster.kubectl("drain", "kupervisor-node", "--ignore-daemonsets", "--dry-run=server",
                    "--pod-selector=app.kubernetes.io/name=timeit", "--timeout=30s");
            assertThat(drain.exitCode()).isNotZero();
            assertThat(drain.stderr()).contains("local storage").contains("--delete-emptydir-data");
        }
    }

    @Test
    void nginxAndPhpFpmAnswerThroughTheirService(RealCluster cluster) throws Exception {
        String ns = cluster.namespace("cluster-web");
        try (var pods = new InPodClusterTest.Pods(cluster, ns)) {
            cluster.kubectl("apply", "-n", ns, "-f", E2eCluster.ROOT.resolve("examples/nginx-php-fpm/in-pod").toString())
                    .requireSuccess();
            pods.await(InPodClusterTest::ready, "Ready", WAIT);
            // kubectl port-forward to the Service, as a user reaches it; port 0: kubectl picks one
            List<String> command = new ArrayList<>(List.of(cluster.kubectlBinary().toString(),
                    "--kubeconfig=" + cluster.kubeconfig(), "port-forward", "-n", ns, "svc/web", ":80"));
            Process forward = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (var out = new BufferedReader(new InputStreamReader(forward.getInputStream(), StandardCharsets.UTF_8))) {
                Matcher m = null;
                for (String line; (line = out.readLine()) != null; ) {
                    m = Pattern.compile("Forwarding from 127\\.0\\.0\\.1:(\\d+) -> 80").matcher(line);
                    if (m.find()) {
                        break;
                    }
                }
                assertThat(m).as("kubectl port-forward's port").isNotNull();
                int port = Integer.parseInt(m.group(1));
                HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/index.php")).timeout(Duration.ofSeconds(60)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(page.statusCode()).isEqualTo(200);
                assertThat(page.body()).startsWith("php-fpm ").contains("behind nginx");
            } finally {
                forward.destroy();
            }
        }
    }
}
