package io.kupervisor.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A supervisord {@code [program:x]} as a Kubernetes resource. The spec mirrors the INI keys; the
 * status reads like {@code supervisorctl status}.
 */
@Group(SupervisedProgram.GROUP)
@Version(SupervisedProgram.VERSION)
@Kind("SupervisedProgram")
@Plural("supervisedprograms")
@ShortNames("sprog")
@AdditionalPrinterColumn(name = "State", jsonPath = ".status.state", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Description", jsonPath = ".status.description", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.ready", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Uptime", jsonPath = ".status.readySince", type = AdditionalPrinterColumn.Type.DATE,
        getDescription = "time since the youngest process started, while every process is RUNNING")
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class SupervisedProgram extends CustomResource<SupervisedProgramSpec, SupervisedProgramStatus>
        implements Namespaced {

    public static final String GROUP = "kupervisor.io";
    public static final String VERSION = "v1alpha1";

    /** Annotation whose change restarts every process, like {@code kubectl rollout restart}. */
    public static final String RESTART_ANNOTATION = GROUP + "/restartedAt";

    public SupervisedProgram() {
    }

    public SupervisedProgram(String namespace, String name, SupervisedProgramSpec spec) {
        getMetadata().setNamespace(namespace);
        getMetadata().setName(name);
        setSpec(spec);
    }

    @Override
    protected SupervisedProgramSpec initSpec() {
        return new SupervisedProgramSpec();
    }

    @Override
    protected SupervisedProgramStatus initStatus() {
        return null;
    }
}
