package io.kupervisor.supervisord.control;

import io.kupervisor.core.config.ProcessGroupConfig;

import java.util.List;

/**
 * One active group: its configuration (the very object of the parse it came from, so a caller can
 * tell whether a later parse changed it) and its processes by (priority, name), supervisord's start
 * order within a group.
 */
public record GroupStatus(ProcessGroupConfig config, List<ProcessStatus> processes) {

    public GroupStatus {
        processes = List.copyOf(processes);
    }

    public String name() {
        return config.name();
    }
}
