package io.kupervisor.operator.reconciler;

import io.kupervisor.core.state.ProcessState;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Every program's runtime, by uid. JOSDK never reconciles one resource twice at once. */
@ApplicationScoped
public class RuntimeStore {
    private final Map<String, ProgramRuntime> byUid = new ConcurrentHashMap<>();

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
