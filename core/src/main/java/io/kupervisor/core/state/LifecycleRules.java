package io.kupervisor.core.state;

import io.kupervisor.core.config.AutoRestart;
import io.kupervisor.core.config.ProcessConfig;

import java.util.Objects;
import java.util.Set;

/**
 * The lifecycle settings of one process ({@code [program:x]} keys), as the state machine needs them.
 * Built from the config model by {@link #of(ProcessConfig)}, or from a {@code SupervisedProgram}
 * spec by the api's resolver.
 *
 * @param name          the process name used in log lines ({@code spawned: 'name' with pid N});
 *                      supervisord uses the process name, not {@code group:name}
 * @param autostart     start when the daemon/operator starts ({@link ProcessEvent.AutostartDue})
 * @param startsecs     seconds the process must stay up, strictly more than, to count as started
 * @param startretries  consecutive failed starts tolerated before FATAL (attempts = startretries + 1)
 * @param autorestart   what to do after an exit from RUNNING
 * @param exitcodes     exit codes that count as expected
 * @param stopSignal    signal number sent on stop ({@link Signals#parse(String)} for names)
 * @param stopwaitsecs  seconds to wait after the stop signal (and between SIGKILLs) before SIGKILL
 * @param stopasgroup   send the stop signal to the process group
 * @param killasgroup   send SIGKILL to the process group
 */
public record LifecycleRules(
        String name,
        boolean autostart,
        int startsecs,
        int startretries,
        AutoRestart autorestart,
        Set<Integer> exitcodes,
        int stopSignal,
        int stopwaitsecs,
        boolean stopasgroup,
        boolean killasgroup) {

    public LifecycleRules {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(autorestart, "autorestart");
        exitcodes = Set.copyOf(Objects.requireNonNull(exitcodes, "exitcodes"));
        if (name.isEmpty()) {
            throw new IllegalArgumentException("name must not be empty");
        }
        if (startsecs < 0) {
            throw new IllegalArgumentException("startsecs must be >= 0: " + startsecs);
        }
        if (startretries < 0) {
            throw new IllegalArgumentException("startretries must be >= 0: " + startretries);
        }
        if (stopwaitsecs < 0) {
            throw new IllegalArgumentException("stopwaitsecs must be >= 0: " + stopwaitsecs);
        }
        if (!Signals.isValidNumber(stopSignal)) {
            throw new IllegalArgumentException("not a valid signal number: " + stopSignal);
        }
        for (int code : exitcodes) {
            if (code < 0 || code > 255) {
                throw new IllegalArgumentException("exit code out of range 0..255: " + code);
            }
        }
        if (stopasgroup && !killasgroup) {
            // supervisord rejects this combination at config time with the same words
            throw new IllegalArgumentException("Cannot set stopasgroup=true and killasgroup=false");
        }
    }

    /**
     * The rules of a process of the config model. supervisord takes negative numbers as they come
     * ({@code startsecs=-1} parses); they act as 0 in every rule, so they are 0 here.
     */
    public static LifecycleRules of(ProcessConfig c) {
        return new LifecycleRules(c.name(), c.autostart(), Math.max(0, c.startsecs()), Math.max(0, c.startretries()),
                c.autorestart(), Set.copyOf(c.exitcodes()), c.stopsignal(), Math.max(0, c.stopwaitsecs()),
                c.stopasgroup(), c.killasgroup());
    }

    /**
     * supervisord 4.2.5's defaults: autostart=true, startsecs=1, startretries=3,
     * autorestart=unexpected, exitcodes=0, stopsignal=TERM, stopwaitsecs=10, no group signalling.
     */
    public static LifecycleRules defaults(String name) {
        return new LifecycleRules(name, true, 1, 3, AutoRestart.UNEXPECTED, Set.of(0),
                Signals.SIGTERM, 10, false, false);
    }

    public LifecycleRules withAutostart(boolean v) {
        return new LifecycleRules(name, v, startsecs, startretries, autorestart, exitcodes, stopSignal,
                stopwaitsecs, stopasgroup, killasgroup);
    }

    public LifecycleRules withStartsecs(int v) {
        return new LifecycleRules(name, autostart, v, startretries, autorestart, exitcodes, stopSignal,
                stopwaitsecs, stopasgroup, killasgroup);
    }

    public LifecycleRules withStartretries(int v) {
        return new LifecycleRules(name, autostart, startsecs, v, autorestart, exitcodes, stopSignal,
                stopwaitsecs, stopasgroup, killasgroup);
    }

    public LifecycleRules withAutorestart(AutoRestart v) {
        return new LifecycleRules(name, autostart, startsecs, startretries, v, exitcodes, stopSignal,
                stopwaitsecs, stopasgroup, killasgroup);
    }

    public LifecycleRules withExitcodes(Set<Integer> v) {
        return new LifecycleRules(name, autostart, startsecs, startretries, autorestart, v, stopSignal,
                stopwaitsecs, stopasgroup, killasgroup);
    }

    public LifecycleRules withStopSignal(int v) {
        return new LifecycleRules(name, autostart, startsecs, startretries, autorestart, exitcodes, v,
                stopwaitsecs, stopasgroup, killasgroup);
    }

    public LifecycleRules withStopwaitsecs(int v) {
        return new LifecycleRules(name, autostart, startsecs, startretries, autorestart, exitcodes, stopSignal,
                v, stopasgroup, killasgroup);
    }

    /** Sets stopasgroup and killasgroup (the only valid combinations: both, only kill, neither). */
    public LifecycleRules withGroupSignalling(boolean stopasgroup, boolean killasgroup) {
        return new LifecycleRules(name, autostart, startsecs, startretries, autorestart, exitcodes, stopSignal,
                stopwaitsecs, stopasgroup, killasgroup);
    }

    /** Whether {@code status} is an expected exit: its code (-1 for signals) is in {@code exitcodes}. */
    public boolean isExpected(ExitStatus status) {
        return exitcodes.contains(status.code());
    }
}
