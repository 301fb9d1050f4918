package io.kupervisor.operator.pod;

import io.fabric8.kubernetes.api.model.Pod;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A program's pods by process and spawn number, and which of them are left over: the operator keeps
 * the pod of the current spawn and the last terminated one (its logs are the last run's, as
 * supervisord keeps one log file per process) and deletes the rest.
 */
public final class ProcessPods {
    /** A pod to delete; a terminated one goes at once, a live one with its grace. */
    public record Leftover(Pod pod, boolean terminated) {
    }

    private final Map<String, List<Pod>> byProcess = new HashMap<>();

    public ProcessPods(Collection<Pod> pods) {
        for (Pod pod : pods) {
            Map<String, String> a = pod.getMetadata().getAnnotations();
            String process = a == null ? null : a.get(PodNames.PROCESS_ANNOTATION);
            if (process != null) {
                byProcess.computeIfAbsent(process, k -> new ArrayList<>()).add(pod);
            }
        }
    }

    /** The pod of spawn {@code spawn} of {@code process}, or null. */
    public Pod pod(String process, long spawn) {
        for (Pod p : of(process)) {
            if (spawnOf(p) == spawn) {
                return p;
            }
        }
        return null;
    }

    public List<Pod> of(String process) {
        return byProcess.getOrDefault(process, List.of());
    }

    public Set<String> processes() {
        return byProcess.keySet();
    }

    /** The pods of {@code process} other than spawn {@code current} and the last terminated one. */
    public List<Leftover> leftovers(String process, long current) {
        List<Pod> others = new ArrayList<>(of(process).stream()
                .filter(p -> spawnOf(p) != current && !deleting(p)).toList());
        others.sort(Comparator.comparingLong(ProcessPods::spawnOf).reversed());
        List<Leftover> out = new ArrayList<>();
        boolean keptLast = false;
        for (Pod p : others) {
            boolean terminated = terminated(p);
            if (terminated && !keptLast) {
                keptLast = true;
                continue;
            }
            out.add(new Leftover(p, terminated));
        }
        return out;
    }

    public static boolean deleting(Pod p) {
        return p.getMetadata().getDeletionTimestamp() != null;
    }

    public static boolean terminated(Pod p) {
        String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
        return "Succeeded".equals(phase) || "Failed".equals(phase) || PodObservation.of(p, "").exit().isPresent();
    }

    /** The spawn number of a pod (its label), -1 when it has none. */
    public static long spawnOf(Pod p) {
        String s = p.getMetadata().getLabels() == null ? null : p.getMetadata().getLabels().get(PodNames.SPAWN_LABEL);
        try {
            return s == null ? -1 : Long.parseLong(s);
        } catch (NumberFormatException ex) {
            return -1;
        }
    }
}
