package io.kupervisor.api.resolve;

import io.kupervisor.core.state.LifecycleRules;

import java.util.List;
import java.util.Map;

/**
 * One process of a program with every template expanded: what the operator turns into a pod.
 *
 * @param name       the process name ({@code processName} expanded)
 * @param processNum its {@code %(process_num)}
 * @param rules      the lifecycle settings the state machine applies
 * @param argv       the command, split as supervisord splits it
 * @param directory  the working directory, or null
 * @param environment the process's own variables, in order
 * @param uid        the numeric user, or null when none is set
 * @param umask      the umask in octal digits ({@code 022}), or null when none is set
 * @param redirectStderr whether stderr goes to stdout
 */
public record ResolvedProcess(
        String name,
        int processNum,
        LifecycleRules rules,
        List<String> argv,
        String directory,
        Map<String, String> environment,
        Long uid,
        String umask,
        boolean redirectStderr) {

    public ResolvedProcess {
        argv = List.copyOf(argv);
        environment = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(environment));
    }
}
