package io.kupervisor.operator.reconciler;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** Health endpoints and Prometheus metrics (on the management port in prod); no per-resource labels. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class MetricsHealthTest {

    @TestHTTPResource(value = "/q/metrics")
    URL metrics;

    @TestHTTPResource(value = "/q/health/ready")
    URL ready;

    @TestHTTPResource(value = "/q/health/live")
    URL live;

    private static HttpResponse<String> get(URL url) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create(url.toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void healthEndpointsAnswer() throws Exception {
        assertThat(get(live).statusCode()).isEqualTo(200);
        HttpResponse<String> r = get(ready);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"status\": \"UP\"");
    }

    @Test
    void metricsHaveBoundedLabels() throws Exception {
        String body = get(metrics).body();
        assertThat(body).contains("kupervisor_processes{state=\"RUNNING\"}")
                .contains("kupervisor_process_transitions_total{to=\"FATAL\"}")
                .contains("kupervisor_reconcile_seconds")
                .contains("kupervisor_pods_created_total");
        // no series names a program, pod or process
        assertThat(body.lines().filter(l -> l.startsWith("kupervisor_")))
                .noneMatch(l -> l.contains("name=") || l.contains("pod=") || l.contains("program="));
    }
}
