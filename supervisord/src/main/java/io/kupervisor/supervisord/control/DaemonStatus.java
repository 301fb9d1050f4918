package io.kupervisor.supervisord.control;

import io.kupervisor.core.config.Namespec;
import io.kupervisor.core.config.ProcessGroupConfig;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The whole daemon as its loop saw it in one turn: immutable, consistent (no state changed while
 * it was taken), safe to keep and read on any thread.
 *
 * @param state     supervisord's state
 * @param now       the daemon's clock when it was taken
 * @param groups    the active groups in supervisord's order (priority, then the order they were added)
 * @param available the groups of the latest parse (supervisord's "available" set): the running
 *                  configuration's until a reread, the fresh parse's after it
 * @param mainLog   the main log file, or null when it has none ({@code logfile=syslog})
 */
public record DaemonStatus(SupervisorState state, Instant now, List<GroupStatus> groups,
                           List<ProcessGroupConfig> available, Path mainLog) {

    public DaemonStatus {
        groups = List.copyOf(groups);
        available = List.copyOf(available);
    }

    /** Every process in supervisord's priority order (by group, then within the group). */
    public List<ProcessStatus> processes() {
        List<ProcessStatus> all = new ArrayList<>();
        groups.forEach(g -> all.addAll(g.processes()));
        return all;
    }

    /** Every process by group name, then process name ({@code getAllProcessInfo}'s order). */
    public List<ProcessStatus> processesByName() {
        List<ProcessStatus> all = new ArrayList<>(processes());
        all.sort((a, b) -> !a.group().equals(b.group()) ? a.group().compareTo(b.group()) : a.name().compareTo(b.name()));
        return all;
    }

    public Optional<GroupStatus> group(String name) {
        return groups.stream().filter(g -> g.name().equals(name)).findFirst();
    }

    /** The one process a namespec names (not a whole group). */
    public Optional<ProcessStatus> process(String namespec) {
        Namespec n = Namespec.parse(namespec);
        if (n.isWholeGroup()) {
            return Optional.empty();
        }
        return group(n.group()).flatMap(g -> g.processes().stream().filter(p -> p.name().equals(n.process()))
                .findFirst());
    }
}
