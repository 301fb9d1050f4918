package io.kupervisor.supervisord.control;

import io.kupervisor.core.config.ProcessConfig;
import io.kupervisor.core.state.ProcessSnapshot;
import io.kupervisor.core.state.ProcessState;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One process as the daemon's loop saw it: an immutable copy, safe to keep and read anywhere.
 *
 * @param config    what the process runs as
 * @param snapshot  its state machine's state
 * @param stdoutLog its stdout log file (AUTO logs named), or null when it has none
 * @param stderrLog its stderr log file, or null (none, or {@code redirect_stderr})
 */
public record ProcessStatus(ProcessConfig config, ProcessSnapshot snapshot, Path stdoutLog, Path stderrLog) {

    public ProcessStatus {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(snapshot, "snapshot");
    }

    public String name() {
        return config.name();
    }

    public String group() {
        return config.groupName();
    }

    public String namespec() {
        return config.namespec();
    }

    public ProcessState state() {
        return snapshot.state();
    }

    /** The log of a channel, or null. */
    public Path log(Channel channel) {
        return channel == Channel.STDOUT ? stdoutLog : stderrLog;
    }
}
