package io.kupervisor.operator.pod;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Lifecycle;
import io.fabric8.kubernetes.api.model.LifecycleBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.kupervisor.api.resolve.ResolvedProcess;
import io.kupervisor.api.resolve.ResolvedProgram;
import io.kupervisor.api.v1alpha1.SupervisedProgram;
import io.kupervisor.api.v1alpha1.SupervisedProgramSpec;
import io.kupervisor.core.config.ValueTypes;
import io.kupervisor.core.state.Signals;
import io.kupervisor.operator.config.OperatorConfig.StopSignalMode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the pod of one spawn of one process: what supervisord's fork/exec does, in Kubernetes'
 * terms. {@code restartPolicy: Never}: the state machine, not the kubelet, decides every respawn.
 */
public final class PodFactory {
    /** Prefix of the log sidecars ({@code kubectl logs POD -c log-0}). */
    public static final String LOG_SIDECAR_PREFIX = "log-";

    private final StopSignalMode stopSignalMode;

    public PodFactory(StopSignalMode stopSignalMode) {
        this.stopSignalMode = stopSignalMode;
    }

    public Pod build(SupervisedProgram program, ResolvedProgram resolved, ResolvedProcess process, long spawn) {
        SupervisedProgramSpec spec = program.getSpec();
        String uid = program.getMetadata().getUid();
        String podName = PodNames.podName(uid, process.name(), spawn);

        Map<String, String> labels = new LinkedHashMap<>();
        if (spec.podLabels != null) {
            labels.putAll(spec.podLabels);
        }
        labels.put(PodNames.MANAGED_BY, PodNames.MANAGER);
        labels.put(PodNames.PROGRAM_LABEL, program.getMetadata().getName());
        labels.put(PodNames.GROUP_LABEL, PodNames.dnsLabel(resolved.groupName(), 63));
        labels.put(PodNames.PROCESS_LABEL, PodNames.processLabel(process.name()));
        labels.put(PodNames.SPAWN_LABEL, Long.toString(spawn));
        Map<String, String> annotations = new LinkedHashMap<>();
        if (spec.podAnnotations != null) {
            annotations.putAll(spec.podAnnotations);
        }
        annotations.put(PodNames.PROCESS_ANNOTATION, process.name());
        annotations.put(PodNames.CONFIG_ANNOTATION, resolved.configHash());

        List<VolumeMount> mounts = new ArrayList<>(spec.volumeMounts == null ? List.of() : spec.volumeMounts);
        List<Volume> volumes = new ArrayList<>(spec.volumes == null ? List.of() : spec.volumes);
        List<Container> sidecars = logSidecars(spec, mounts, volumes);

        ContainerBuilder main = new ContainerBuilder()
                .withName(PodNames.dnsLabel(resolved.programName(), 63))
                .withImage(spec.image)
                .withCommand(process.argv())
                .withWorkingDir(process.directory())
                .withEnv(env(process.environment()))
                .withResources(spec.resources)
                .withVolumeMounts(mounts);
        if (spec.imagePullPolicy != null) {
            main.withImagePullPolicy(spec.imagePullPolicy.name());
        }
        if (process.uid() != null) {
            main.withNewSecurityContext().withRunAsUser(process.uid()).endSecurityContext();
        }
        int signal = process.rules().stopSignal();
        Lifecycle lifecycle = stopLifecycle(signal);
        if (lifecycle != null) {
            main.withLifecycle(lifecycle);
        }

        PodSpecBuilder podSpec = new PodSpecBuilder()
                .withRestartPolicy("Never")
                .withTerminationGracePeriodSeconds((long) process.rules().stopwaitsecs())
                .withInitContainers(sidecars)
                .withContainers(main.build())
                .withVolumes(volumes)
                .withServiceAccountName(spec.serviceAccountName)
                .withImagePullSecrets(spec.imagePullSecrets)
                .withNodeSelector(spec.nodeSelector)
                .withTolerations(spec.tolerations);
        if (lifecycle != null && lifecycle.getStopSignal() != null) {
            // the API requires the OS for a container stop signal
            podSpec.withNewOs("linux");
        }
        return new PodBuilder()
                .withNewMetadata()
                .withName(podName)
                .withNamespace(program.getMetadata().getNamespace())
                .withLabels(labels)
                .withAnnotations(annotations)
                .withOwnerReferences(new OwnerReferenceBuilder()
                        .withApiVersion(program.getApiVersion())
                        .withKind(program.getKind())
                        .withName(program.getMetadata().getName())
                        .withUid(uid)
                        .withController(true)
                        .withBlockOwnerDeletion(true)
                        .build())
                .endMetadata()
                .withSpec(podSpec.build())
                .build();
    }

    /** The stop signal where the cluster can honour it; TERM is every runtime's default and needs nothing. */
    Lifecycle stopLifecycle(int signal) {
        if (signal == Signals.SIGTERM || stopSignalMode == StopSignalMode.NONE) {
            return null;
        }
        String name = ValueTypes.signalName(signal);
        String sig = name == null ? Integer.toString(signal) : name;
        return switch (stopSignalMode) {
            case CONTAINER -> new LifecycleBuilder().withStopSignal("SIG" + sig).build();
            // the hook runs before the kubelet's TERM; waiting for PID 1 to die keeps TERM from
            // interrupting the program's own handling of its stop signal
            case PRESTOP -> new LifecycleBuilder().withNewPreStop().withNewExec()
                    .withCommand("/bin/sh", "-c", "kill -" + sig + " 1; while kill -0 1 2>/dev/null; do sleep 0.2; done")
                    .endExec().endPreStop().build();
            case NONE -> null;
        };
    }

    private static List<EnvVar> env(Map<String, String> environment) {
        List<EnvVar> out = new ArrayList<>();
        environment.forEach((k, v) -> out.add(new EnvVar(k, v, null)));
        return out;
    }

    /**
     * One native sidecar (an init container with restartPolicy Always, Kubernetes 1.29+) per log
     * file, tailing it from a shared emptyDir mounted on the file's directory. Native sidecars end
     * with the main container, so the pod still terminates when the program exits.
     */
    private static List<Container> logSidecars(SupervisedProgramSpec spec, List<VolumeMount> mounts, List<Volume> volumes) {
        List<Container> sidecars = new ArrayList<>();
        if (spec.logFiles == null) {
            return sidecars;
        }
        Map<String, String> volumeByDir = new LinkedHashMap<>();
        for (int i = 0; i < spec.logFiles.size(); i++) {
            String file = spec.logFiles.get(i);
            String dir = file.substring(0, Math.max(1, file.lastIndexOf('/')));
            String volume = volumeByDir.computeIfAbsent(dir, d -> {
                String v = "kupervisor-logs-" + volumeByDir.size();
                volumes.add(new VolumeBuilder().withName(v).withNewEmptyDir().endEmptyDir().build());
                mounts.add(new VolumeMountBuilder().withName(v).withMountPath(d).build());
                return v;
            });
            sidecars.add(new ContainerBuilder()
                    .withName(LOG_SIDECAR_PREFIX + i)
                    .withImage(spec.image)
                    .withRestartPolicy("Always")
                    .withCommand("tail", "-n", "+1", "-F", file)
                    .withVolumeMounts(new VolumeMountBuilder().withName(volume).withMountPath(dir).withReadOnly(true).build())
                    .build());
        }
        return sidecars;
    }
}
