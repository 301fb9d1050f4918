package io.kupervisor.supervisord.process;

import io.kupervisor.core.config.LogLevel;
import io.kupervisor.core.state.Action;
import io.kupervisor.supervisord.control.Channel;
import io.kupervisor.supervisord.io.OutputPump;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;

/**
 * What a {@link Subprocess} needs from the daemon around it. Every call happens on the daemon's
 * single loop thread, which owns all process state, except the two output calls, which the output
 * pump's thread makes.
 */
public interface Daemon {
    Instant now();

    ScheduledFuture<?> schedule(Runnable task, Duration delay);

    void log(LogLevel level, String message);

    OutputPump pump();

    /** supervisord's own environment, which children inherit. */
    Map<String, String> environment();

    /** The directory relative commands and log paths resolve against. */
    Path cwd();

    /** SUPERVISOR_SERVER_URL for children, or null without any HTTP server. */
    String serverUrl();

    /** childlogdir, identifier and strip_ansi, for AUTO logs and output handling. */
    Path childLogDir();

    String identifier();

    boolean stripAnsi();

    /** AUTO logs without the random part ({@code [kupervisor] stable_auto_logs}). */
    boolean stableAutoLogs();

    /** Whether child output is copied into the main log (loglevel debug or lower). */
    boolean logChildOutput();

    /** The container's stdout for program output, or null when mirroring is off. */
    io.kupervisor.supervisord.log.StdoutMirror mirror();

    /** Runs {@code task} on the loop thread (from the reaper, for instance). */
    void execute(Runnable task);

    /** A process changed state: waiters, events, health and exit-on-fatal hear of it here. */
    void stateChanged(Subprocess process, Action.StateChanged change);

    /** Whether anyone subscribes to process output (then output is copied for them). Any thread. */
    default boolean outputWanted() {
        return false;
    }

    /** A process wrote {@code data} (a copy the daemon keeps) on {@code channel}. Pump thread. */
    default void output(Subprocess process, long pid, Channel channel, byte[] data) {
    }

    /** Event delivery's hooks into processes' output and listeners' lives; null when none. */
    default EventHooks eventHooks() {
        return null;
    }
}
