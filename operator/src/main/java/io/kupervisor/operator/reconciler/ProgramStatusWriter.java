package io.kupervisor.operator.reconciler;

import io.fabric8.kubernetes.api.model.Condition;
import io.kupervisor.api.resolve.ResolvedProgram;
import io.kupervisor.api.v1alpha1.ProcessStatus;
import io.kupervisor.api.v1alpha1.SupervisedProgram;
import io.kupervisor.api.v1alpha1.SupervisedProgramStatus;
import io.kupervisor.operator.pod.PodNames;
import io.kupervisor.operator.status.SnapshotCodec;
import io.kupervisor.operator.status.StatusSummary;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Assembles a program's status from its runtime: what supervisorctl shows, plus the snapshots. */
final class ProgramStatusWriter {
    private ProgramStatusWriter() {
    }

    /** @param resolved the resolved spec (process order), or null when it did not resolve */
    static SupervisedProgramStatus write(SupervisedProgram program, ProgramRuntime runtime, ResolvedProgram resolved,
            List<String> problems, Instant now, ZoneId zone, List<String> notApplied) {
        SupervisedProgramStatus status = new SupervisedProgramStatus();
        List<Condition> previous = previousConditions(program);
        status.observedGeneration = program.getMetadata().getGeneration();
        status.appliedState = runtime.appliedState;
        status.restartedAt = runtime.restartedAt;
        status.disruptionBudget = runtime.budget;
        Map<String, Integer> order = new HashMap<>();
        if (resolved != null) {
            resolved.processes().forEach(p -> order.put(p.name(), p.processNum()));
        }
        List<ProcessEntry> entries = new ArrayList<>(runtime.processes.values());
        entries.sort(Comparator.comparingInt((ProcessEntry e) -> order.getOrDefault(e.name, Integer.MAX_VALUE))
                .thenComparing(e -> e.name));
        for (ProcessEntry e : entries) {
            ProcessStatus ps = new ProcessStatus();
            ps.name = e.name;
            SnapshotCodec.write(e.snapshot, ps);
            if (e.unconfirmed) {
                // supervisord's UNKNOWN: the node does not say whether the process still runs
                SnapshotCodec.reportUnknown(ps);
            }
            long podSpawn = e.snapshot.pid() != 0 ? e.snapshot.pid() : e.snapshot.spawnPending() ? e.spawns : 0;
            ps.pod = podSpawn == 0 ? null : PodNames.podName(program.getMetadata().getUid(), e.name, podSpawn);
            ps.spawns = e.spawns;
            ps.configHash = e.configHash;
            ps.pendingAfterStop = e.afterStop == null ? null : e.afterStop.name();
            ps.heldStopped = Boolean.TRUE.equals(e.held) ? Boolean.TRUE : null;
            ps.restartedAt = e.restartedAt;
            ps.podCondition = e.podCondition;
            ps.recentRestarts = e.recentRestarts == 0 ? null : e.recentRestarts;
            ps.respawnAt = e.respawnAt == null ? null : e.respawnAt.toString();
            ps.createRetries = e.createRetries == 0 ? null : e.createRetries;
            ps.createRetry = e.createRetry;
            ps.description = StatusSummary.describe(e.name, e.snapshot, ps.pod, e.podCondition, now, zone);
            status.processes.add(ps);
        }
        status.notApplied = notApplied.isEmpty() ? null : List.copyOf(notApplied);
        long generation = program.getMetadata().getGeneration() == null ? 0 : program.getMetadata().getGeneration();
        boolean settling = runtime.processes.values().stream()
                .anyMatch(e -> e.afterStop != null || e.replacing || e.respawnAt != null);
        StatusSummary.summarize(status, previous, now, generation, settling);
        if (!problems.isEmpty()) {
            StatusSummary.invalid(status, previous, problems, now, generation);
        }
        return status;
    }

    /** Whether the status already reports exactly these problems (then no new Event). */
    static boolean alreadyReported(SupervisedProgram program, List<String> problems) {
        String message = String.join("; ", problems);
        return previousConditions(program).stream().anyMatch(c -> StatusSummary.STALLED.equals(c.getType())
                && "True".equals(c.getStatus()) && StatusSummary.INVALID_SPEC.equals(c.getReason())
                && message.equals(c.getMessage()));
    }

    private static List<Condition> previousConditions(SupervisedProgram program) {
        return program.getStatus() == null || program.getStatus().conditions == null
                ? List.of() : program.getStatus().conditions;
    }
}
