package io.kupervisor.api.crd;

import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kupervisor.api.v1alpha1.SupervisedProgram;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/**
 * Generates the CRD from the Java types with fabric8's crd-generator. The generator sorts printer
 * columns by JSON path; they are put back in supervisorctl's order (STATE, DESCRIPTION, AGE).
 */
final class CrdFiles {
    static final String FILE = "supervisedprograms.kupervisor.io-v1.yml";
    static final List<String> COLUMN_ORDER = List.of("State", "Description", "Ready", "Age");

    private CrdFiles() {
    }

    static String generate(Path workDir) throws IOException {
        Files.createDirectories(workDir);
        new CRDGenerator()
                .inOutputDir(workDir.toFile())
                .customResourceClasses(SupervisedProgram.class)
                .forCRDVersions("v1")
                .withParallelGenerationEnabled(false)
                .generate();
        KubernetesSerialization serialization = new KubernetesSerialization();
        CustomResourceDefinition crd = serialization.unmarshal(Files.readString(workDir.resolve(FILE)),
                CustomResourceDefinition.class);
        crd.getSpec().getVersions().forEach(v -> v.getAdditionalPrinterColumns()
                .sort(Comparator.comparingInt((CustomResourceColumnDefinition c) -> COLUMN_ORDER.indexOf(c.getName()))));
        return "# Generated from io.kupervisor.api.v1alpha1 by fabric8's CRDGenerator (api module, CrdGenerationTest).\n"
                + "# Do not edit: change the Java types and run\n"
                + "#   ./mvnw -pl api -am test -Dtest=CrdGenerationTest -Dkupervisor.crds.update=true -Dsurefire.failIfNoSpecifiedTests=false\n"
                + serialization.asYaml(crd);
    }

    /** The repository root (the api module's parent). */
    static Path repoRoot() {
        Path here = Path.of("").toAbsolutePath();
        return here.getFileName().toString().equals("api") ? here.getParent() : here;
    }
}
