package io.kupervisor.e2e;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/** SupervisedProgram manifests as a user writes them, and the Events the operator wrote about them. */
final class Programs {
    private Programs() {
    }

    /**
     * A SupervisedProgram named {@code name} running {@code /bin/NAME --serve} in busybox, with the
     * extra spec lines given (YAML, without indentation).
     */
    static String yaml(String name, String... specLines) {
        StringBuilder y = new StringBuilder("""
                apiVersion: kupervisor.io/v1alpha1
                kind: SupervisedProgram
                metadata:
                  name: %s
                spec:
                  command: /bin/%s --serve
                  image: busybox:1.36
                """.formatted(name, name));
        for (String line : specLines) {
            y.append("  ").append(line).append('\n');
        }
        return y.toString();
    }

    /** Writes {@code yaml} to {@code dir/name.yaml}. */
    static Path write(Path dir, String name, String yaml) {
        try {
            Files.createDirectories(dir);
            return Files.writeString(dir.resolve(name + ".yaml"), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Applies a program with the real kubectl, as a user would. */
    static void apply(E2eCluster cluster, Path dir, String namespace, String name, String... specLines) {
        Path file = write(dir, name, yaml(name, specLines));
        cluster.kubectl("apply", "-n", namespace, "-f", file.toString()).requireSuccess();
    }

    /**
     * The messages of the Events about {@code program}, oldest first (the operator names them
     * {@code <program>.<millis><sequence>} in hex); a series ends in {@code (xN)}.
     */
    static List<String> events(KubernetesClient client, String namespace, String program) {
        return series(client, namespace, program).stream()
                .map(e -> e.getCount() == null || e.getCount() == 1 ? e.getMessage() : e.getMessage() + " (x" + e.getCount() + ")")
                .toList();
    }

    /**
     * The program's Events, oldest first: a line the operator wrote again within 10 minutes is one
     * Event with a count (a series, as {@code kubectl describe} shows {@code x3 over 5s}), at its
     * first place.
     */
    static List<Event> series(KubernetesClient client, String namespace, String program) {
        return client.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> program.equals(e.getInvolvedObject().getName()))
                .sorted(Comparator.comparing((Event e) -> e.getMetadata().getName()))
                .toList();
    }
}
