package io.kupervisor.api.crd;

import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kupervisor.api.v1alpha1.SupervisedProgram;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Generates the CRD from the Java types with fabric8's crd-generator. The generator sorts printer
 * columns by JSON path; they are put back in supervisorctl's order (STATE, DESCRIPTION, AGE).
 */
final class CrdFiles {
    static final String FILE = "supervisedprograms.kupervisor.io-v1.yml";
    static final List<String> COLUMN_ORDER = List.of("State", "Ready", "Description", "Uptime", "Age");

    /**
     * Spec fields of Kubernetes' own types. Their full schemas would make the CRD larger than
     * {@code kubectl apply} can annotate (a pod template alone is hundreds of kilobytes) and carry no
     * descriptions (fabric8's model has none), so they are objects kept as written, described by
     * the Kubernetes field they are; the API server validates them when the pod is created.
     */
    static final List<String> KUBERNETES_FIELDS = List.of("imagePullSecrets", "resources", "tolerations", "affinity",
            "volumes", "volumeMounts", "env", "envFrom", "ports", "livenessProbe", "readinessProbe", "startupProbe",
            "securityContext", "podTemplate");

    /** metav1.Condition's field descriptions (fabric8's Condition carries none). */
    static final Map<String, String> CONDITION_FIELDS = Map.of(
            "type", "the condition: Ready, Reconciling or Stalled",
            "status", "True, False or Unknown",
            "reason", "why, in one CamelCase word",
            "message", "why, in words",
            "lastTransitionTime", "when the status last changed",
            "observedGeneration", "the generation of the spec the condition was computed from");

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
        crd.getSpec().getVersions().forEach(v -> {
            v.getAdditionalPrinterColumns()
                    .sort(Comparator.comparingInt((CustomResourceColumnDefinition c) -> COLUMN_ORDER.indexOf(c.getName())));
            JSONSchemaProps root = v.getSchema().getOpenAPIV3Schema();
            root.setDescription("A supervisord [program:x] run by the kupervisor operator: one pod per process, "
                    + "driven by supervisord's lifecycle rules.");
            root.getProperties().get("spec").setDescription("the program: its INI keys (command, autorestart, "
                    + "startsecs...) and what its pods need (image, resources...)");
            root.getProperties().get("status").setDescription("what supervisorctl status would say, per process "
                    + "and in summary, with conditions for tools");
            Map<String, JSONSchemaProps> spec = root.getProperties().get("spec").getProperties();
            for (String field : KUBERNETES_FIELDS) {
                spec.put(field, keptAsWritten(spec.get(field)));
            }
            // a set (each name once; server-side apply merges it item by item), names as bounded as processName
            JSONSchemaProps stopped = spec.get("stoppedProcesses");
            stopped.setXKubernetesListType("set");
            stopped.getItems().getSchema().setMinLength(1L);
            stopped.getItems().getSchema().setMaxLength(253L);
            Map<String, JSONSchemaProps> status = root.getProperties().get("status").getProperties();
            listMap(status.get("conditions"), "type");
            status.get("conditions").getItems().getSchema().setRequired(List.of("type", "status"));
            status.get("conditions").getItems().getSchema().getProperties()
                    .forEach((name, prop) -> prop.setDescription(CONDITION_FIELDS.get(name)));
            listMap(status.get("processes"), "name");
        });
        return "# Generated from io.kupervisor.api.v1alpha1 by fabric8's CRDGenerator (api module, CrdGenerationTest).\n"
                + "# Do not edit: change the Java types and run\n"
                + "#   ./mvnw -pl api -am test -Dtest=CrdGenerationTest -Dkupervisor.crds.update=true -Dsurefire.failIfNoSpecifiedTests=false\n"
                + serialization.asYaml(crd);
    }

    /** An object (or list of objects) of a Kubernetes type, kept as written, with its description. */
    private static JSONSchemaProps keptAsWritten(JSONSchemaProps typed) {
        JSONSchemaProps object = new JSONSchemaPropsBuilder().withType("object")
                .withXKubernetesPreserveUnknownFields(true).build();
        if ("array".equals(typed.getType())) {
            return new JSONSchemaPropsBuilder().withType("array").withDescription(typed.getDescription())
                    .withNewItems().withSchema(object).endItems().build();
        }
        object.setDescription(typed.getDescription());
        return object;
    }

    /** A list whose items are identified by {@code keys} (the API conventions' listMapKeys). */
    private static void listMap(JSONSchemaProps list, String key) {
        list.setXKubernetesListType("map");
        list.setXKubernetesListMapKeys(List.of(key));
        list.getItems().getSchema().setRequired(List.of(key));
    }

    /** The repository root (the api module's parent). */
    static Path repoRoot() {
        Path here = Path.of("").toAbsolutePath();
        return here.getFileName().toString().equals("api") ? here.getParent() : here;
    }
}
