package io.kupervisor.operator.reconciler;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The operator's memory of one SupervisedProgram (by uid). Authoritative while the operator runs;
 * rebuilt from the CR status when it starts (or becomes leader).
 */
final class ProgramRuntime {
    final Map<String, ProcessEntry> processes = new LinkedHashMap<>();
    /** spec.state last acted on (running/stopped). */
    String appliedState;
    /** the restart annotation value last acted on. */
    String restartedAt;
}
