package io.kupervisor.api.resolve;

import java.util.List;

/**
 * A {@code SupervisedProgram} as supervisord would run it.
 *
 * @param programName the program name ({@code %(program_name)s})
 * @param groupName   its group ({@code %(group_name)s})
 * @param priority    the start order within the group
 * @param processes   its processes in {@code process_num} order
 * @param configHash  a digest of every field but the run state: a change means supervisord's
 *                    {@code update} would restart the program
 */
public record ResolvedProgram(String programName, String groupName, int priority, List<ResolvedProcess> processes,
        String configHash) {

    public ResolvedProgram {
        processes = List.copyOf(processes);
    }
}
