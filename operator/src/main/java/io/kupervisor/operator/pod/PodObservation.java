package io.kupervisor.operator.pod;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.kupervisor.core.state.ExitStatus;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a pod says about its process, in the state machine's terms: the container started (Spawned),
 * it terminated (Exited with a code or a signal), or it could not be started at all (SpawnFailed,
 * supervisord's pre-fork errors).
 *
 * @param startedAt    when the main container started; empty while it has not
 * @param exit         how it ended, and when; empty while it runs
 * @param spawnFailure why it could not start, in supervisord's words where there are any
 */
public record PodObservation(Optional<Instant> startedAt, Optional<Exit> exit, Optional<String> spawnFailure) {

    public record Exit(ExitStatus status, Instant at) {
    }

    /** Waiting reasons that mean the container will not start from this pod without a change. */
    static final Set<String> FAILED_WAITING = Set.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName",
            "ErrImageNeverPull", "CreateContainerConfigError", "CreateContainerError", "RunContainerError");

    /** Terminated reasons of a container whose command never ran. */
    static final Set<String> NEVER_RAN = Set.of("StartError", "ContainerCannotRun");

    public static final PodObservation NOTHING = new PodObservation(Optional.empty(), Optional.empty(), Optional.empty());

    /** Reads the main container (the first one) of {@code pod}; {@code argv0} words the spawn errors. */
    public static PodObservation of(Pod pod, String argv0) {
        if (pod.getStatus() == null) {
            return NOTHING;
        }
        List<ContainerStatus> statuses = pod.getStatus().getContainerStatuses();
        String main = pod.getSpec() == null || pod.getSpec().getContainers().isEmpty()
                ? null : pod.getSpec().getContainers().getFirst().getName();
        ContainerStatus cs = statuses == null ? null : statuses.stream()
                .filter(s -> main == null || main.equals(s.getName())).findFirst().orElse(null);
        if (cs == null || cs.getState() == null) {
            if ("Failed".equals(pod.getStatus().getPhase())) {
                // rejected or evicted before the container existed
                return new PodObservation(Optional.empty(), Optional.empty(), Optional.of(
                        describe(pod.getStatus().getReason(), pod.getStatus().getMessage(), "pod failed")));
            }
            return NOTHING;
        }
        ContainerStateWaiting waiting = cs.getState().getWaiting();
        if (waiting != null && FAILED_WAITING.contains(waiting.getReason())) {
            return new PodObservation(Optional.empty(), Optional.empty(),
                    Optional.of(spawnError(waiting.getReason(), waiting.getMessage(), argv0)));
        }
        if (cs.getState().getRunning() != null) {
            return new PodObservation(time(cs.getState().getRunning().getStartedAt()), Optional.empty(), Optional.empty());
        }
        ContainerStateTerminated t = cs.getState().getTerminated();
        if (t == null) {
            return NOTHING;
        }
        Optional<Instant> started = time(t.getStartedAt()).filter(i -> i.getEpochSecond() > 0);
        if (NEVER_RAN.contains(t.getReason()) || started.isEmpty()) {
            return new PodObservation(Optional.empty(), Optional.empty(),
                    Optional.of(spawnError(t.getReason(), t.getMessage(), argv0)));
        }
        Instant finished = time(t.getFinishedAt()).orElse(started.get());
        return new PodObservation(started, Optional.of(new Exit(exitStatus(t), finished)), Optional.empty());
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

    /** supervisord's words for a command that cannot run, else the runtime's reason and message. */
    static String spawnError(String reason, String message, String argv0) {
        String m = message == null ? "" : message;
        String lower = m.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("executable file not found") || lower.contains("no such file or directory")) {
            return "can't find command '" + argv0 + "'";
        }
        if (lower.contains("permission denied")) {
            return "command at '" + argv0 + "' is not executable";
        }
        return describe(reason, message, "container could not start");
    }

    private static String describe(String reason, String message, String fallback) {
        String r = reason == null || reason.isEmpty() ? fallback : reason;
        return message == null || message.isEmpty() ? r : r + ": " + message;
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
