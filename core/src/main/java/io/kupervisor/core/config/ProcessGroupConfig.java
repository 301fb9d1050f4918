package io.kupervisor.core.config;

import java.util.List;

/**
 * A process group: what {@code supervisorctl start g:*} addresses and what {@code update} adds,
 * changes or removes as a whole.
 *
 * @param section     the section that made the group ({@code program:x}, {@code group:x}, ...)
 * @param events      event types an event listener pool subscribes to (empty otherwise)
 * @param bufferSize  event listener buffer size (0 otherwise)
 * @param socket      the socket of a FastCGI group (null otherwise)
 */
public record ProcessGroupConfig(
        String name,
        int priority,
        GroupKind kind,
        String section,
        List<ProcessConfig> processes,
        List<String> events,
        int bufferSize,
        String resultHandler,
        FcgiSocket socket,
        Origin origin) {

    public ProcessGroupConfig {
        processes = List.copyOf(processes);
        events = List.copyOf(events);
    }
}
