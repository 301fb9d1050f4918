package io.kupervisor.operator.reconciler;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
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
 *
 * <p>No finalizer: deleting a program deletes its pods through their owner references (the
 * garbage collector honours each pod's grace period, stopwaitsecs), so deletion does not wait for
 * the operator, and does not hang when it is not installed. Without a finalizer JOSDK does not
 * call the reconciler for a deleted program (quarkus-operator-sdk 7.7.3 does not pass
 * {@code triggerReconcilerOnAllEvents} on), so the runtimes of programs gone from the cache are
 * forgotten by a sweep ({@link RuntimeStore#forgetAllBut}).
 */
@ControllerConfiguration(name = "supervisedprogram", generationAwareEventProcessing = false)
public class SupervisedProgramReconciler implements Reconciler<SupervisedProgram> {
    /** The finalizer earlier versions added (JOSDK's default name); removed wherever it is found. */
    static final String LEGACY_FINALIZER = "supervisedprograms.kupervisor.io/finalizer";

    private final RuntimeStore store;
    private final ProgramDriver.Deps deps;
    private final OperatorMetrics metrics;
    private final Clock clock;
    private final KubernetesSerialization serialization;
    private final KubernetesClient client;
    private final DisruptionBudgets budgets;

    public SupervisedProgramReconciler(KubernetesClient client, RuntimeStore store, EventRecorder events,
            OperatorMetrics metrics, OperatorConfig config, Clock clock) {
        this.store = store;
        this.metrics = metrics;
        this.clock = clock;
        this.serialization = client.getKubernetesSerialization();
        this.client = client;
        this.budgets = new DisruptionBudgets(client);
        store.sweepEvery(config.forgetInterval());
        this.deps = new ProgramDriver.Deps(new PodActions(client), new PodFactory(config.stopSignal(), config.initImage()), events, metrics,
                java.time.ZoneId.of(config.timeZone()));
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
            store.watch(context.getPrimaryCache());
            if (program.getMetadata().getDeletionTimestamp() != null) {
                // the garbage collector deletes the pods (and the budget) with their grace
                removeLegacyFinalizer(program);
                store.remove(uid);
                return UpdateControl.noUpdate();
            }
            removeLegacyFinalizer(program);
            ProgramRuntime runtime = store.get(uid);
            if (runtime == null) {
                runtime = ProgramDriver.restore(program);
                store.put(uid, runtime);
            }
            budgets.reconcile(program, runtime);
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

    /** Takes out the finalizer of earlier versions, so that deleting the program never waits for an operator. */
    private void removeLegacyFinalizer(SupervisedProgram program) {
        List<String> finalizers = program.getMetadata().getFinalizers();
        if (finalizers == null || !finalizers.contains(LEGACY_FINALIZER)) {
            return;
        }
        int index = finalizers.indexOf(LEGACY_FINALIZER);
        try {
            // resource(...): fabric8 patches the object it is given; withName(...) would read it first
            client.resources(SupervisedProgram.class).inNamespace(program.getMetadata().getNamespace())
                    .resource(program)
                    .patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON),
                            "[{\"op\":\"test\",\"path\":\"/metadata/finalizers/" + index + "\",\"value\":\"" + LEGACY_FINALIZER
                                    + "\"},{\"op\":\"remove\",\"path\":\"/metadata/finalizers/" + index + "\"}]");
            program.getMetadata().setFinalizers(new java.util.ArrayList<>(finalizers.stream()
                    .filter(f -> !f.equals(LEGACY_FINALIZER)).toList()));
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            // changed meanwhile or already gone: the next reconcile sees the new version
            org.jboss.logging.Logger.getLogger(SupervisedProgramReconciler.class)
                    .debugf("legacy finalizer not removed from %s: %s", program.getMetadata().getName(), e.getMessage());
        }
    }

    private boolean same(SupervisedProgramStatus a, SupervisedProgramStatus b) {
        if (a == null || b == null) {
            return a == b;
        }
        return Objects.equals(serialization.asJson(a), serialization.asJson(b));
    }
}
