package io.kupervisor.operator.reconciler;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import io.kupervisor.api.v1alpha1.SupervisedProgram;
import io.kupervisor.api.v1alpha1.SupervisedProgramStatus;
import io.kupervisor.operator.config.OperatorConfig;
import io.kupervisor.operator.pod.PodFactory;
import io.kupervisor.operator.pod.PodNames;
import io.kupervisor.operator.pod.SlimPodStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The SupervisedProgram controller. Each reconcile runs one {@link ProgramDriver} over the
 * program's pods (from an informer on the pods the operator labelled), writes the status when it
 * changed and asks to be called again when the next timer of any process is due. Generation-aware
 * filtering is off: the restart annotation and pod changes do not bump the generation.
 */
@ControllerConfiguration(name = "supervisedprogram", generationAwareEventProcessing = false)
public class SupervisedProgramReconciler implements Reconciler<SupervisedProgram>, Cleaner<SupervisedProgram> {

    private final RuntimeStore store;
    private final ProgramDriver.Deps deps;
    private final OperatorMetrics metrics;
    private final Clock clock;
    private final KubernetesSerialization serialization;

    public SupervisedProgramReconciler(KubernetesClient client, RuntimeStore store, EventRecorder events,
            OperatorMetrics metrics, OperatorConfig config, Clock clock) {
        this.store = store;
        this.metrics = metrics;
        this.clock = clock;
        this.serialization = client.getKubernetesSerialization();
        this.deps = new ProgramDriver.Deps(new PodActions(client), new PodFactory(config.stopSignal()), events, metrics,
                java.time.ZoneId.of(config.timeZone()), config.statusRefresh());
    }

    @Override
    public List<EventSource<?, SupervisedProgram>> prepareEventSources(EventSourceContext<SupervisedProgram> context) {
        var pods = InformerEventSourceConfiguration.from(Pod.class, SupervisedProgram.class)
                .withLabelSelector(PodNames.MANAGED_BY + "=" + PodNames.MANAGER)
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(SupervisedProgram.class))
                .withItemStore(new SlimPodStore())
                .build();
        return List.of(new InformerEventSource<>(pods, context));
    }

    @Override
    public UpdateControl<SupervisedProgram> reconcile(SupervisedProgram program, Context<SupervisedProgram> context) {
        long t0 = System.nanoTime();
        try {
            String uid = program.getMetadata().getUid();
            ProgramRuntime runtime = store.get(uid);
            if (runtime == null) {
                runtime = ProgramDriver.restore(program);
                store.put(uid, runtime);
            }
            Instant now = clock.instant();
            ProgramDriver.Result result = new ProgramDriver(program, runtime,
                    context.getSecondaryResources(Pod.class), now, deps).run();
            UpdateControl<SupervisedProgram> control;
            if (same(result.status(), program.getStatus())) {
                control = UpdateControl.noUpdate();
            } else {
                SupervisedProgram patch = new SupervisedProgram();
                patch.setMetadata(program.getMetadata());
                patch.setSpec(program.getSpec());
                patch.setStatus(result.status());
                control = UpdateControl.patchStatus(patch);
            }
            Optional<Instant> wake = result.wakeAt();
            if (wake.isPresent()) {
                long ms = Math.max(1, Duration.between(now, wake.get()).toMillis() + 1);
                control.rescheduleAfter(ms);
            }
            return control;
        } finally {
            metrics.reconciled(Duration.ofNanos(System.nanoTime() - t0));
        }
    }

    /** supervisord's group removal: every process is stopped (its pod deleted with its grace). */
    @Override
    public DeleteControl cleanup(SupervisedProgram program, Context<SupervisedProgram> context) {
        PodActions pods = deps.pods();
        long grace = program.getSpec() == null || program.getSpec().stopwaitsecs == null ? 10 : program.getSpec().stopwaitsecs;
        for (Pod pod : context.getSecondaryResources(Pod.class)) {
            if (pod.getMetadata().getDeletionTimestamp() == null) {
                pods.delete(pod.getMetadata().getNamespace(), pod.getMetadata().getName(), grace);
            }
        }
        store.remove(program.getMetadata().getUid());
        return DeleteControl.defaultDelete();
    }

    private boolean same(SupervisedProgramStatus a, SupervisedProgramStatus b) {
        if (a == null || b == null) {
            return a == b;
        }
        return Objects.equals(serialization.asJson(a), serialization.asJson(b));
    }
}
