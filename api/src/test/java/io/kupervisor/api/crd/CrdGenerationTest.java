package io.kupervisor.api.crd;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        int description = generated.indexOf("name: \"Description\"");
        int age = generated.indexOf("name: \"Age\"");
        assertThat(state).isPositive();
        assertThat(description).isGreaterThan(state);
        assertThat(age).isGreaterThan(description);
        assertThat(generated).contains("jsonPath: \".status.description\"");
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
