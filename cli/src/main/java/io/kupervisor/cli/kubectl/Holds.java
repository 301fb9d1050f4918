package io.kupervisor.cli.kubectl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kupervisor.api.v1alpha1.RunState;
import io.kupervisor.api.v1alpha1.SupervisedProgram;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which processes of a program its spec holds stopped ({@code spec.state: stopped} holds them all,
 * {@code spec.stoppedProcesses} some), and the merge patch that holds or releases some of them:
 * {@code supervisorctl stop} and {@code start} of single processes, written as the spec a person
 * would write. Every process held is {@code state: stopped}; otherwise {@code state: running} and
 * the held ones listed in process order.
 */
final class Holds {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Holds() {
    }

    /** The processes among {@code names} that the spec holds stopped, in the order of {@code names}. */
    static Set<String> held(SupervisedProgram p, List<String> names) {
        if (p.getSpec().state == RunState.STOPPED) {
            return new LinkedHashSet<>(names);
        }
        Set<String> listed = new HashSet<>(listed(p));
        Set<String> held = new LinkedHashSet<>();
        names.stream().filter(listed::contains).forEach(held::add);
        return held;
    }

    private static List<String> listed(SupervisedProgram p) {
        return p.getSpec().stoppedProcesses == null ? List.of() : p.getSpec().stoppedProcesses;
    }

    /**
     * The merge patch that holds {@code hold} and releases {@code release} (processes among
     * {@code names}, the program's processes in order), with the resource version read as its
     * precondition; empty when the spec says so already. Listed names the status does not know
     * (yet) are kept.
     */
    static Optional<String> patch(SupervisedProgram p, List<String> names, Collection<String> hold,
            Collection<String> release) {
        Set<String> after = held(p, names);
        after.addAll(hold);
        after.removeAll(release);
        boolean wasStopped = p.getSpec().state == RunState.STOPPED;
        Map<String, Object> spec = new LinkedHashMap<>();
        if (!names.isEmpty() && after.containsAll(names)) {
            if (wasStopped) {
                return Optional.empty();
            }
            spec.put("state", "stopped");
        } else {
            if (wasStopped) {
                spec.put("state", "running");
            }
            List<String> list = new ArrayList<>();
            names.stream().filter(after::contains).forEach(list::add);
            listed(p).stream().filter(n -> !names.contains(n) && !list.contains(n)).forEach(list::add);
            if (!new HashSet<>(list).equals(new HashSet<>(listed(p)))) {
                // an empty list goes: null removes the field in a merge patch
                spec.put("stoppedProcesses", list.isEmpty() ? null : list);
            }
        }
        if (spec.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> patch = new LinkedHashMap<>();
        if (p.getMetadata().getResourceVersion() != null) {
            // optimistic concurrency: a program changed since it was read is refused (Conflict), read again
            patch.put("metadata", Map.of("resourceVersion", p.getMetadata().getResourceVersion()));
        }
        patch.put("spec", spec);
        try {
            return Optional.of(JSON.writeValueAsString(patch));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
