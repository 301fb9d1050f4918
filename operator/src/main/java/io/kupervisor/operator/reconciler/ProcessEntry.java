package io.kupervisor.operator.reconciler;

import io.kupervisor.core.state.LifecycleRules;
import io.kupervisor.core.state.ProcessSnapshot;

/**
 * The operator's memory of one process: its state machine snapshot and what the driver needs around
 * it. Kept in memory while the operator lives and mirrored into the CR status for restarts.
 */
final class ProcessEntry {
    /** What is waiting for the process to reach a stopped state. */
    enum AfterStop {
        /** the restart annotation changed: start again */
        RESTART,
        /** the configuration changed: replace the process as supervisorctl update does */
        UPDATE
    }

    final String name;
    LifecycleRules rules;
    ProcessSnapshot snapshot;
    /** spawns so far: spawn n runs in pod n (the state machine's pid). */
    long spawns;
    String configHash;
    AfterStop afterStop;
    /** the pod of the pending spawn was created (in this operator's lifetime). */
    boolean podCreated;
    /** the last signal sent by deleting the pod: what a pod that vanishes while stopping died of. */
    int lastSignal;

    ProcessEntry(String name, LifecycleRules rules, ProcessSnapshot snapshot, long spawns, String configHash) {
        this.name = name;
        this.rules = rules;
        this.snapshot = snapshot;
        this.spawns = spawns;
        this.configHash = configHash;
    }
}
