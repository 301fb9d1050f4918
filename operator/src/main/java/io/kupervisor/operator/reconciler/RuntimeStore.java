package io.kupervisor.operator.reconciler;

import io.kupervisor.core.state.ProcessState;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.kupervisor.api.v1alpha1.SupervisedProgram;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.EnumMap;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every program's runtime, by uid. JOSDK never reconciles one resource twice at once. A deleted
 * program is not reconciled again (no finalizer), so a sweep forgets the runtimes of programs no
 * longer in the controller's cache.
 */
@ApplicationScoped
public class RuntimeStore {
    private final Map<String, ProgramRuntime> byUid = new ConcurrentHashMap<>();
    private volatile IndexedResourceCache<SupervisedProgram> primaries;
    private ScheduledExecutorService sweeper;

    /** Starts the sweep that forgets deleted programs (once; the reconciler asks for it). */
    synchronized void sweepEvery(java.time.Duration interval) {
        if (sweeper != null) {
            return;
        }
        sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kupervisor-forget");
            t.setDaemon(true);
            return t;
        });
        long ms = interval.toMillis();
        sweeper.scheduleWithFixedDelay(this::sweep, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** The controller's cache of programs, which the sweep compares the runtimes with. */
    void watch(IndexedResourceCache<SupervisedProgram> cache) {
        primaries = cache;
    }

    private void sweep() {
        IndexedResourceCache<SupervisedProgram> cache = primaries;
        if (cache == null) {
            return;
        }
        Set<String> live = new HashSet<>();
        cache.list().forEach(p -> live.add(p.getMetadata().getUid()));
        forgetAllBut(live);
    }

    /** Forgets the runtime of every program whose uid is not in {@code live}. */
    void forgetAllBut(Set<String> live) {
        byUid.keySet().removeIf(uid -> !live.contains(uid));
    }

    @PreDestroy
    synchronized void close() {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
    }

    ProgramRuntime get(String uid) {
        return byUid.get(uid);
    }

    void put(String uid, ProgramRuntime runtime) {
        byUid.put(uid, runtime);
    }

    void remove(String uid) {
        byUid.remove(uid);
    }

    /** Processes per state over all programs (for the metrics gauge). */
    public Map<ProcessState, Integer> countByState() {
        Map<ProcessState, Integer> counts = new EnumMap<>(ProcessState.class);
        for (ProcessState s : ProcessState.values()) {
            counts.put(s, 0);
        }
        for (ProgramRuntime r : byUid.values()) {
            for (ProcessEntry e : r.processes.values()) {
                counts.merge(e.snapshot.state(), 1, Integer::sum);
            }
        }
        return counts;
    }

    public int programs() {
        return byUid.size();
    }
}
