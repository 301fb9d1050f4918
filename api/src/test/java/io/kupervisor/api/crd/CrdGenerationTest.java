package io.kupervisor.api.crd;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The committed CRDs (crds/ and the Helm chart's crds/) are what the build generates from the Java
 * types. Run with {@code -Dkupervisor.crds.update=true} to rewrite them after changing the types.
 */
class CrdGenerationTest {
    private static String generated;

    @BeforeAll
    static void generate() throws IOException {
        generated = CrdFiles.generate(Path.of("target", "crd-generator"));
        Path out = Path.of("target", "crds", CrdFiles.FILE);
        Files.createDirectories(out.getParent());
        Files.writeString(out, generated);
        if (Boolean.getBoolean("kupervisor.crds.update")) {
            for (Path dir : committedDirs()) {
                Files.createDirectories(dir);
                Files.writeString(dir.resolve(CrdFiles.FILE), generated);
            }
        }
    }

    private static List<Path> committedDirs() {
        Path root = CrdFiles.repoRoot();
        return List.of(root.resolve("crds"), root.resolve("helm/kupervisor/crds"));
    }

    @Test
    void committedCrdsEqualTheGeneratedOne() throws IOException {
        for (Path dir : committedDirs()) {
            Path committed = dir.resolve(CrdFiles.FILE);
            assertThat(committed).as("%s exists (generate it with -Dkupervisor.crds.update=true)", committed).exists();
            assertThat(Files.readString(committed))
                    .as("%s differs from the CRD generated from the Java types; rerun with -Dkupervisor.crds.update=true",
                            committed)
                    .isEqualTo(generated);
        }
    }

    @Test
    void namesMatchTheDesign() {
        assertThat(generated)
                .contains("group: \"kupervisor.io\"")
                .contains("kind: \"SupervisedProgram\"")
                .contains("plural: \"supervisedprograms\"")
                .contains("- \"sprog\"")
                .contains("scope: \"Namespaced\"")
                .contains("name: \"v1alpha1\"")
                .contains("subresources:\n      status: {}");
    }

    @Test
    void printerColumnsReadLikeSupervisorctl() {
        int state = generated.indexOf("name: \"State\"");
        int ready = generated.indexOf("name: \"Ready\"");
        int description = generated.indexOf("name: \"Description\"");
        int uptime = generated.indexOf("name: \"Uptime\"");
        int age = generated.indexOf("name: \"Age\"");
        assertThat(state).isPositive();
        assertThat(ready).isGreaterThan(state);
        assertThat(description).isGreaterThan(ready);
        assertThat(uptime).isGreaterThan(description);
        assertThat(age).isGreaterThan(uptime);
        assertThat(generated).contains("jsonPath: \".status.description\"");
        // every column is in the default output (READY included), none only in -o wide
        assertThat(generated).doesNotContain("priority: 1");
        // the uptime is a timestamp the client turns into an age: the status is not rewritten to count it
        assertThat(generated).contains("jsonPath: \".status.readySince\"\n      name: \"Uptime\"\n      priority: 0\n      type: \"date\"");
    }

    /** kubectl explain shows a description for every field, down to the Kubernetes-typed ones. */
    @Test
    void everyFieldHasADescription() {
        CustomResourceDefinition crd = new KubernetesSerialization().unmarshal(generated, CustomResourceDefinition.class);
        JSONSchemaProps root = crd.getSpec().getVersions().getFirst().getSchema().getOpenAPIV3Schema();
        List<String> missing = new ArrayList<>();
        undescribed("", root.getProperties().get("spec"), missing);
        undescribed("", root.getProperties().get("status"), missing);
        assertThat(missing).as("fields without a description").isEmpty();
        assertThat(root.getDescription()).isNotBlank();
    }

    private static void undescribed(String path, JSONSchemaProps p, List<String> missing) {
        if (p.getDescription() == null || p.getDescription().isBlank()) {
            missing.add(path.isEmpty() ? "(root)" : path);
        }
        if (p.getProperties() != null) {
            p.getProperties().forEach((name, child) -> undescribed(path + "." + name, child, missing));
        }
        if (p.getItems() != null && p.getItems().getSchema() != null && p.getItems().getSchema().getProperties() != null) {
            p.getItems().getSchema().getProperties().forEach((name, child) -> undescribed(path + "[]." + name, child, missing));
        }
    }

    /** The API conventions: lists of named things are maps (server-side apply merges them by key). */
    @Test
    void conditionsAndProcessesAreListMaps() {
        assertThat(generated).contains("x-kubernetes-list-map-keys:\n                - \"type\"\n                x-kubernetes-list-type: \"map\"");
        assertThat(generated).contains("x-kubernetes-list-map-keys:\n                - \"name\"\n                x-kubernetes-list-type: \"map\"");
    }

    /** Kubernetes-typed fields are objects kept as written (the API server validates the pod built from them). */
    @Test
    void kubernetesFieldsKeepTheCrdSmall() {
        assertThat(generated.length()).as("small enough for kubectl apply's last-applied annotation (256 KiB)")
                .isLessThan(64 * 1024);
        assertThat(generated).contains("podTemplate:\n                description:");
        assertThat(generated).doesNotContain("terminationGracePeriodSeconds");
    }

    @Test
    void schemaRefusesWhatSupervisordRefuses() {
        assertThat(generated)
                .contains("- \"command\"\n            - \"image\"")
                .contains("rule: \"self in ['true', 'false', 'unexpected']\"")
                .contains("rule: \"self.all(c, c >= 0 && c <= 255)\"")
                .contains("processName must contain %(process_num) when numprocs > 1")
                .contains("Cannot set stopasgroup=true and killasgroup=false")
                .contains("stopsignal must be a signal name")
                .contains("- \"running\"\n                - \"stopped\"");
        // minimums for the counts and times
        assertThat(generated).containsPattern("startsecs:\\n(.*\\n){0,3}? *minimum: 0\\.0");
        assertThat(generated).containsPattern("numprocs:\\n(.*\\n){0,4}? *minimum: 1\\.0");
    }
}
