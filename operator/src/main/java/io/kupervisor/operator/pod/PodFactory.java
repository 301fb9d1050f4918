package io.kupervisor.operator.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.CapabilitiesBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Lifecycle;
import io.fabric8.kubernetes.api.model.LifecycleBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SeccompProfileBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
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
 *
 * <p>Layers, each over the one before: the restricted Pod Security defaults, the program's
 * {@code podTemplate}, then the program's own fields (command, image, env, probes...) and what
 * the operator needs (labels, owner, restartPolicy, grace period, the init). In {@code init} mode
 * the command runs under {@code kupervisor-init} (copied in by an init container from the
 * kupervisor image), which passes the kubelet's TERM on as the stopsignal, to the process group
 * with stopasgroup, sets the umask and redirects stderr.
 */
public final class PodFactory {
    /** Prefix of the log sidecars ({@code kubectl logs POD -c log-0}). */
    public static final String LOG_SIDECAR_PREFIX = "log-";
    /** The init container that copies kupervisor-init into the pod, and its volume. */
    public static final String INIT_CONTAINER = "kupervisor-init";
    static final String INIT_DIR = "/kupervisor";
    static final String INIT_BINARY = INIT_DIR + "/kupervisor-init";
    /** Where the kupervisor image keeps kupervisor-init. */
    static final String INIT_IN_IMAGE = "/opt/kupervisor/bin/kupervisor-init";

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private final StopSignalMode stopSignalMode;
    private final String initImage;

    public PodFactory(StopSignalMode stopSignalMode, String initImage) {
        this.stopSignalMode = stopSignalMode;
        this.initImage = initImage;
    }

    /** Whether the command runs under kupervisor-init (stopsignal, stopasgroup, umask, redirect_stderr applied). */
    public boolean usesInit() {
        return stopSignalMode == StopSignalMode.INIT;
    }

    public Pod build(SupervisedProgram program, ResolvedProgram resolved, ResolvedProcess process, long spawn) {
        SupervisedProgramSpec spec = program.getSpec();
        String uid = program.getMetadata().getUid();
        PodTemplateSpec template = spec.podTemplate == null ? new PodTemplateSpec()
                : SERIALIZATION.clone(spec.podTemplate);
        ObjectMeta templateMeta = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
        PodSpec podSpec = template.getSpec() == null ? new PodSpec() : template.getSpec();
        String mainName = PodNames.dnsLabel(resolved.programName(), 63);

        // ---- the process container: from the template's container of that name (or its first), then ours ----
        List<Container> containers = new ArrayList<>(podSpec.getContainers());
        Container base = containers.stream().filter(c -> mainName.equals(c.getName())).findFirst()
                .orElse(containers.isEmpty() ? new Container() : containers.getFirst());
        containers.remove(base);

        List<VolumeMount> mounts = new ArrayList<>(base.getVolumeMounts());
        mounts.addAll(orEmpty(spec.volumeMounts));
        List<Volume> volumes = new ArrayList<>(podSpec.getVolumes());
        volumes.addAll(orEmpty(spec.volumes));
        List<Container> initContainers = new ArrayList<>();
        if (usesInit()) {
            volumes.add(new VolumeBuilder().withName(INIT_CONTAINER).withNewEmptyDir().withSizeLimit(new Quantity("8Mi"))
                    .endEmptyDir().build());
            mounts.add(new VolumeMountBuilder().withName(INIT_CONTAINER).withMountPath(INIT_DIR).withReadOnly(true).build());
            initContainers.add(initContainer());
        }
        initContainers.addAll(podSpec.getInitContainers());
        initContainers.addAll(logSidecars(spec, mounts, volumes));

        List<EnvVar> env = new ArrayList<>(base.getEnv());
        process.environment().forEach((k, v) -> env.add(new EnvVar(k, v, null)));
        env.addAll(orEmpty(spec.env));
        ContainerBuilder main = new ContainerBuilder(base)
                .withName(mainName)
                .withImage(spec.image)
                .withCommand(command(process))
                .withArgs(List.of())
                .withEnv(env)
                .addAllToEnvFrom(orEmpty(spec.envFrom))
                .withVolumeMounts(mounts)
                .withSecurityContext(merge(restrictedContainer(), base.getSecurityContext(), spec.securityContext,
                        SecurityContext.class));
        if (process.directory() != null) {
            main.withWorkingDir(process.directory());
        }
        if (spec.resources != null) {
            main.withResources(spec.resources);
        }
        if (spec.ports != null) {
            main.withPorts(spec.ports);
        }
        if (spec.livenessProbe != null) {
            main.withLivenessProbe(spec.livenessProbe);
        }
        if (spec.readinessProbe != null) {
            main.withReadinessProbe(spec.readinessProbe);
        }
        if (spec.startupProbe != null) {
            main.withStartupProbe(spec.startupProbe);
        }
        if (spec.imagePullPolicy != null) {
            main.withImagePullPolicy(spec.imagePullPolicy.name());
        }
        Lifecycle lifecycle = stopLifecycle(process.rules().stopSignal());
        if (lifecycle != null) {
            main.withLifecycle(lifecycle);
        }
        containers.addFirst(main.build());

        // ---- the pod ----
        podSpec.setContainers(containers);
        podSpec.setInitContainers(initContainers.stream().map(c -> restrictedSidecar(c)).toList());
        podSpec.setVolumes(volumes);
        podSpec.setRestartPolicy("Never");
        podSpec.setTerminationGracePeriodSeconds((long) process.rules().stopwaitsecs());
        podSpec.setSecurityContext(podSecurity(podSpec.getSecurityContext(), process.uid()));
        if (spec.serviceAccountName != null) {
            podSpec.setServiceAccountName(spec.serviceAccountName);
        }
        if (spec.imagePullSecrets != null) {
            podSpec.getImagePullSecrets().addAll(spec.imagePullSecrets);
        }
        if (spec.nodeSelector != null) {
            Map<String, String> selector = new LinkedHashMap<>(orEmpty(podSpec.getNodeSelector()));
            selector.putAll(spec.nodeSelector);
            podSpec.setNodeSelector(selector);
        }
        if (spec.tolerations != null) {
            podSpec.getTolerations().addAll(spec.tolerations);
        }
        if (spec.affinity != null) {
            podSpec.setAffinity(spec.affinity);
        }
        if (spec.priorityClassName != null) {
            podSpec.setPriorityClassName(spec.priorityClassName);
        }
        if (lifecycle != null && lifecycle.getStopSignal() != null) {
            // the API requires the OS for a container stop signal
            podSpec.setOs(new io.fabric8.kubernetes.api.model.PodOS("linux"));
        }

        Map<String, String> labels = new LinkedHashMap<>(orEmpty(templateMeta.getLabels()));
        labels.putAll(orEmpty(spec.podLabels));
        labels.put(PodNames.MANAGED_BY, PodNames.MANAGER);
        labels.put(PodNames.PROGRAM_LABEL, program.getMetadata().getName());
        labels.put(PodNames.GROUP_LABEL, PodNames.dnsLabel(resolved.groupName(), 63));
        labels.put(PodNames.PROCESS_LABEL, PodNames.processLabel(process.name()));
        labels.put(PodNames.SPAWN_LABEL, Long.toString(spawn));
        Map<String, String> annotations = new LinkedHashMap<>(orEmpty(templateMeta.getAnnotations()));
        annotations.putAll(orEmpty(spec.podAnnotations));
        annotations.put(PodNames.PROCESS_ANNOTATION, process.name());
        annotations.put(PodNames.CONFIG_ANNOTATION, resolved.configHash());

        Pod pod = new Pod();
        ObjectMeta meta = new ObjectMeta();
        meta.setName(PodNames.podName(uid, process.name(), spawn));
        meta.setNamespace(program.getMetadata().getNamespace());
        meta.setLabels(labels);
        meta.setAnnotations(annotations);
        meta.setOwnerReferences(List.of(new OwnerReferenceBuilder()
                .withApiVersion(program.getApiVersion())
                .withKind(program.getKind())
                .withName(program.getMetadata().getName())
                .withUid(uid)
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build()));
        pod.setMetadata(meta);
        pod.setSpec(podSpec);
        return pod;
    }

    /** The container's command: the program's argv, under kupervisor-init in init mode. */
    List<String> command(ResolvedProcess process) {
        if (!usesInit()) {
            return process.argv();
        }
        List<String> cmd = new ArrayList<>(List.of(INIT_BINARY));
        int signal = process.rules().stopSignal();
        if (signal != Signals.SIGTERM) {
            cmd.addAll(List.of("-s", Integer.toString(signal)));
        }
        if (process.rules().stopasgroup()) {
            cmd.add("-g");
        }
        if (process.umask() != null) {
            cmd.addAll(List.of("-u", process.umask()));
        }
        if (process.redirectStderr()) {
            cmd.add("-e");
        }
        cmd.add("--");
        cmd.addAll(process.argv());
        return cmd;
    }

    /** The stop signal where kupervisor-init does not carry it; TERM is every runtime's default and needs nothing. */
    Lifecycle stopLifecycle(int signal) {
        if (signal == Signals.SIGTERM) {
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
            case INIT, NONE -> null;
        };
    }

    /** Copies kupervisor-init from the kupervisor image into the pod's volume. */
    private Container initContainer() {
        return new ContainerBuilder()
                .withName(INIT_CONTAINER)
                .withImage(initImage)
                .withCommand(INIT_IN_IMAGE, "--install", INIT_DIR)
                .withVolumeMounts(new VolumeMountBuilder().withName(INIT_CONTAINER).withMountPath(INIT_DIR).build())
                .withResources(new ResourceRequirementsBuilder()
                        .addToRequests("cpu", new Quantity("10m")).addToRequests("memory", new Quantity("8Mi"))
                        .addToLimits("cpu", new Quantity("100m")).addToLimits("memory", new Quantity("16Mi"))
                        .build())
                .build();
    }

    // ---- Pod Security: restricted unless the program says otherwise ----

    /** What the restricted level asks of every container; a field the program sets wins. */
    private static SecurityContext restrictedContainer() {
        SecurityContext sc = new SecurityContext();
        sc.setAllowPrivilegeEscalation(false);
        Capabilities caps = new CapabilitiesBuilder().withDrop("ALL").build();
        sc.setCapabilities(caps);
        return sc;
    }

    private static Container restrictedSidecar(Container c) {
        c.setSecurityContext(merge(restrictedContainer(), c.getSecurityContext(), null, SecurityContext.class));
        return c;
    }

    /**
     * The pod's securityContext: non-root and seccomp RuntimeDefault (restricted) under the
     * template's; {@code user} sets the UID over both. {@code user: 0} is root, as asked: such a
     * pod does not pass the restricted level.
     */
    private static PodSecurityContext podSecurity(PodSecurityContext template, Long uid) {
        PodSecurityContext defaults = new PodSecurityContext();
        defaults.setRunAsNonRoot(true);
        defaults.setSeccompProfile(new SeccompProfileBuilder().withType("RuntimeDefault").build());
        PodSecurityContext ours = null;
        if (uid != null) {
            ours = new PodSecurityContext();
            ours.setRunAsUser(uid);
            ours.setRunAsNonRoot(uid != 0);
        }
        return merge(defaults, template, ours, PodSecurityContext.class);
    }

    /** {@code over} merged field by field over {@code base}, then {@code top} over that; objects merge, the rest replaces. */
    static <T> T merge(T base, T over, T top, Class<T> type) {
        JsonNode merged = SERIALIZATION.convertValue(base, JsonNode.class);
        for (T layer : new ArrayList<>(java.util.Arrays.asList(over, top))) {
            if (layer != null) {
                merged = mergeNodes(merged, SERIALIZATION.convertValue(layer, JsonNode.class));
            }
        }
        return SERIALIZATION.convertValue(merged, type);
    }

    private static JsonNode mergeNodes(JsonNode base, JsonNode over) {
        if (!(base instanceof ObjectNode b) || !(over instanceof ObjectNode o)) {
            return over == null || over.isNull() ? base : over;
        }
        ObjectNode out = b.deepCopy();
        o.properties().forEach(e -> out.set(e.getKey(), mergeNodes(out.get(e.getKey()), e.getValue())));
        return out;
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static <K, V> Map<K, V> orEmpty(Map<K, V> map) {
        return map == null ? Map.of() : map;
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
