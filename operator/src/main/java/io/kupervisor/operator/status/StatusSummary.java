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
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Turns process snapshots into what {@code kubectl get sprog} shows: supervisorctl's description per
 * process (with the pod where supervisorctl shows the pid), and a summary state, description,
 * ready count and conditions for the program.
 *
 * <p>Conditions follow the API conventions as kstatus reads them: {@code Ready} (every process
 * RUNNING), {@code Reconciling} (processes on their way to where the spec wants them),
 * {@code Stalled} (a person must act: a process FATAL, the spec refused), each with the generation
 * it was computed from and a CamelCase reason. Nothing here depends on the clock but transition
 * times: the uptime is a timestamp ({@code readySince}) that clients turn into an age, so the status
 * is only written when something changed.
 */
public final class StatusSummary {
    public static final String READY = "Ready";
    public static final String RECONCILING = "Reconciling";
    public static final String STALLED = "Stalled";
    public static final String INVALID_SPEC = "InvalidSpec";

    /** Which state speaks for a program whose processes disagree: the one a person must look at first. */
    private static final List<ProcessState> PRESSING = List.of(ProcessState.UNKNOWN, ProcessState.FATAL,
            ProcessState.BACKOFF, ProcessState.STOPPING, ProcessState.STARTING, ProcessState.EXITED,
            ProcessState.STOPPED, ProcessState.RUNNING);

    private StatusSummary() {
    }

    /**
     * supervisorctl's description, with {@code pod NAME} where supervisorctl says {@code pid N} and no
     * uptime (it would change every second; the start time is in the status), followed by what the
     * cluster says about the pod when it says something.
     */
    public static String describe(String name, ProcessSnapshot s, String pod, String podCondition, Instant now,
            ZoneId zone) {
        String d = s.state() == ProcessState.RUNNING ? "pod " + pod : ProcessDescription.describe(name, s, now, zone);
        if (podCondition == null || podCondition.isEmpty()) {
            return d;
        }
        return d.isEmpty() ? podCondition : d + "; " + podCondition;
    }

    /** Fills the summary fields of {@code status} from its {@code processes}. */
    public static void summarize(SupervisedProgramStatus status, List<Condition> previous, Instant now,
            long generation, boolean settling) {
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
        boolean allRunning = total > 0 && ready == total;
        // the uptime of the program: that of its youngest process, while all run
        status.readySince = allRunning ? ps.stream().map(p -> p.startTime).filter(Objects::nonNull)
                .map(Instant::parse).max(Comparator.naturalOrder())
                .map(i -> i.truncatedTo(ChronoUnit.SECONDS).toString()).orElse(null) : null;

        List<Condition> conditions = new ArrayList<>();
        conditions.add(condition(previous, READY, allRunning,
                allRunning ? "AllRunning" : first == null ? "NoProcesses" : camel(first.state),
                status.ready + " processes RUNNING" + (allRunning || first == null ? "" : "; " + first.name + " "
                        + first.state + (first.description == null || first.description.isEmpty() ? "" : ": " + first.description)),
                now, generation));
        ProcessStatus moving = ps.stream().filter(p -> List.of("STARTING", "BACKOFF", "STOPPING").contains(p.state))
                .findFirst().orElse(null);
        boolean reconciling = moving != null || settling;
        conditions.add(condition(previous, RECONCILING, reconciling,
                moving != null ? camel(moving.state) : settling ? "Replacing" : "Settled",
                moving != null ? moving.name + " " + moving.state : settling
                        ? "processes waiting for a restart, an update or a delayed respawn" : "every process is where the spec wants it",
                now, generation));
        List<String> fatal = ps.stream().filter(p -> ProcessState.FATAL.name().equals(p.state))
                .map(p -> p.name + ": " + Objects.requireNonNullElse(p.spawnError, "")).toList();
        conditions.add(condition(previous, STALLED, !fatal.isEmpty(), fatal.isEmpty() ? "NotStalled" : "GaveUp",
                fatal.isEmpty() ? "no process is FATAL" : "FATAL (too many start retries): " + String.join("; ", fatal),
                now, generation));
        status.conditions = conditions;
    }

    /** Marks the spec as refused (Stalled), keeping everything else as it was. */
    public static void invalid(SupervisedProgramStatus status, List<Condition> previous, List<String> problems,
            Instant now, long generation) {
        List<Condition> conditions = new ArrayList<>(status.conditions.stream()
                .filter(c -> !c.getType().equals(STALLED)).toList());
        conditions.add(condition(previous, STALLED, true, INVALID_SPEC, String.join("; ", problems), now, generation));
        status.conditions = conditions;
        if (status.processes.isEmpty()) {
            status.state = "INVALID";
            status.description = problems.getFirst();
        }
    }

    /** BACKOFF is Backoff, FATAL Fatal: a state as a CamelCase reason. */
    static String camel(String state) {
        return state.isEmpty() ? state : state.charAt(0) + state.substring(1).toLowerCase(Locale.ROOT);
    }

    static Condition condition(List<Condition> previous, String type, boolean value, String reason, String message,
            Instant now, long generation) {
        String s = value ? "True" : "False";
        String since = previous.stream()
                .filter(c -> type.equals(c.getType()) && s.equals(c.getStatus()))
                .map(Condition::getLastTransitionTime).filter(Objects::nonNull).findFirst()
                .orElse(now.truncatedTo(ChronoUnit.SECONDS).toString());
        return new ConditionBuilder().withType(type).withStatus(s).withReason(reason).withMessage(message)
                .withLastTransitionTime(since).withObservedGeneration(generation).build();
    }

    /** Time zone for stop times. */
    public static ZoneId zone(String id) {
        return ZoneId.of(id);
    }
}
