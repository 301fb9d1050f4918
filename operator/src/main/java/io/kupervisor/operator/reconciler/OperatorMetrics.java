package io.kupervisor.operator.reconciler;

import io.kupervisor.core.state.ProcessState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * Prometheus metrics with bounded labels only (a state, a result): never a program, pod or
 * namespace name, so 1,000 programs cost the same series as one.
 */
@ApplicationScoped
public class OperatorMetrics {
    private final Map<ProcessState, Counter> transitions = new EnumMap<>(ProcessState.class);
    private final Counter spawns;
    private final Counter spawnFailures;
    private final Timer reconcile;

    public OperatorMetrics(MeterRegistry registry, RuntimeStore store) {
        for (ProcessState s : ProcessState.values()) {
            transitions.put(s, Counter.builder("kupervisor.process.transitions")
                    .description("process state changes, by the state entered")
                    .tag("to", s.name()).register(registry));
            Gauge.builder("kupervisor.processes", store, st -> st.countByState().get(s))
                    .description("processes by state").tag("state", s.name()).register(registry);
        }
        Gauge.builder("kupervisor.programs", store, RuntimeStore::programs)
                .description("SupervisedPrograms known to this operator").register(registry);
        spawns = Counter.builder("kupervisor.pods.created").description("process pods created (spawns)")
                .register(registry);
        spawnFailures = Counter.builder("kupervisor.spawn.failures")
                .description("spawns that failed before the process ran").register(registry);
        reconcile = Timer.builder("kupervisor.reconcile").description("time of one SupervisedProgram reconcile")
                .publishPercentiles(0.5, 0.99).register(registry);
    }

    void transition(ProcessState to) {
        transitions.get(to).increment();
    }

    void spawned() {
        spawns.increment();
    }

    void spawnFailed() {
        spawnFailures.increment();
    }

    void reconciled(Duration d) {
        reconcile.record(d);
    }

    /** The reconcile timer, for the benchmark's p50/p99. */
    public Timer reconcileTimer() {
        return reconcile;
    }
}
