package io.kupervisor.core.state;

import io.kupervisor.core.config.LogLevel;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.kupervisor.core.state.Action.CancelSpawn;
import io.kupervisor.core.state.Action.Kill;
import io.kupervisor.core.state.Action.Log;
import io.kupervisor.core.state.Action.ScheduleTimer;
import io.kupervisor.core.state.Action.SendSignal;
import io.kupervisor.core.state.Action.Spawn;
import io.kupervisor.core.state.Action.StateChanged;
import io.kupervisor.core.state.ProcessEvent.AutostartDue;
import io.kupervisor.core.state.ProcessEvent.Exited;
import io.kupervisor.core.state.ProcessEvent.KillFailed;
import io.kupervisor.core.state.ProcessEvent.ShutdownStarted;
import io.kupervisor.core.state.ProcessEvent.SignalRequested;
import io.kupervisor.core.state.ProcessEvent.SpawnFailed;
import io.kupervisor.core.state.ProcessEvent.Spawned;
import io.kupervisor.core.state.ProcessEvent.StartRequested;
import io.kupervisor.core.state.ProcessEvent.StopForShutdown;
import io.kupervisor.core.state.ProcessEvent.StopRequested;
import io.kupervisor.core.state.ProcessEvent.TimerDue;

/**
 * supervisord's process state machine ({@code supervisor.process.Subprocess}) as a pure function:
 * {@code (rules, snapshot, event, now) -> (new snapshot, outcome, actions)}. No clock, no threads,
 * no I/O; deterministic for equal inputs.
 *
 * <p>It keeps supervisord's observable rules but is event-driven: what supervisord does on its next
 * 1-second tick happens here at the event (an exit is acted on at once, an autorestart spawns in the
 * same transition), and time-based rules fire from a timer the machine asks for exactly when the
 * rule can fire. See {@link io.kupervisor.core.state package documentation} for the rules and the
 * few places where behaviour differs from supervisord.
 */
public final class ProcessLifecycle {

    /**
     * The least time between two spawns by autorestart. A process that stays up longer than this
     * is restarted at once; one that dies sooner (only possible with {@code startsecs=0}, since
     * otherwise it would be in BACKOFF) is respawned this long after its previous spawn. supervisord
     * has no such rule but its 1 s tick throttles the same loop to about 2 spawns a second; without
     * it an instantly-exiting {@code startsecs=0} program would be respawned in a hot loop.
     */
    public static final Duration AUTORESTART_THROTTLE = Duration.ofSeconds(1);

    /** The spawn error supervisord records when a process exits within startsecs. */
    public static final String EXITED_TOO_QUICKLY = "Exited too quickly (process log may have details)";

    private ProcessLifecycle() {
    }

    /** Applies {@code event}, observed at {@code now}, to a process in state {@code before}. */
    public static Transition apply(LifecycleRules rules, ProcessSnapshot before, ProcessEvent event, Instant now) {
        Objects.requireNonNull(rules, "rules");
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(now, "now");
        Step step = new Step(rules, before, now);
        return step.finish(before, dispatch(step, event), event instanceof TimerDue);
    }

    // instanceof, not a pattern switch: javac makes that an invokedynamic whose class is spun at
    // run time, and the JDK's bytecode library it needs costs every daemon ~1.5 MiB (issue 18).
    // ProcessLifecycleTest drives every event.
    private static Outcome dispatch(Step step, ProcessEvent event) {
        if (event instanceof AutostartDue) {
            return step.autostart();
        } else if (event instanceof StartRequested) {
            return step.start();
        } else if (event instanceof Spawned e) {
            return step.spawned(e.pid());
        } else if (event instanceof SpawnFailed e) {
            return step.spawnFailed(e.spawnerr());
        } else if (event instanceof Exited e) {
            return step.exited(e.pid(), e.status());
        } else if (event instanceof StopRequested) {
            return step.stop();
        } else if (event instanceof SignalRequested e) {
            return step.signal(e.signal());
        } else if (event instanceof TimerDue) {
            return step.timerDue();
        } else if (event instanceof ShutdownStarted) {
            return step.shutdownStarted();
        } else if (event instanceof StopForShutdown) {
            return step.stopForShutdown();
        } else if (event instanceof KillFailed e) {
            return step.killFailed(e.reason());
        }
        throw new IllegalArgumentException("no rule for " + event);
    }

    /** One application of the function: local mutable copies of the snapshot's fields. */
    private static final class Step {
        private final LifecycleRules rules;
        private final Instant now;
        private final String name;
        private final List<Action> actions = new ArrayList<>();

        private ProcessState state;
        private long pid;
        private Instant startedAt;
        private Instant stoppedAt;
        private int backoff;
        private Instant delay;
        private ExitStatus exitStatus;
        private String spawnerr;
        private boolean killing;
        private boolean spawnPending;
        private boolean shuttingDown;
        private Instant lastStopReport;

        Step(LifecycleRules rules, ProcessSnapshot s, Instant now) {
            this.rules = rules;
            this.now = now;
            this.name = rules.name();
            this.state = s.state();
            this.pid = s.pid();
            this.startedAt = s.startedAt();
            this.stoppedAt = s.stoppedAt();
            this.backoff = s.backoff();
            this.delay = s.delay();
            this.exitStatus = s.exitStatus();
            this.spawnerr = s.spawnerr();
            this.killing = s.killing();
            this.spawnPending = s.spawnPending();
            this.shuttingDown = s.shuttingDown();
            this.lastStopReport = s.lastStopReport();
        }

        Transition finish(ProcessSnapshot before, Outcome outcome, boolean timerEvent) {
            ProcessSnapshot after = new ProcessSnapshot(state, pid, startedAt, stoppedAt, backoff, delay,
                    exitStatus, spawnerr, killing, spawnPending, shuttingDown, lastStopReport);
            Optional<Instant> next = after.nextDeadline();
            // Ask for the timer when the deadline moved, and after every TimerDue (the driver's one
            // timer was consumed, possibly early).
            if (next.isPresent() && (timerEvent || !next.equals(before.nextDeadline()))) {
                actions.add(new ScheduleTimer(next.get()));
            }
            return new Transition(before, after, outcome, actions);
        }

        // ---- events ----

        Outcome autostart() {
            if (state == ProcessState.STOPPED && startedAt == null && rules.autostart() && !shuttingDown) {
                spawn();
                return Outcome.ACCEPTED;
            }
            return Outcome.IGNORED;
        }

        Outcome start() {
            if (shuttingDown) {
                return Outcome.SHUTTING_DOWN;
            }
            if (state.isRunning()) {
                return Outcome.ALREADY_STARTED;
            }
            if (state == ProcessState.UNKNOWN) {
                return Outcome.FAILED;
            }
            if (state == ProcessState.STOPPING) {
                log(LogLevel.WARN, new LogMessage.AlreadyRunning(name));
                return Outcome.STILL_STOPPING;
            }
            // STOPPED, EXITED, FATAL. The retry counter is left alone, as in supervisord: after
            // a stop in BACKOFF, a manual start inherits the failures counted so far.
            spawn();
            return Outcome.ACCEPTED;
        }

        Outcome spawned(long newPid) {
            if (!spawnPending) {
                return Outcome.IGNORED;
            }
            spawnPending = false;
            pid = newPid;
            startedAt = now;
            log(LogLevel.INFO, new LogMessage.Spawned(name, newPid));
            if (state == ProcessState.STOPPING) {
                // a stop was requested while the spawn was in flight: stop it now
                sendStopSignal();
                return Outcome.ACCEPTED;
            }
            spawnerr = null;
            delay = now.plusSeconds(rules.startsecs());
            if (rules.startsecs() == 0) {
                promote();
            }
            return Outcome.ACCEPTED;
        }

        Outcome spawnFailed(String msg) {
            if (!spawnPending) {
                return Outcome.IGNORED;
            }
            spawnPending = false;
            spawnerr = msg;
            log(LogLevel.INFO, new LogMessage.SpawnError(name, msg));
            if (state == ProcessState.STOPPING) {
                // the in-flight spawn was cancelled by a stop: nothing runs
                killing = false;
                delay = null;
                lastStopReport = null;
                changeState(ProcessState.STOPPED, true);
                return Outcome.ACCEPTED;
            }
            changeState(ProcessState.BACKOFF, true);
            giveUpIfExhausted();
            return Outcome.ACCEPTED;
        }

        Outcome exited(long exitedPid, ExitStatus status) {
            if (pid == 0 || exitedPid != pid) {
                return Outcome.IGNORED;
            }
            stoppedAt = now;
            boolean expected = rules.isExpected(status);

            if (killing) {
                // STOPPING -> STOPPED: the result of a stop request
                killing = false;
                delay = null;
                lastStopReport = null;
                exitStatus = status;
                changeState(ProcessState.STOPPED, true);
                log(expected ? LogLevel.INFO : LogLevel.WARN, new LogMessage.Stopped(name, status));
                pid = 0;
            } else if (state == ProcessState.STARTING && exitedWithinStartsecs()) {
                // STARTING -> BACKOFF whatever the exit code
                exitStatus = null;
                spawnerr = EXITED_TOO_QUICKLY;
                changeState(ProcessState.BACKOFF, true);
                log(LogLevel.WARN, new LogMessage.Exited(name, status, false));
                pid = 0;
                giveUpIfExhausted();
            } else if (state == ProcessState.STARTING || state == ProcessState.RUNNING) {
                // RUNNING -> EXITED (STARTING past startsecs but not yet promoted goes through
                // RUNNING silently, as in supervisord)
                delay = null;
                backoff = 0;
                exitStatus = status;
                if (state == ProcessState.STARTING) {
                    changeState(ProcessState.RUNNING, true);
                }
                if (expected) {
                    changeState(ProcessState.EXITED, true);
                    log(LogLevel.INFO, new LogMessage.Exited(name, status, true));
                } else {
                    spawnerr = "Bad exit code " + status.code();
                    changeState(ProcessState.EXITED, false);
                    log(LogLevel.WARN, new LogMessage.Exited(name, status, false));
                }
                pid = 0;
                autorestart();
            } else {
                // UNKNOWN (a signal could not be sent): supervisord has no rule; stay UNKNOWN
                exitStatus = status;
                log(LogLevel.WARN, new LogMessage.Exited(name, status, false));
                pid = 0;
            }
            return Outcome.ACCEPTED;
        }

        Outcome stop() {
            if (!state.isRunning()) {
                if (state == ProcessState.EXITED && delay != null) {
                    // a throttled autorestart is pending: the stop cancels it
                    delay = null;
                    return Outcome.ACCEPTED;
                }
                return Outcome.NOT_RUNNING;
            }
            if (state == ProcessState.BACKOFF) {
                log(LogLevel.DEBUG, new LogMessage.StopInBackoff(name));
                delay = null;
                changeState(ProcessState.STOPPED, true);
                return Outcome.ACCEPTED;
            }
            beginStop(true);
            return Outcome.ACCEPTED;
        }

        Outcome signal(int sig) {
            if (!state.isSignallable()) {
                return Outcome.NOT_RUNNING;
            }
            if (pid == 0) {
                log(LogLevel.DEBUG, new LogMessage.SignalNotRunning(name, sig));
                return Outcome.FAILED;
            }
            log(LogLevel.DEBUG, new LogMessage.SendingSignal(name, pid, sig));
            actions.add(new SendSignal(sig, false));
            return Outcome.ACCEPTED;
        }

        Outcome timerDue() {
            switch (state) {
                case STARTING -> {
                    if (pid != 0 && delay != null && now.isAfter(delay)) {
                        promote();
                        return Outcome.ACCEPTED;
                    }
                }
                case BACKOFF -> {
                    if (!shuttingDown && backoff <= rules.startretries() && delay != null && now.isAfter(delay)) {
                        spawn();
                        return Outcome.ACCEPTED;
                    }
                }
                case STOPPING -> {
                    boolean acted = false;
                    if (lastStopReport != null
                            && now.isAfter(lastStopReport.plus(ProcessSnapshot.STOP_REPORT_INTERVAL))) {
                        log(LogLevel.INFO, new LogMessage.WaitingToStop(name));
                        lastStopReport = now;
                        acted = true;
                    }
                    if (delay != null && !now.isBefore(delay)) {
                        escalate();
                        acted = true;
                    }
                    if (acted) {
                        return Outcome.ACCEPTED;
                    }
                }
                case EXITED -> {
                    if (!shuttingDown && delay != null && !now.isBefore(delay)) {
                        spawn();
                        return Outcome.ACCEPTED;
                    }
                }
                default -> {
                }
            }
            return Outcome.IGNORED;
        }

        Outcome shutdownStarted() {
            if (shuttingDown) {
                return Outcome.IGNORED;
            }
            shuttingDown = true;
            return Outcome.ACCEPTED;
        }

        Outcome stopForShutdown() {
            boolean wasShuttingDown = shuttingDown;
            shuttingDown = true;
            switch (state) {
                case STARTING, RUNNING -> beginStop(false);
                case BACKOFF -> giveUp();
                default -> {
                    return wasShuttingDown ? Outcome.IGNORED : Outcome.ACCEPTED;
                }
            }
            return Outcome.ACCEPTED;
        }

        Outcome killFailed(String reason) {
            if (!state.isSignallable() || pid == 0) {
                return Outcome.IGNORED;
            }
            log(LogLevel.CRITICAL, new LogMessage.SignalFailed(name, pid, killing, reason));
            changeState(ProcessState.UNKNOWN, true);
            killing = false;
            delay = null;
            lastStopReport = null;
            return Outcome.ACCEPTED;
        }

        // ---- supervisord's building blocks ----

        /** {@code Subprocess.spawn()} up to the fork: STARTING, then the driver spawns. */
        private void spawn() {
            killing = false;
            spawnerr = null;
            exitStatus = null;
            startedAt = now;
            delay = null;
            lastStopReport = null;
            changeState(ProcessState.STARTING, true);
            spawnPending = true;
            actions.add(new Spawn());
        }

        /** STARTING -> RUNNING after startsecs. */
        private void promote() {
            delay = null;
            backoff = 0;
            changeState(ProcessState.RUNNING, true);
            log(LogLevel.INFO, new LogMessage.Success(name, rules.startsecs()));
        }

        /** Right after entering BACKOFF: FATAL once the retries are used up. */
        private void giveUpIfExhausted() {
            if (backoff > rules.startretries()) {
                giveUp();
                log(LogLevel.INFO, new LogMessage.GaveUp(name));
            }
        }

        /** {@code Subprocess.give_up()}: BACKOFF -> FATAL. */
        private void giveUp() {
            delay = null;
            backoff = 0;
            changeState(ProcessState.FATAL, true);
        }

        /** supervisord's {@code too_quickly}: the exit came less than startsecs after the spawn. */
        private boolean exitedWithinStartsecs() {
            return Duration.between(startedAt, now).compareTo(Duration.ofSeconds(rules.startsecs())) < 0;
        }

        /** After RUNNING -> EXITED: respawn per autorestart, unless shutting down. */
        private void autorestart() {
            if (shuttingDown) {
                return;
            }
            boolean restart = switch (rules.autorestart()) {
                case TRUE -> true;
                case FALSE -> false;
                case UNEXPECTED -> !rules.isExpected(exitStatus);
            };
            if (!restart) {
                return;
            }
            Instant earliest = startedAt.plus(AUTORESTART_THROTTLE);
            if (now.isBefore(earliest)) {
                delay = earliest;
            } else {
                spawn();
            }
        }

        /** {@code stop()}/{@code kill(stopsignal)} from STARTING or RUNNING. */
        private void beginStop(boolean report) {
            lastStopReport = null;
            killing = true;
            if (pid == 0) {
                // the spawn is still in flight: nothing to signal yet
                delay = now.plusSeconds(rules.stopwaitsecs());
                changeState(ProcessState.STOPPING, true);
                actions.add(new CancelSpawn());
            } else {
                sendStopSignal();
            }
            if (report) {
                log(LogLevel.INFO, new LogMessage.WaitingToStop(name));
                lastStopReport = now;
            }
        }

        private void sendStopSignal() {
            log(LogLevel.DEBUG, new LogMessage.Killing(name, pid, rules.stopSignal(), rules.stopasgroup()));
            killing = true;
            delay = now.plusSeconds(rules.stopwaitsecs());
            changeState(ProcessState.STOPPING, true);
            actions.add(new SendSignal(rules.stopSignal(), rules.stopasgroup()));
        }

        /**
         * stopwaitsecs elapsed in STOPPING: SIGKILL, and again every stopwaitsecs while the process
         * lives (at least every second: with stopwaitsecs=0 supervisord repeats once per tick).
         */
        private void escalate() {
            delay = now.plusSeconds(Math.max(1, rules.stopwaitsecs()));
            if (pid == 0) {
                return; // spawn still in flight; nothing to kill yet
            }
            log(LogLevel.WARN, new LogMessage.KillingWithSigkill(name, pid));
            log(LogLevel.DEBUG, new LogMessage.Killing(name, pid, Signals.SIGKILL, rules.killasgroup()));
            actions.add(new Kill(rules.killasgroup()));
        }

        /** {@code change_state}: entering BACKOFF counts a failed start and sets its delay. */
        private void changeState(ProcessState to, boolean expected) {
            if (to == state) {
                return;
            }
            if (to == ProcessState.BACKOFF) {
                backoff++;
                delay = now.plusSeconds(backoff);
            }
            actions.add(new StateChanged(state, to, expected, pid, backoff));
            state = to;
        }

        private void log(LogLevel level, LogMessage message) {
            actions.add(new Log(level, message));
        }
    }
}
