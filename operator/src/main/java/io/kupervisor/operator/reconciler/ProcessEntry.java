package io.kupervisor.operator.reconciler;

import io.kupervisor.core.state.LifecycleRules;
import io.kupervisor.core.state.ProcessSnapshot;

import java.time.Instant;

/**
 * The operator's memory of one process: its state machine snapshot and what the driver needs around
 * it. Kept in memory while the operator lives and mirrored into the CR status for restarts.
 */
final class ProcessEntry {
    /** What is waiting for the process to reach a stopped state. */
    enum AfterStop {
        /** a restart annotation changed, or a start came while it was stopping: start again */
        RESTART,
        /** the configuration changed: replace the process as supervisorctl update does */
        UPDATE
    }

    final String name;
    /**
     * held stopped (spec.state stopped, or named in spec.stoppedProcesses) as last acted on; null
     * before the process was first seen with a resolved spec (what the spec says then is no request).
     */
    Boolean held;
    /** the value of its own restart annotation last acted on. */
    String restartedAt;
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
    /** respawns after exits from RUNNING since the process last ran {@code STABLE_RUN} (restart churn). */
    int recentRestarts;
    /** the process exited from RUNNING: its next spawn is a restart that counts as churn. */
    boolean restartNext;
    /** when the pending spawn's pod may be created: a churn delay, or a refused creation's retry. */
    Instant respawnAt;
    /** creations the cluster refused for now, in a row, and the last reason. */
    int createRetries;
    String createRetry;
    /** replaced by an update and not RUNNING yet: the next RUNNING process waits for it. */
    boolean replacing;
    /** what the cluster says about the pod, in words (reset at each reconcile). */
    String podCondition;
    /**
     * its pod's deletion is not confirmed long after its grace period (the node does not answer):
     * whether the process still runs is unknown, and the status says UNKNOWN (reset at each reconcile).
     */
    boolean unconfirmed;

    /** When the pending spawn's pod may be created, or null for now. */
    Instant dueToCreate() {
        return respawnAt;
    }

    ProcessEntry(String name, LifecycleRules rules, ProcessSnapshot snapshot, long spawns, String configHash) {
        this.name = name;
        this.rules = rules;
        this.snapshot = snapshot;
        this.spawns = spawns;
        this.configHash = configHash;
    }
}
