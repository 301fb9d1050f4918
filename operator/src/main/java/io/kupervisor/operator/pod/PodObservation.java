package io.kupervisor.operator.pod;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.kupervisor.core.state.ExitStatus;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What a pod says about its process, in the state machine's terms: the container started (Spawned),
 * it terminated (Exited with a code or a signal), or it could not be started at all (SpawnFailed,
 * supervisord's pre-fork errors); and, in plain words, what the cluster is doing to it that
 * supervisord has no state for (waiting to be scheduled or for its image, disrupted).
 *
 * @param startedAt    when the main container started; empty while it has not
 * @param exit         how it ended, and when; empty while it runs
 * @param spawnFailure why it could not start, in supervisord's words where there are any
 * @param waiting      why it has not started yet when the cluster keeps trying (the kubelet
 *                     retries image pulls and missing Secrets with its own capped back-off): these
 *                     are the cluster's problems, not the program's, and spend no startretries
 * @param disruption   why the cluster is taking the pod away (eviction, preemption, a lost node)
 */
public record PodObservation(Optional<Instant> startedAt, Optional<Exit> exit, Optional<String> spawnFailure,
        Optional<String> waiting, Optional<String> disruption) {

    /**
     * @param reason the runtime's reason when it says more than the status (OOMKilled, Evicted), in words
     */
    public record Exit(ExitStatus status, Instant at, Optional<String> reason) {
    }

    /** Waiting reasons the kubelet retries by itself: the process waits, in STARTING. */
    static final Set<String> RETRIED_WAITING = Set.of("ErrImagePull", "ImagePullBackOff", "CreateContainerConfigError");

    /** Waiting reasons that mean the container will not start from this pod without a change. */
    static final Set<String> FAILED_WAITING = Set.of("InvalidImageName", "ErrImageNeverPull", "CreateContainerError",
            "RunContainerError");

    /** Terminated reasons of a container whose command never ran. */
    static final Set<String> NEVER_RAN = Set.of("StartError", "ContainerCannotRun");

    /** Pod conditions the pod store keeps when they are not True (and DisruptionTarget when True). */
    public static final Set<String> TELLING_CONDITIONS = Set.of("PodScheduled", "Ready");

    /** The prefix kupervisor-init writes on the termination message when it cannot execute the command. */
    static final String INIT_SPAWNERR = "spawnerr: ";

    public static final PodObservation NOTHING = new PodObservation(Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty());

    /** Reads the main container (the first one) of {@code pod}; {@code argv0} words the spawn errors. */
    public static PodObservation of(Pod pod, String argv0) {
        if (pod.getStatus() == null) {
            return NOTHING;
        }
        Optional<String> disruption = disruption(pod);
        List<ContainerStatus> statuses = pod.getStatus().getContainerStatuses();
        String main = pod.getSpec() == null || pod.getSpec().getContainers().isEmpty()
                ? null : pod.getSpec().getContainers().getFirst().getName();
        ContainerStatus cs = statuses == null ? null : statuses.stream()
                .filter(s -> main == null || main.equals(s.getName())).findFirst().orElse(null);
        ContainerState state = cs == null ? null : cs.getState();
        boolean notStarted = state == null || state.getWaiting() != null;
        if (notStarted) {
            Optional<String> initFailure = initFailure(pod);
            if (initFailure.isPresent()) {
                return failed(initFailure.get(), disruption);
            }
            if ("Failed".equals(pod.getStatus().getPhase())) {
                // rejected or evicted before the container existed
                return failed(describe(pod.getStatus().getReason(), pod.getStatus().getMessage(), "pod failed"), disruption);
            }
        }
        if (state == null) {
            return new PodObservation(Optional.empty(), Optional.empty(), Optional.empty(), pending(pod), disruption);
        }
        ContainerStateWaiting waiting = state.getWaiting();
        if (waiting != null) {
            String reason = waiting.getReason();
            String message = waiting.getMessage();
            if (FAILED_WAITING.contains(reason) || "CreateContainerConfigError".equals(reason) && message != null
                    && message.contains("runAsNonRoot")) {
                return failed(spawnError(reason, message, argv0), disruption);
            }
            if (RETRIED_WAITING.contains(reason)) {
                return new PodObservation(Optional.empty(), Optional.empty(), Optional.empty(),
                        Optional.of(describe(reason, message, reason) + " (the kubelet retries)"), disruption);
            }
            return new PodObservation(Optional.empty(), Optional.empty(), Optional.empty(),
                    pending(pod).or(() -> initWaiting(pod)), disruption);
        }
        if (state.getRunning() != null) {
            return new PodObservation(time(state.getRunning().getStartedAt()), Optional.empty(), Optional.empty(),
                    Optional.empty(), disruption);
        }
        ContainerStateTerminated t = state.getTerminated();
        if (t == null) {
            return new PodObservation(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), disruption);
        }
        Optional<Instant> started = time(t.getStartedAt()).filter(i -> i.getEpochSecond() > 0);
        if (NEVER_RAN.contains(t.getReason()) || started.isEmpty()) {
            return failed(spawnError(t.getReason(), t.getMessage(), argv0), disruption);
        }
        if (t.getMessage() != null && t.getMessage().startsWith(INIT_SPAWNERR)) {
            // kupervisor-init ran, the command did not: supervisord's spawn error
            return failed(t.getMessage().substring(INIT_SPAWNERR.length()).strip(), disruption);
        }
        Instant finished = time(t.getFinishedAt()).orElse(started.get());
        return new PodObservation(started, Optional.of(new Exit(exitStatus(t), finished, exitReason(t, pod))),
                Optional.empty(), Optional.empty(), disruption);
    }

    private static PodObservation failed(String why, Optional<String> disruption) {
        return new PodObservation(Optional.empty(), Optional.empty(), Optional.of(why), Optional.empty(), disruption);
    }

    /**
     * The exit status of a terminated container. A signal the runtime reports is a signal death;
     * so is an exit code 128+n (n a signal number), which is how runtimes report a process killed
     * by signal n. A program that itself exits with 137 is therefore read as killed by SIGKILL.
     */
    static ExitStatus exitStatus(ContainerStateTerminated t) {
        if (t.getSignal() != null && t.getSignal() > 0) {
            return new ExitStatus.Signaled(t.getSignal());
        }
        int code = t.getExitCode() == null ? 0 : t.getExitCode();
        if (code > 128 && code <= 128 + 64) {
            return new ExitStatus.Signaled(code - 128);
        }
        return new ExitStatus.Exited(Math.clamp(code, 0, 255));
    }

    /** What the cluster adds to an exit: the kernel's OOM killer, an eviction. */
    static Optional<String> exitReason(ContainerStateTerminated t, Pod pod) {
        if ("OOMKilled".equals(t.getReason())) {
            return Optional.of("OOMKilled: the container went over its memory limit");
        }
        if ("Evicted".equals(pod.getStatus().getReason())) {
            return Optional.of(describe("Evicted", pod.getStatus().getMessage(), "Evicted"));
        }
        if ("ContainerStatusUnknown".equals(t.getReason())) {
            return Optional.of(describe(t.getReason(), t.getMessage(), t.getReason()));
        }
        return Optional.empty();
    }

    /** supervisord's words for a command that cannot run, else the runtime's reason and message. */
    static String spawnError(String reason, String message, String argv0) {
        String m = message == null ? "" : message;
        String lower = m.toLowerCase(Locale.ROOT);
        if (lower.contains("executable file not found") || lower.contains("no such file or directory")) {
            return "can't find command '" + argv0 + "'";
        }
        if (lower.contains("permission denied")) {
            return "command at '" + argv0 + "' is not executable";
        }
        if (lower.contains("runasnonroot") && lower.contains("root")) {
            return describe(reason, message, reason) + " (the image runs as root: set spec.user to a non-root UID, "
                    + "or spec.user: \"0\" outside a restricted namespace)";
        }
        return describe(reason, message, "container could not start");
    }

    /** An init container (not a native sidecar) that ended in failure: the pod never starts the program. */
    private static Optional<String> initFailure(Pod pod) {
        for (ContainerStatus s : orEmpty(pod.getStatus().getInitContainerStatuses())) {
            ContainerStateTerminated t = s.getState() == null ? null : s.getState().getTerminated();
            if (t != null && t.getExitCode() != null && t.getExitCode() != 0 && !sidecar(pod, s.getName())) {
                return Optional.of("init container " + s.getName() + " failed: exit status " + t.getExitCode()
                        + detail(t.getReason(), t.getMessage()));
            }
            ContainerStateWaiting w = s.getState() == null ? null : s.getState().getWaiting();
            if (w != null && FAILED_WAITING.contains(w.getReason())) {
                return Optional.of("init container " + s.getName() + ": " + describe(w.getReason(), w.getMessage(), ""));
            }
        }
        return Optional.empty();
    }

    /** An init container or sidecar that waits on the cluster (its image) or keeps crashing. */
    private static Optional<String> initWaiting(Pod pod) {
        for (ContainerStatus s : orEmpty(pod.getStatus().getInitContainerStatuses())) {
            ContainerStateWaiting w = s.getState() == null ? null : s.getState().getWaiting();
            if (w != null && w.getReason() != null && !"PodInitializing".equals(w.getReason())) {
                return Optional.of("init container " + s.getName() + ": " + describe(w.getReason(), w.getMessage(), ""));
            }
        }
        return Optional.empty();
    }

    /** Why a pod has no running container yet: not scheduled (Unschedulable and the scheduler's message). */
    private static Optional<String> pending(Pod pod) {
        for (PodCondition c : orEmpty(pod.getStatus().getConditions())) {
            if ("PodScheduled".equals(c.getType()) && "False".equals(c.getStatus())) {
                return Optional.of(describe(c.getReason() == null ? "Unschedulable" : c.getReason(), c.getMessage(), ""));
            }
        }
        return Optional.empty();
    }

    /** The cluster taking the pod away: eviction, preemption, the taint manager of a lost node. */
    private static Optional<String> disruption(Pod pod) {
        for (PodCondition c : orEmpty(pod.getStatus().getConditions())) {
            if ("DisruptionTarget".equals(c.getType()) && "True".equals(c.getStatus())) {
                return Optional.of(describe(c.getReason() == null ? "DisruptionTarget" : c.getReason(), c.getMessage(), ""));
            }
        }
        return Optional.empty();
    }

    private static boolean sidecar(Pod pod, String name) {
        return pod.getSpec() != null && orEmpty(pod.getSpec().getInitContainers()).stream()
                .anyMatch(c -> name.equals(c.getName()) && "Always".equals(c.getRestartPolicy()));
    }

    private static String detail(String reason, String message) {
        String d = describe(reason, message, "");
        return d.isEmpty() ? "" : " (" + d + ")";
    }

    private static String describe(String reason, String message, String fallback) {
        String r = reason == null || reason.isEmpty() ? fallback : reason;
        if (message == null || message.isEmpty()) {
            return r;
        }
        return r.isEmpty() ? message.strip() : r + ": " + message.strip();
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static Optional<Instant> time(String rfc3339) {
        if (rfc3339 == null || rfc3339.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(rfc3339));
        } catch (java.time.format.DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
