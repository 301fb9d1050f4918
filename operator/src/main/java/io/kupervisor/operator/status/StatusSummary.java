package io.kupervisor.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.kupervisor.api.v1alpha1.ProcessStatus;
import io.kupervisor.api.v1alpha1.SupervisedProgramStatus;
import io.kupervisor.core.state.ProcessSnapshot;
import io.kupervisor.core.state.ProcessState;
import io.kupervisor.core.status.ProcessDescription;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Turns process snapshots into what {@code kubectl get sprog} shows: supervisorctl's description per
 * process (with the pod where supervisorctl shows the pid), and a summary state, description,
 * ready count and conditions for the program.
 */
public final class StatusSummary {

    /** Which state speaks for a program whose processes disagree: the one a person must look at first. */
    private static final List<ProcessState> PRESSING = List.of(ProcessState.UNKNOWN, ProcessState.FATAL,
            ProcessState.BACKOFF, ProcessState.STOPPING, ProcessState.STARTING, ProcessState.EXITED,
            ProcessState.STOPPED, ProcessState.RUNNING);

    private StatusSummary() {
    }

    /** supervisorctl's description, with {@code pod NAME} where supervisorctl says {@code pid N}. */
    public static String describe(String name, ProcessSnapshot s, String pod, Instant now, ZoneId zone) {
        if (s.state() == ProcessState.RUNNING) {
            return "pod " + pod + ", uptime " + ProcessDescription.uptime(now.getEpochSecond() - s.startEpochSecond());
        }
        return ProcessDescription.describe(name, s, now, zone);
    }

    /** Fills the summary fields of {@code status} from its {@code processes}. */
    public static void summarize(SupervisedProgramStatus status, List<Condition> previous, Instant now) {
        List<ProcessStatus> ps = status.processes;
        int total = ps.size();
        int ready = (int) ps.stream().filter(p -> ProcessState.RUNNING.name().equals(p.state)).count();
        status.totalProcesses = total;
        status.readyProcesses = ready;
        status.ready = ready + "/" + total;
        ProcessStatus first = ps.stream()
                .min(Comparator.comparingInt((ProcessStatus p) -> PRESSING.indexOf(ProcessState.valueOf(p.state)))
                        .thenComparing(p -> p.name))
                .orElse(null);
        if (first == null) {
            status.state = null;
            status.description = null;
        } else if (total == 1) {
            status.state = first.state;
            status.description = first.description;
        } else {
            status.state = first.state;
            if (ready == total) {
                status.description = total + "/" + total + " RUNNING";
            } else {
                String detail = first.description == null || first.description.isEmpty() ? "" : " " + first.description;
                status.description = ready + "/" + total + " RUNNING; " + first.name + " " + first.state + detail;
            }
        }
        List<Condition> conditions = new ArrayList<>();
        boolean allRunning = total > 0 && ready == total;
        conditions.add(condition(previous, "Ready", allRunning,
                allRunning ? "AllRunning" : first == null ? "NoProcesses" : first.state,
                status.ready + " processes RUNNING", now));
        List<String> fatal = ps.stream().filter(p -> ProcessState.FATAL.name().equals(p.state))
                .map(p -> p.name + ": " + Objects.requireNonNullElse(p.spawnError, "")).toList();
        conditions.add(condition(previous, "Fatal", !fatal.isEmpty(), fatal.isEmpty() ? "NoneFatal" : "GaveUp",
                fatal.isEmpty() ? "no process is FATAL" : String.join("; ", fatal), now));
        conditions.add(condition(previous, "SpecValid", true, "Resolved", "the spec resolves as supervisord would", now));
        status.conditions = conditions;
    }

    /** Marks the spec as refused, keeping everything else as it was. */
    public static void invalid(SupervisedProgramStatus status, List<Condition> previous, List<String> problems,
            Instant now) {
        List<Condition> conditions = new ArrayList<>(previous.stream().filter(c -> !c.getType().equals("SpecValid")).toList());
        conditions.add(condition(previous, "SpecValid", false, "InvalidSpec", String.join("; ", problems), now));
        status.conditions = conditions;
        if (status.processes.isEmpty()) {
            status.state = "INVALID";
            status.description = problems.getFirst();
        }
    }

    static Condition condition(List<Condition> previous, String type, boolean value, String reason, String message,
            Instant now) {
        String s = value ? "True" : "False";
        String since = previous.stream()
                .filter(c -> type.equals(c.getType()) && s.equals(c.getStatus()))
                .map(Condition::getLastTransitionTime).filter(Objects::nonNull).findFirst()
                .orElse(now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        return new ConditionBuilder().withType(type).withStatus(s).withReason(reason).withMessage(message)
                .withLastTransitionTime(since).build();
    }

    /** Time zone for stop times. */
    public static ZoneId zone(String id) {
        return ZoneId.of(id);
    }
}
