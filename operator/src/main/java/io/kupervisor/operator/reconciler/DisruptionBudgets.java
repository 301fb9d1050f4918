package io.kupervisor.operator.reconciler;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kupervisor.api.v1alpha1.SupervisedProgram;
import io.kupervisor.operator.pod.PodNames;
import org.jboss.logging.Logger;

/**
 * The PodDisruptionBudget of a program that asks for one ({@code spec.disruptionBudget}): named as
 * the program, selecting its pods, owned by it (deleted with it by the garbage collector). What was
 * applied is remembered in the status, so a budget is written only when the spec changes it.
 */
final class DisruptionBudgets {
    private static final Logger LOG = Logger.getLogger(DisruptionBudgets.class);

    private final KubernetesClient client;

    DisruptionBudgets(KubernetesClient client) {
        this.client = client;
    }

    /** Brings the program's budget to what its spec says; records it in {@code runtime.budget}. */
    void reconcile(SupervisedProgram program, ProgramRuntime runtime) {
        var spec = program.getSpec().disruptionBudget;
        String wanted = spec == null ? null : "maxUnavailable=" + (spec.maxUnavailable == null ? 1 : spec.maxUnavailable);
        if (java.util.Objects.equals(wanted, runtime.budget)) {
            return;
        }
        String ns = program.getMetadata().getNamespace();
        String name = program.getMetadata().getName();
        var budgets = client.policy().v1().podDisruptionBudget().inNamespace(ns);
        try {
            if (wanted == null) {
                budgets.withName(name).delete();
            } else {
                PodDisruptionBudget pdb = budget(program, spec.maxUnavailable == null ? 1 : spec.maxUnavailable);
                try {
                    budgets.resource(pdb).create();
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 409) {
                        throw e;
                    }
                    budgets.withName(name).edit(old -> {
                        old.setSpec(pdb.getSpec());
                        return old;
                    });
                }
            }
            runtime.budget = wanted;
        } catch (KubernetesClientException e) {
            LOG.warnf("%s/%s: PodDisruptionBudget not written (retried at the next reconcile): %s", ns, name, e.getMessage());
        }
    }

    static PodDisruptionBudget budget(SupervisedProgram program, int maxUnavailable) {
        return new PodDisruptionBudgetBuilder()
                .withNewMetadata()
                .withName(program.getMetadata().getName())
                .withNamespace(program.getMetadata().getNamespace())
                .addToLabels(PodNames.MANAGED_BY, PodNames.MANAGER)
                .addToLabels(PodNames.PROGRAM_LABEL, program.getMetadata().getName())
                .withOwnerReferences(new OwnerReferenceBuilder()
                        .withApiVersion(program.getApiVersion())
                        .withKind(program.getKind())
                        .withName(program.getMetadata().getName())
                        .withUid(program.getMetadata().getUid())
                        .withController(true)
                        .build())
                .endMetadata()
                .withNewSpec()
                .withMaxUnavailable(new IntOrString(maxUnavailable))
                .withNewSelector()
                .addToMatchLabels(PodNames.MANAGED_BY, PodNames.MANAGER)
                .addToMatchLabels(PodNames.PROGRAM_LABEL, program.getMetadata().getName())
                .endSelector()
                .endSpec()
                .build();
    }
}
