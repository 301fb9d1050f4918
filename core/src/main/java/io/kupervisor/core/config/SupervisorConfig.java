package io.kupervisor.core.config;

import java.nio.file.Path;
import java.util.List;

/**
 * A whole configuration as supervisord 4.2.5 reads it: the daemon, the migration and the operator
 * all start from this. Immutable.
 *
 * @param groups        sorted as supervisord sorts them: by priority, then name
 * @param servers       inet servers first, then unix ones, as supervisord lists them
 * @param includedFiles every file read through {@code [include]}, in reading order
 * @param kupervisor    the {@code [kupervisor]} section (health endpoints, exit on FATAL, ...)
 */
public record SupervisorConfig(
        Path configFile,
        SupervisordOptions supervisord,
        List<ProcessGroupConfig> groups,
        List<ServerConfig> servers,
        List<RpcInterfaceConfig> rpcInterfaces,
        List<Path> includedFiles,
        List<ConfigWarning> warnings,
        KupervisorOptions kupervisor) {

    public SupervisorConfig {
        groups = List.copyOf(groups);
        servers = List.copyOf(servers);
        rpcInterfaces = List.copyOf(rpcInterfaces);
        includedFiles = List.copyOf(includedFiles);
        warnings = List.copyOf(warnings);
    }

    /** Every process of every group, in group order. */
    public List<ProcessConfig> processes() {
        return groups.stream().flatMap(g -> g.processes().stream()).toList();
    }
}
