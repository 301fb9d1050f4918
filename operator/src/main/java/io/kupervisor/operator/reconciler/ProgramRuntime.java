package io.kupervisor.operator.reconciler;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The operator's memory of one SupervisedProgram (by uid). Authoritative while the operator runs;
 * rebuilt from the CR status when it starts (or becomes leader).
 */
final class ProgramRuntime {
    /** by process name; concurrent because the metrics gauge reads it while a reconcile writes */
    final Map<String, ProcessEntry> processes = new ConcurrentHashMap<>();
    /** spec.state last acted on (running/stopped); each process keeps whether it is held stopped. */
    String appliedState;
    /** the restart annotation value last acted on. */
    String restartedAt;
    /** the PodDisruptionBudget applied ({@code maxUnavailable=N}), or null when none. */
    String budget;
}
