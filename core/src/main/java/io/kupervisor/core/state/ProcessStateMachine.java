package io.kupervisor.core.state;

import java.time.Instant;
import java.util.Objects;

/**
 * One process's state machine: a holder of the current {@link ProcessSnapshot} around the pure
 * {@link ProcessLifecycle#apply}. Thread-safe (events are applied one at a time); knows nothing of
 * processes, pods, threads or clocks: the driver passes the time with every event.
 */
public final class ProcessStateMachine implements ProcessDriver.Machine {
    private final LifecycleRules rules;
    private ProcessSnapshot snapshot;

    /** A process that was never started (STOPPED). */
    public ProcessStateMachine(LifecycleRules rules) {
        this(rules, ProcessSnapshot.initial());
    }

    /** A process restored from a snapshot kept earlier (e.g. the operator's CR status). */
    public ProcessStateMachine(LifecycleRules rules, ProcessSnapshot snapshot) {
        this.rules = Objects.requireNonNull(rules, "rules");
        this.snapshot = Objects.requireNonNull(snapshot, "snapshot");
    }

    /** Applies {@code event} observed at {@code now}; the driver performs the returned actions in order. */
    @Override
    public synchronized Transition handle(ProcessEvent event, Instant now) {
        Transition t = ProcessLifecycle.apply(rules, snapshot, event, now);
        snapshot = t.after();
        return t;
    }

    public synchronized ProcessSnapshot snapshot() {
        return snapshot;
    }

    public synchronized ProcessState state() {
        return snapshot.state();
    }

    public LifecycleRules rules() {
        return rules;
    }

    public String name() {
        return rules.name();
    }
}
