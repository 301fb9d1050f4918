package io.kupervisor.operator.helm;

import com.marcnuri.helm.Helm;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A scrape by annotation goes to the pod: the annotation names the port the operator listens on
 * whatever port the metrics Service is given (it named the Service's port before).
 */
class MetricsPortTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getFileName().toString().equals("operator")
            ? Path.of("..").toAbsolutePath().normalize() : Path.of("").toAbsolutePath();

    @Test
    void theScrapeAnnotationFollowsThePodsPortNotTheServices() {
        String out = new Helm(ROOT.resolve("helm/kupervisor")).template().withName("kv").withNamespace("ops")
                .withKubeVersion("1.33.0").set("metrics.port", "8080").call();
        assertThat(out).contains("prometheus.io/port: \"9000\"", "containerPort: 9000",
                "name: QUARKUS_MANAGEMENT_PORT\n              value: \"9000\"",
                "port: 8080\n      targetPort: management");
        assertThat(out).doesNotContain("prometheus.io/port: \"8080\"");
    }
}
