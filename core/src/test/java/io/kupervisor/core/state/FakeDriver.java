package io.kupervisor.core.state;

import io.kupervisor.core.config.LogLevel;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * A driver for tests: a fake clock, fake processes whose behaviour is scripted per spawn attempt,
 * one timer. Performs the machine's actions like a real driver, and records a main log with times
 * relative to the start, in the format of the timelines measured on supervisord ({@code 1.008 INFO spawned: ...}).
 */
final class FakeDriver {
    static final Instant T0 = Instant.parse("2026-11-24T21:04:52Z");

    /** How one spawned process behaves. */
    static final class Proc {
        String spawnerr;
        Duration lifetime; // null: runs until signalled
        ExitStatus natural;
        final Set<Integer> ignored = new HashSet<>();
        final Map<Integer, ExitStatus> onSignal = new HashMap<>();
        Duration signalDelay = Duration.ZERO;
        boolean unkillable; // survives even SIGKILL (e.g. stuck in uninterruptible sleep)

        static Proc spawnFails(String msg) {
            Proc p = new Proc();
            p.spawnerr = msg;
            return p;
        }

        static Proc exits(int code, Duration after) {
            Proc p = new Proc();
            p.lifetime = after;
            p.natural = new ExitStatus.Exited(code);
            return p;
        }

        static Proc forever() {
            return new Proc();
        }

        Proc ignoring(int signal) {
            ignored.add(signal);
            return this;
        }

        Proc onSignal(int signal, ExitStatus status) {
            onSignal.put(signal, status);
            return this;
        }

        Proc unkillable() {
            unkillable = true;
            return this;
        }

        Proc dyingAfter(Duration d) {
            signalDelay = d;
            return this;
        }
    }

    record Signal(Duration at, int signal, boolean toGroup) {
    }

    final ProcessStateMachine machine;
    private final IntFunction<Proc> program;
    Instant now = T0;
    Instant timerAt;
    int attempts;
    long pid;
    private long nextPid = 100;
    private Proc proc;
    private Instant exitAt;
    private ExitStatus exitStatus;
    final List<String> log = new ArrayList<>();
    final List<Action.StateChanged> changes = new ArrayList<>();
    final List<Duration> spawnTimes = new ArrayList<>();
    final List<Signal> signals = new ArrayList<>();
    final List<Transition> transitions = new ArrayList<>();

    FakeDriver(LifecycleRules rules, IntFunction<Proc> program) {
        this.machine = new ProcessStateMachine(rules);
        this.program = program;
    }

    /** Feeds an event now, then any follow-up events the actions caused (spawn results), through core's driver. */
    Transition send(ProcessEvent event) {
        return ProcessDriver.feed(this::record, effects, event, now);
    }

    private Transition record(ProcessEvent event, Instant at) {
        Transition t = machine.handle(event, at);
        transitions.add(t);
        return t;
    }

    private final ProcessDriver.Effects effects = new ProcessDriver.Effects() {
        @Override
        public Optional<ProcessEvent> spawn() {
            return Optional.of(FakeDriver.this.spawn());
        }

        @Override
        public Optional<ProcessEvent> cancelSpawn() {
            throw new AssertionError("spawns are synchronous here");
        }

        @Override
        public Optional<ProcessEvent> signal(int signal, boolean toGroup) {
            FakeDriver.this.signal(signal, toGroup);
            return Optional.empty();
        }

        @Override
        public Optional<ProcessEvent> kill(boolean toGroup) {
            FakeDriver.this.signal(Signals.SIGKILL, toGroup);
            return Optional.empty();
        }

        @Override
        public void scheduleTimer(Instant at) {
            timerAt = at;
        }

        @Override
        public void log(LogLevel level, LogMessage message) {
            log.add(offset(now) + " " + level.code() + " " + message.text());
        }

        @Override
        public void stateChanged(Action.StateChanged change) {
            changes.add(change);
        }

        @Override
        public Instant now() {
            return now;
        }
    };

    private ProcessEvent spawn() {
        proc = program.apply(attempts++);
        spawnTimes.add(Duration.between(T0, now));
        if (proc.spawnerr != null) {
            return new ProcessEvent.SpawnFailed(proc.spawnerr);
        }
        pid = nextPid++;
        if (proc.lifetime != null) {
            exitAt = now.plus(proc.lifetime);
            exitStatus = proc.natural;
        } else {
            exitAt = null;
            exitStatus = null;
        }
        return new ProcessEvent.Spawned(pid);
    }

    private void signal(int sig, boolean toGroup) {
        signals.add(new Signal(Duration.between(T0, now), sig, toGroup));
        if (proc.unkillable || (sig != Signals.SIGKILL && proc.ignored.contains(sig))) {
            return;
        }
        Duration delay = sig == Signals.SIGKILL ? Duration.ZERO : proc.signalDelay;
        Instant at = now.plus(delay);
        if (exitAt == null || at.isBefore(exitAt)) {
            exitAt = at;
            exitStatus = sig == Signals.SIGKILL
                    ? new ExitStatus.Signaled(sig)
                    : proc.onSignal.getOrDefault(sig, new ExitStatus.Signaled(sig));
        }
    }

    /** Something outside kills the running process now (e.g. {@code kill -9}). */
    void externalKill(int sig) {
        exitAt = now;
        exitStatus = new ExitStatus.Signaled(sig);
        runUntil(now);
    }

    /** Runs timers and process exits in time order up to {@code seconds} after T0. */
    void runUntil(double seconds) {
        runUntil(T0.plusNanos(Math.round(seconds * 1e9)));
    }

    void runUntil(Instant end) {
        for (int steps = 0; ; steps++) {
            if (steps > 100_000) {
                throw new AssertionError("no progress: timers or exits keep firing at " + offset(now));
            }
            Instant next = earliest(timerAt, exitAt);
            if (next == null || next.isAfter(end)) {
                break;
            }
            now = next.isBefore(now) ? now : next;
            if (exitAt != null && !exitAt.isAfter(now)) {
                exitAt = null;
                send(new ProcessEvent.Exited(pid, exitStatus));
            } else {
                timerAt = null;
                send(new ProcessEvent.TimerDue());
            }
        }
        if (end.isAfter(now)) {
            now = end;
        }
    }

    /** Moves the clock to {@code seconds} after T0 without delivering anything. */
    void clockAt(double seconds) {
        now = T0.plusNanos(Math.round(seconds * 1e9));
    }

    ProcessState state() {
        return machine.state();
    }

    /** The log without DEBG lines (supervisord's default loglevel=info). */
    List<String> infoLog() {
        return log.stream().filter(l -> !l.contains(" DEBG ")).toList();
    }

    static String offset(Instant t) {
        long ms = Duration.between(T0, t).toMillis();
        return String.format("%d.%03d", ms / 1000, ms % 1000);
    }

    private static Instant earliest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.isBefore(b) ? a : b;
    }
}
