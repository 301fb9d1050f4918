package io.kupervisor.supervisord.process;

import io.kupervisor.core.config.ProcessConfig;
import io.kupervisor.core.config.ProcessGroupConfig;
import io.kupervisor.core.state.ProcessState;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A process group as supervisord runs it: its config and its processes by name. */
public final class ProcessGroup {
    private final ProcessGroupConfig config;
    private final Map<String, Subprocess> processes = new LinkedHashMap<>();
    /** Order of addition, for ties in priority (supervisord sorts stably). */
    private final long sequence;

    public ProcessGroup(ProcessGroupConfig config, Daemon daemon, long sequence) {
        this.config = config;
        this.sequence = sequence;
        for (ProcessConfig p : config.processes()) {
            processes.put(p.name(), new Subprocess(p, daemon,
                    config.kind() == io.kupervisor.core.config.GroupKind.EVENT_LISTENER_POOL));
        }
    }

    public ProcessGroupConfig config() {
        return config;
    }

    public String name() {
        return config.name();
    }

    public long sequence() {
        return sequence;
    }

    public Subprocess process(String name) {
        return processes.get(name);
    }

    /** Processes by (priority, name), supervisord's start order within a group. */
    public List<Subprocess> processes() {
        List<Subprocess> list = new ArrayList<>(processes.values());
        // one lambda of ours, not Comparator's combinators: theirs are spun at run time (issue 18)
        list.sort((a, b) -> a.config().priority() != b.config().priority()
                ? Integer.compare(a.config().priority(), b.config().priority()) : a.name().compareTo(b.name()));
        return list;
    }

    /** Processes not yet in a stopped state (supervisord's get_unstopped_processes). */
    public List<Subprocess> unstopped() {
        return processes().stream().filter(p -> !p.state().isStopped()).toList();
    }

    public boolean allStopped() {
        return processes.values().stream().allMatch(p -> p.state().isStopped());
    }

    public boolean anyIn(ProcessState state) {
        return processes.values().stream().anyMatch(p -> p.state() == state);
    }

    /** Group order: priority, then the order groups were added (config order at start). */
    public static final Comparator<ProcessGroup> ORDER = (a, b) -> a.config().priority() != b.config().priority()
            ? Integer.compare(a.config().priority(), b.config().priority()) : Long.compare(a.sequence(), b.sequence());
}
