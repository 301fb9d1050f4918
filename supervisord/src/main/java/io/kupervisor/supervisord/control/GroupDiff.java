package io.kupervisor.supervisord.control;

import io.kupervisor.core.config.ProcessConfig;
import io.kupervisor.core.config.ProcessGroupConfig;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * supervisord's {@code diff_to_active}: which groups a fresh parse adds, changes or removes.
 * "Changed" compares every parsed field of every process and the group's own settings, but not
 * where they were written (moving a section to another file changes nothing).
 */
public record GroupDiff(List<ProcessGroupConfig> added, List<ProcessGroupConfig> changed,
                        List<ProcessGroupConfig> removed) {

    public static GroupDiff between(Collection<ProcessGroupConfig> current, List<ProcessGroupConfig> fresh) {
        Map<String, ProcessGroupConfig> cur = new LinkedHashMap<>();
        current.forEach(g -> cur.put(g.name(), g));
        Map<String, ProcessGroupConfig> next = new LinkedHashMap<>();
        fresh.forEach(g -> next.put(g.name(), g));
        List<ProcessGroupConfig> added = new ArrayList<>();
        List<ProcessGroupConfig> changed = new ArrayList<>();
        List<ProcessGroupConfig> removed = new ArrayList<>();
        for (ProcessGroupConfig g : fresh) {
            ProcessGroupConfig old = cur.get(g.name());
            if (old == null) {
                added.add(g);
            } else if (!same(old, g)) {
                changed.add(g);
            }
        }
        for (ProcessGroupConfig g : current) {
            if (!next.containsKey(g.name())) {
                removed.add(g);
            }
        }
        return new GroupDiff(added, changed, removed);
    }

    public boolean isEmpty() {
        return added.isEmpty() && changed.isEmpty() && removed.isEmpty();
    }

    public static boolean same(ProcessGroupConfig a, ProcessGroupConfig b) {
        return withoutOrigins(a).equals(withoutOrigins(b));
    }

    private static ProcessGroupConfig withoutOrigins(ProcessGroupConfig g) {
        List<ProcessConfig> procs = g.processes().stream().map(p -> new ProcessConfig(p.name(), p.groupName(),
                p.programName(), p.section(), p.processNum(), p.numprocs(), p.command(), p.directory(), p.umask(),
                p.priority(), p.autostart(), p.autorestart(), p.startsecs(), p.startretries(), p.user(), p.stdout(),
                p.stderr(), p.stopsignal(), p.stopwaitsecs(), p.stopasgroup(), p.killasgroup(), p.exitcodes(),
                p.redirectStderr(), p.environment(), p.serverurl(), null)).toList();
        return new ProcessGroupConfig(g.name(), g.priority(), g.kind(), g.section(), procs, g.events(),
                g.bufferSize(), g.resultHandler(), g.socket(), null);
    }
}
