package io.kupervisor.core.state;

import io.kupervisor.core.config.LogLevel;
import io.kupervisor.core.config.AutoRestart;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

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

/** Each transition of supervisord 4.2.5's process state machine, the refusals, autostart-once and shutdown, event by event. */
class TransitionRulesTest {
    private static final Instant T0 = Instant.parse("2026-11-24T21:04:52Z");

    private static Instant at(double seconds) {
        return T0.plusNanos(Math.round(seconds * 1e9));
    }

    /** A machine plus a fake clock; every call names the time explicitly. */
    private static final class P {
        final ProcessStateMachine m;
        long nextPid = 100;

        P(LifecycleRules rules) {
            m = new ProcessStateMachine(rules);
        }

        Transition on(double seconds, ProcessEvent e) {
            return m.handle(e, at(seconds));
        }

        Transition on(Instant t, ProcessEvent e) {
            return m.handle(e, t);
        }

        /** Start and report a successful spawn at {@code seconds}. */
        long spawn(double seconds) {
            Transition t = on(seconds, new StartRequested());
            assertThat(t.outcome()).isEqualTo(Outcome.ACCEPTED);
            long pid = nextPid++;
            on(seconds, new Spawned(pid));
            return pid;
        }

        /** Start, spawn and promote to RUNNING (startsecs must have passed by {@code runningAt}). */
        long running(double seconds, double runningAt) {
            long pid = spawn(seconds);
            on(runningAt, new TimerDue());
            assertThat(state()).isEqualTo(ProcessState.RUNNING);
            return pid;
        }

        ProcessState state() {
            return m.state();
        }

        ProcessSnapshot s() {
            return m.snapshot();
        }
    }

    private static LifecycleRules rules() {
        return LifecycleRules.defaults("p");
    }

    private static List<String> logs(Transition t) {
        return t.actionsOf(Log.class).stream().map(l -> l.level().code() + " " + l.text()).toList();
    }

    /** A log action as its level and supervisord's text, so the tests read the words. */
    private record TextLog(LogLevel level, String text) {
    }

    /** The actions with every log line as {@link TextLog}. */
    private static List<Object> view(Transition t) {
        return t.actions().stream().map(a -> a instanceof Log l ? (Object) new TextLog(l.level(), l.text()) : a)
                .toList();
    }

    private static List<ProcessState> states(Transition t) {
        return t.actionsOf(StateChanged.class).stream().map(StateChanged::to).toList();
    }

    @Nested
    class Autostart {
        @Test
        void neverStartedProcessWithAutostartIsSpawned() {
            P p = new P(rules());
            Transition t = p.on(0, new AutostartDue());
            assertThat(t.outcome()).isEqualTo(Outcome.ACCEPTED);
            assertThat(view(t)).containsExactly(
                    new StateChanged(ProcessState.STOPPED, ProcessState.STARTING, true, 0, 0), new Spawn());
            assertThat(p.s().spawnPending()).isTrue();

            Transition spawned = p.on(0.001, new Spawned(4242));
            assertThat(view(spawned)).containsExactly(
                    new TextLog(LogLevel.INFO, "spawned: 'p' with pid 4242"),
                    new ScheduleTimer(at(1.001).plusNanos(1)));
            assertThat(p.s().pid()).isEqualTo(4242);
            assertThat(p.s().startedAt()).isEqualTo(at(0.001));
        }

        @Test
        void autostartFalseIsIgnored() {
            P p = new P(rules().withAutostart(false));
            Transition t = p.on(0, new AutostartDue());
            assertThat(t.outcome()).isEqualTo(Outcome.IGNORED);
            assertThat(view(t)).isEmpty();
            assertThat(p.state()).isEqualTo(ProcessState.STOPPED);
        }

        @Test
        void autostartAppliesOnlyOnce_notAfterAManualStop() {
            P p = new P(rules());
            p.on(0, new AutostartDue());
            p.on(0, new Spawned(100));
            p.on(5, new StopRequested());
            p.on(5.1, new Exited(100, new ExitStatus.Signaled(Signals.SIGTERM)));
            assertThat(p.state()).isEqualTo(ProcessState.STOPPED);

            Transition again = p.on(6, new AutostartDue());
            assertThat(again.outcome()).isEqualTo(Outcome.IGNORED);
            assertThat(view(again)).isEmpty();
            assertThat(p.state()).isEqualTo(ProcessState.STOPPED);
        }

        @Test
        void autostartAppliesOnlyOnce_evenIfTheFirstSpawnFailed() {
            P p = new P(rules().withStartretries(0));
            p.on(0, new AutostartDue());
            p.on(0, new SpawnFailed("can't find command 'x'"));
            assertThat(p.state()).isEqualTo(ProcessState.FATAL);
            p.on(1, new StartRequested());
            p.on(1, new SpawnFailed("can't find command 'x'"));
            assertThat(p.state()).isEqualTo(ProcessState.FATAL);
            assertThat(p.on(2, new AutostartDue()).outcome()).isEqualTo(Outcome.IGNORED);
        }

        @Test
        void repeatedAutostartWhileStartingIsIgnored() {
            P p = new P(rules());
            p.on(0, new AutostartDue());
            Transition t = p.on(0, new AutostartDue());
            assertThat(t.outcome()).isEqualTo(Outcome.IGNORED);
            assertThat(view(t)).isEmpty();
        }
    }

    @Nested
    class Starting {
        @ParameterizedTest
        @EnumSource(value = ProcessState.class, names = {"STOPPED", "EXITED", "FATAL"})
        void startIsAllowedFromStoppedExitedFatal(ProcessState from) {
            P p = new P(rules().withAutorestart(AutoRestart.FALSE).withStartretries(0));
            switch (from) {
                case STOPPED -> { }
                case EXITED -> {
                    long pid = p.running(0, 1.5);
                    p.on(3, new Exited(pid, new ExitStatus.Exited(0)));
                }
                case FATAL -> {
                    long pid = p.spawn(0);
                    p.on(0.2, new Exited(pid, new ExitStatus.Exited(1)));
                }
                default -> throw new AssertionError();
            }
            assertThat(p.state()).isEqualTo(from);

            Transition t = p.on(10, new StartRequested());
            assertThat(t.outcome()).isEqualTo(Outcome.ACCEPTED);
            assertThat(view(t)).containsExactly(
                    new StateChanged(from, ProcessState.STARTING, true, 0, 0), new Spawn());
        }

        @Test
        void promotionNeedsStrictlyMoreThanStartsecs() {
            P p = new P(rules().withStartsecs(3));
            p.spawn(0);

            Transition exact = p.on(3, new TimerDue());
            assertThat(exact.outcome()).isEqualTo(Outcome.IGNORED);
            assertThat(p.state()).isEqualTo(ProcessState.STARTING);
            // the consumed timer is asked for again
            assertThat(view(exact)).containsExactly(new ScheduleTimer(at(3).plusNanos(1)));

            Transition after = p.on(at(3).plusNanos(1), new TimerDue());
            assertThat(view(after)).containsExactly(
                    new StateChanged(ProcessState.STARTING, ProcessState.RUNNING, true, 100, 0),
                    new TextLog(LogLevel.INFO,
                            "success: p entered RUNNING state, process has stayed up for > than 3 seconds (startsecs)"));
        }

        @Test
        void earlyTimerDoesNotPromote() {
            P p = new P(rules());
            p.spawn(0);
            assertThat(p.on(0.5, new TimerDue()).outcome()).isEqualTo(Outcome.IGNORED);
            assertThat(p.state()).isEqualTo(ProcessState.STARTING);
        }

        @Test
        void startsecs0_runningAtSpawn() {
            P p = new P(rules().withStartsecs(0));
            p.on(0, new StartRequested());
            Transition t = p.on(0, new Spawned(7));
            assertThat(view(t)).containsExactly(
                    new TextLog(LogLevel.INFO, "spawned: 'p' with pid 7"),
                    new StateChanged(ProcessState.STARTING, ProcessState.RUNNING, true, 7, 0),
                    new TextLog(LogLevel.INFO,
                            "success: p entered RUNNING state, process has stayed up for > than 0 seconds (startsecs)"));
            assertThat(p.state()).isEqualTo(ProcessState.RUNNING);
        }

        @Test
        void exitWithCode0WithinStartsecsIsBackoffNotExpected() {
            P p = new P(rules());
            long pid = p.spawn(0);
            Transition t = p.on(0.5, new Exited(pid, new ExitStatus.Exited(0)));
            assertThat(view(t)).containsExactly(
                    new StateChanged(ProcessState.STARTING, ProcessState.BACKOFF, true, pid, 1),
                    new TextLog(LogLevel.WARN, "exited: p (exit status 0; not expected)"),
                    new ScheduleTimer(at(1.5).plusNanos(1)));
            assertThat(p.s().spawnerr()).isEqualTo("Exited too quickly (process log may have details)");
            assertThat(p.s().exitStatus()).isNull();
            assertThat(p.s().pid()).isZero();
            assertThat(p.s().stoppedAt()).isEqualTo(at(0.5));
        }

        @Test
        void exitAtTheSpawnInstantIsWithinStartsecs() {
            P p = new P(rules());
            long pid = p.spawn(0);
            p.on(0, new Exited(pid, new ExitStatus.Exited(0)));
            assertThat(p.state()).isEqualTo(ProcessState.BACKOFF);
        }

        @Test
        void exitAfterStartsecsBeforeThePromotionTimer_entersRunningSilentlyThenExited() {
            P p = new P(rules().withAutorestart(AutoRestart.FALSE));
            long pid = p.spawn(0);
            // elapsed == startsecs is not "too quickly" (supervisord: now - start < startsecs)
            Transition t = p.on(1, new Exited(pid, new ExitStatus.Exited(0)));
            assertThat(states(t)).containsExactly(ProcessState.RUNNING, ProcessState.EXITED);
            assertThat(logs(t)).containsExactly("INFO exited: p (exit status 0; expected)");
        }

        @Test
        void spawnFailureIsAFailedStart() {
            P p = new P(rules());
            p.on(0, new StartRequested());
            Transition t = p.on(0, new SpawnFailed("can't find command '/nope'"));
            assertThat(view(t)).containsExactly(
                    new TextLog(LogLevel.INFO, "spawnerr: can't find command '/nope'"),
                    new StateChanged(ProcessState.STARTING, ProcessState.BACKOFF, true, 0, 1),
                    new ScheduleTimer(at(1).plusNanos(1)));
            assertThat(logs(t)).noneMatch(l -> l.contains("spawned:"));
            assertThat(p.s().spawnerr()).isEqualTo("can't find command '/nope'");
            assertThat(p.s().backoff()).isEqualTo(1);
        }

        @Test
        void spawnFailuresExhaustRetriesLikeExits() {
            P p = new P(rules().withStartretries(1));
            p.on(0, new StartRequested());
            p.on(0, new SpawnFailed("command at '/x' is not executable"));
            Transition retry = p.on(at(1).plusNanos(1), new TimerDue());
            assertThat(view(retry)).contains(new Spawn());
            Transition t = p.on(at(1).plusNanos(1), new SpawnFailed("command at '/x' is not executable"));
            assertThat(states(t)).containsExactly(ProcessState.BACKOFF, ProcessState.FATAL);
            assertThat(logs(t)).containsExactly(
                    "INFO spawnerr: command at '/x' is not executable",
                    "INFO gave up: p entered FATAL state, too many start retries too quickly");
            assertThat(p.s().spawnerr()).isEqualTo("command at '/x' is not executable");
        }
    }

    @Nested
    class Backoff {
        @Test
        void nthFailureWaitsNSecondsStrictly() {
            P p = new P(rules().withStartretries(5));
            p.spawn(0);
            for (int n = 1; n <= 4; n++) {
                long pid = p.s().pid();
                Instant exitAt = p.s().startedAt().plusMillis(10);
                p.on(exitAt, new Exited(pid, new ExitStatus.Exited(1)));
                assertThat(p.s().backoff()).isEqualTo(n);
                Instant due = exitAt.plusSeconds(n);

                Transition early = p.on(due, new TimerDue());
                assertThat(early.outcome()).as("retry %d at exactly +%ds", n, n).isEqualTo(Outcome.IGNORED);
                assertThat(p.state()).isEqualTo(ProcessState.BACKOFF);

                Transition retry = p.on(due.plusNanos(1), new TimerDue());
                assertThat(view(retry)).contains(new Spawn());
                assertThat(retry.actions().getFirst())
                        .isEqualTo(new StateChanged(ProcessState.BACKOFF, ProcessState.STARTING, true, 0, n));
                p.on(due.plusNanos(1), new Spawned(p.nextPid++));
            }
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 1, 3, 5})
        void attemptsAreStartretriesPlusOne(int startretries) {
            FakeDriver d = new FakeDriver(rules().withStartretries(startretries),
                    a -> FakeDriver.Proc.exits(1, Duration.ofMillis(100)));
            d.send(new StartRequested());
            d.runUntil(600);
            assertThat(d.attempts).isEqualTo(startretries + 1);
            assertThat(d.state()).isEqualTo(ProcessState.FATAL);
            assertThat(d.machine.snapshot().backoff()).isZero();
        }

        @Test
        void autorestartFalseDoesNotPreventBackoffRetries() {
            FakeDriver d = new FakeDriver(rules().withAutorestart(AutoRestart.FALSE),
                    a -> FakeDriver.Proc.exits(0, Duration.ofMillis(100)));
            d.send(new StartRequested());
            d.runUntil(600);
            assertThat(d.attempts).isEqualTo(4);
        }

        @Test
        void counterResetsOnRunning() {
            // two quick failures, then a run past startsecs that crashes later, then a quick failure
            List<FakeDriver.Proc> script = List.of(
                    FakeDriver.Proc.exits(1, Duration.ofMillis(100)),
                    FakeDriver.Proc.exits(1, Duration.ofMillis(100)),
                    FakeDriver.Proc.exits(1, Duration.ofSeconds(5)),
                    FakeDriver.Proc.exits(1, Duration.ofMillis(100)),
                    FakeDriver.Proc.forever());
            FakeDriver d = new FakeDriver(rules(), script::get);
            d.send(new StartRequested());
            d.runUntil(60);
            assertThat(d.changes).filteredOn(c -> c.to() == ProcessState.BACKOFF)
                    .extracting(StateChanged::tries).containsExactly(1, 2, 1);
            assertThat(d.state()).isEqualTo(ProcessState.RUNNING);
            assertThat(d.attempts).isEqualTo(5);
            assertThat(d.machine.snapshot().backoff()).isZero();
        }

        @Test
        void counterResetsOnPromotionItself() {
            P p = new P(rules());
            long pid = p.spawn(0);
            p.on(0.1, new Exited(pid, new ExitStatus.Exited(1)));
            p.on(1.2, new TimerDue());
            p.on(1.2, new Spawned(200));
            p.on(1.3, new Exited(200, new ExitStatus.Exited(1)));
            p.on(3.4, new TimerDue());
            p.on(3.4, new Spawned(300));
            assertThat(p.s().backoff()).isEqualTo(2);
            p.on(4.5, new TimerDue());
            assertThat(p.state()).isEqualTo(ProcessState.RUNNING);
            assertThat(p.s().backoff()).isZero();
        }

        @Test
        void stopInBackoffGoesStoppedWithoutSignal() {
            P p = new P(rules());
            long pid = p.spawn(0);
            p.on(0.1, new Exited(pid, new ExitStatus.Exited(1)));
            Transition t = p.on(0.5, new StopRequested());
            assertThat(t.outcome()).isEqualTo(Outcome.ACCEPTED);
            assertThat(view(t)).containsExactly(
                    new TextLog(LogLevel.DEBUG, "Attempted to kill p, which is in BACKOFF state."),
                    new StateChanged(ProcessState.BACKOFF, ProcessState.STOPPED, true, 0, 1));
            // the pending retry timer is now stale
            Transition late = p.on(5, new TimerDue());
            assertThat(late.outcome()).isEqualTo(Outcome.IGNORED);
            assertThat(view(late)).isEmpty();
            assertThat(p.state()).isEqualTo(ProcessState.STOPPED);
            assertThat(p.s().nextDeadline()).isEmpty();
        }

        @Test
        void manualStartAfterFatalResetsTheCounter() {
            P p = new P(rules().withStartretries(1));
            long pid = p.spawn(0);
            p.on(0.1, new Exited(pid, new ExitStatus.Exited(1)));
            p.on(1.2, new TimerDue());
            p.on(1.2, new Spawned(200));
            p.on(1.3, new Exited(200, new ExitStatus.Exited(1)));
            assertThat(p.state()).isEqualTo(ProcessState.FATAL);

            long again = p.spawn(10);
            Transition t = p.on(10.1, new Exited(again, new ExitStatus.Exited(1)));
            assertThat(states(t)).containsExactly(ProcessState.BACKOFF);
            assertThat(p.s().backoff()).isEqualTo(1);
            assertThat(p.s().delay()).isEqualTo(at(11.1));
        }

        @Test
        void manualStartAfterAStopInBackoffKeepsTheCounterAsSupervisordDoes() {
            P p = new P(rules().withStartretries(2));
            long pid = p.spawn(0);
            p.on(0.1, new Exited(pid, new ExitStatus.Exited(1)));
            p.on(1.2, new TimerDue());
            p.on(1.2, new Spawned(200));
            p.on(1.3, new Exited(200, new ExitStatus.Exited(1)));
            assertThat(p.s().backoff()).isEqualTo(2);
            p.on(2, new StopRequested());

            // the third failure in a row exceeds startretries=2: FATAL at once
            long again = p.spawn(10);
            p.on(10.1, new Exited(again, new ExitStatus.Exited(1)));
            assertThat(p.state()).isEqualTo(ProcessState.FATAL);
        }
    }

    @Nested
    class RunningAndExited {
        @Test
        void expectedExitIsInfo_unexpectedIsWarnWithBadExitCode() {
            P p = new P(rules().withExitcodes(Set.of(0, 2)).withAutorestart(AutoRestart.FALSE));
            long pid = p.running(0, 1.5);
            Transition ok = p.on(5, new Exited(pid, new ExitStatus.Exited(2)));
            assertThat(view(ok)).containsExactly(
                    new StateChanged(ProcessState.RUNNING, ProcessState.EXITED, true, pid, 0),
                    new TextLog(LogLevel.INFO, "exited: p (exit status 2; expected)"));
            assertThat(p.s().exitStatusCode()).isEqualTo(2);

            long pid2 = p.running(6, 7.5);
            Transition bad = p.on(9, new Exited(pid2, new ExitStatus.Exited(3)));
            assertThat(view(bad)).containsExactly(
                    new StateChanged(ProcessState.RUNNING, ProcessState.EXITED, false, pid2, 0),
                    new TextLog(LogLevel.WARN, "exited: p (exit status 3; not expected)"));
            assertThat(p.s().spawnerr()).isEqualTo("Bad exit code 3");
            assertThat(p.s().exitStatusCode()).isEqualTo(3);
        }

        @Test
        void signalDeathIsNeverExpected_evenIfTheSignalNumberIsAnExitcode() {
            P p = new P(rules().withExitcodes(Set.of(0, 9, 15)).withAutorestart(AutoRestart.FALSE));
            long pid = p.running(0, 1.5);
            Transition t = p.on(5, new Exited(pid, new ExitStatus.Signaled(Signals.SIGKILL)));
            assertThat(logs(t)).containsExactly("WARN exited: p (terminated by SIGKILL; not expected)");
            assertThat(t.actionsOf(StateChanged.class).getFirst().expected()).isFalse();
            assertThat(p.s().exitStatusCode()).isEqualTo(-1);
        }

        @Test
        void coreDumpIsMentioned() {
            P p = new P(rules().withAutorestart(AutoRestart.FALSE));
            long pid = p.running(0, 1.5);
            Transition t = p.on(5, new Exited(pid, new ExitStatus.Signaled(11, true)));
            assertThat(logs(t)).containsExactly("WARN exited: p (terminated by SIGSEGV (core dumped); not expected)");
        }

        @ParameterizedTest
        @EnumSource(AutoRestart.class)
        void autorestartAfterExpectedExit(AutoRestart mode) {
            P p = new P(rules().withAutorestart(mode));
            long pid = p.running(0, 1.5);
            Transition t = p.on(5, new Exited(pid, new ExitStatus.Exited(0)));
            boolean respawned = t.actions().contains(new Spawn());
            assertThat(respawned).isEqualTo(mode == AutoRestart.TRUE);
            assertThat(p.state()).isEqualTo(mode == AutoRestart.TRUE ? ProcessState.STARTING : ProcessState.EXITED);
        }

        @ParameterizedTest
        @EnumSource(AutoRestart.class)
        void autorestartAfterUnexpectedExit(AutoRestart mode) {
            P p = new P(rules().withAutorestart(mode));
            long pid = p.running(0, 1.5);
            Transition t = p.on(5, new Exited(pid, new ExitStatus.Exited(1)));
            boolean respawned = t.actions().contains(new Spawn());
            assertThat(respawned).isEqualTo(mode != AutoRestart.FALSE);
        }

        @Test
        void respawnIsImmediateWithNoCounter() {
            P p = new P(rules().withAutorestart(AutoRestart.TRUE));
            long pid = p.running(0, 1.5);
            Transition t = p.on(5, new Exited(pid, new ExitStatus.Exited(0)));
            assertThat(view(t)).containsExactly(
                    new StateChanged(ProcessState.RUNNING, ProcessState.EXITED, true, pid, 0),
                    new TextLog(LogLevel.INFO, "exited: p (exit status 0; expected)"),
                    new StateChanged(ProcessState.EXITED, ProcessState.STARTING, true, 0, 0),
                    new Spawn());
            assertThat(p.s().backoff()).isZero();
            assertThat(p.s().exitStatus()).as("a spawn clears the exit status").isNull();
        }

        @Test
        void exitedAndFatalAreNotRestartedByTimers() {
            P p = new P(rules().withAutorestart(AutoRestart.UNEXPECTED).withStartretries(0));
            long pid = p.running(0, 1.5);
            p.on(5, new Exited(pid, new ExitStatus.Exited(0)));
            assertThat(p.on(100, new TimerDue()).outcome()).isEqualTo(Outcome.IGNORED);
            assertThat(p.on(100, new AutostartDue()).outcome()).isEqualTo(Outcome.IGNORED);
            assertThat(p.state()).isEqualTo(ProcessState.EXITED);

            P f = new P(rules().withStartretries(0));
            long fp = f.spawn(0);
            f.on(0.1, new Exited(fp, new ExitStatus.Exited(1)));
            assertThat(f.on(100, new TimerDue()).outcome()).isEqualTo(Outcome.IGNORED);
            assertThat(f.on(100, new AutostartDue()).outcome()).isEqualTo(Outcome.IGNORED);
            assertThat(f.state()).isEqualTo(ProcessState.FATAL);
        }

        @Test
        void startsecs0HotLoopIsThrottledToOneSpawnPerSecond() {
            FakeDriver d = new FakeDriver(rules().withStartsecs(0).withAutorestart(AutoRestart.TRUE),
                    a -> FakeDriver.Proc.exits(0, Duration.ofMillis(100)));
            d.send(new StartRequested());
            d.runUntil(3.5);
            assertThat(d.spawnTimes).containsExactly(
                    Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3));
            assertThat(d.changes).noneMatch(c -> c.to() == ProcessState.BACKOFF);
        }

        @Test
        void stopWhileAThrottledRespawnIsPendingCancelsIt() {
            P p = new P(rules().withStartsecs(0).withAutorestart(AutoRestart.TRUE));
            long pid = p.spawn(0);
            Transition exit = p.on(0.1, new Exited(pid, new ExitStatus.Exited(0)));
            assertThat(view(exit)).doesNotContain(new Spawn()).contains(new ScheduleTimer(at(1)));
            Transition stop = p.on(0.2, new StopRequested());
            assertThat(stop.outcome()).isEqualTo(Outcome.ACCEPTED);
            assertThat(p.on(1, new TimerDue()).outcome()).isEqualTo(Outcome.IGNORED);
            assertThat(p.state()).isEqualTo(ProcessState.EXITED);
        }

        @Test
        void signalRequestGoesToTheProcessOnly() {
            P p = new P(rules().withGroupSignalling(true, true));
            long pid = p.running(0, 1.5);
            Transition t = p.on(3, new SignalRequested(Signals.SIGHUP));
            assertThat(t.outcome()).isEqualTo(Outcome.ACCEPTED);
            assertThat(view(t)).containsExactly(
                    new TextLog(LogLevel.DEBUG, "sending p (pid " + pid + ") sig SIGHUP"),
                    new SendSignal(Signals.SIGHUP, false));
            assertThat(p.state()).isEqualTo(ProcessState.RUNNING);
        }
    }

    @Nested
    class Stopping {
        @ParameterizedTest
        @ValueSource(booleans = {false, true})
        void stopFromStartingOrRunningSendsStopsignalAndArmsStopwaitsecs(boolean running) {
            P p = new P(rules().withStopSignal(Signals.SIGINT).withStopwaitsecs(7));
            long pid = running ? p.running(0, 1.5) : p.spawn(0);
            ProcessState from = p.state();
            Transition t = p.on(3, new StopRequested());
            assertThat(view(t)).containsExactly(
                    new TextLog(LogLevel.DEBUG, "killing p (pid " + pid + ") with signal SIGINT"),
                    new StateChanged(from, ProcessState.STOPPING, true, pid, 0),
                    new SendSignal(Signals.SIGINT, false),
                    new TextLog(LogLevel.INFO, "waiting for p to stop"),
                    new ScheduleTimer(at(5).plusNanos(1)));
            assertThat(p.s().delay()).isEqualTo(at(10));
            assertThat(p.s().killing()).isTrue();
        }

        @Test
        void sigkillExactlyAtStopwaitsecs() {
            P p = new P(rules().withStopwaitsecs(10));
            long pid = p.running(0, 1.5);
            p.on(3, new StopRequested());
            // the waiting reports come strictly more than 2 s apart; nothing else before 13 s
            assertThat(p.on(5, new TimerDue()).actionsOf(Log.class)).isEmpty();
            assertThat(logs(p.on(at(5).plusNanos(1), new TimerDue())))
                    .containsExactly("INFO waiting for p to stop");
            assertThat(p.on(at(13).minusNanos(1), new TimerDue()).actionsOf(Kill.class)).isEmpty();
            Transition kill = p.on(13, new TimerDue());
            assertThat(kill.actionsOf(Kill.class)).containsExactly(new Kill(false));
            assertThat(logs(kill)).contains("WARN killing 'p' (" + pid + ") with SIGKILL");
            assertThat(p.s().delay()).as("re-armed").isEqualTo(at(23));
        }

        @Test
        void exitWhileStoppingIsStoppedAndNeverRespawned() {
            P p = new P(rules().withAutorestart(AutoRestart.TRUE));
            long pid = p.running(0, 1.5);
            p.on(3, new StopRequested());
            Transition t = p.on(3.2, new Exited(pid, new ExitStatus.Signaled(Signals.SIGTERM)));
            assertThat(view(t)).containsExactly(
                    new StateChanged(ProcessState.STOPPING, ProcessState.STOPPED, true, pid, 0),
                    new TextLog(LogLevel.WARN, "stopped: p (terminated by SIGTERM)"));
            assertThat(p.s().pid()).isZero();
            assertThat(p.s().stoppedAt()).isEqualTo(at(3.2));
            assertThat(p.s().exitStatusCode()).isEqualTo(-1);
            assertThat(p.s().nextDeadline()).isEmpty();
        }

        @Test
        void stoppedAtInfoWhenTheExitCodeIsExpected() {
            P p = new P(rules().withExitcodes(Set.of(0, 143)));
            long pid = p.running(0, 1.5);
            p.on(3, new StopRequested());
            Transition t = p.on(3.2, new Exited(pid, new ExitStatus.Exited(143)));
            assertThat(logs(t)).containsExactly("INFO stopped: p (exit status 143)");
        }

        @Test
        void stopForShutdownDoesNotReportWaiting() {
            P p = new P(rules());
            long pid = p.running(0, 1.5);
            Transition t = p.on(3, new StopForShutdown());
            assertThat(view(t)).containsExactly(
                    new TextLog(LogLevel.DEBUG, "killing p (pid " + pid + ") with signal SIGTERM"),
                    new StateChanged(ProcessState.RUNNING, ProcessState.STOPPING, true, pid, 0),
                    new SendSignal(Signals.SIGTERM, false),
                    new ScheduleTimer(at(13)));
        }

        @Test
        void killFailureGoesUnknown() {
            P p = new P(rules());
            long pid = p.running(0, 1.5);
            p.on(3, new StopRequested());
            Transition t = p.on(3, new KillFailed("EPERM"));
            assertThat(view(t)).containsExactly(
                    new TextLog(LogLevel.CRITICAL, "unknown problem killing p (" + pid + "):EPERM"),
                    new StateChanged(ProcessState.STOPPING, ProcessState.UNKNOWN, true, pid, 0));
            assertThat(p.s().killing()).isFalse();
            assertThat(p.on(4, new StartRequested()).outcome()).isEqualTo(Outcome.FAILED);
            assertThat(p.on(4, new StopRequested()).outcome()).isEqualTo(Outcome.NOT_RUNNING);
            assertThat(p.on(20, new TimerDue()).outcome()).isEqualTo(Outcome.IGNORED);

            // the exit is recorded, the state stays UNKNOWN
            Transition exit = p.on(30, new Exited(pid, new ExitStatus.Exited(0)));
            assertThat(exit.actionsOf(StateChanged.class)).isEmpty();
            assertThat(p.state()).isEqualTo(ProcessState.UNKNOWN);
            assertThat(p.s().pid()).isZero();
        }

        @Test
        void signalFailureGoesUnknown() {
            P p = new P(rules());
            long pid = p.running(0, 1.5);
            p.on(3, new SignalRequested(Signals.SIGUSR1));
            Transition t = p.on(3, new KillFailed("EPERM"));
            assertThat(logs(t)).containsExactly("CRIT unknown problem sending sig p (" + pid + "):EPERM");
            assertThat(p.state()).isEqualTo(ProcessState.UNKNOWN);
        }
    }

    @Nested
    class Refusals {
        private P inState(ProcessState s) {
            P p = new P(rules().withStartretries(0).withAutorestart(AutoRestart.FALSE));
            switch (s) {
                case STOPPED -> { }
                case STARTING -> p.spawn(0);
                case RUNNING -> p.running(0, 1.5);
                case BACKOFF -> {
                    p = new P(rules());
                    long pid = p.spawn(0);
                    p.on(0.1, new Exited(pid, new ExitStatus.Exited(1)));
                }
                case STOPPING -> {
                    p.running(0, 1.5);
                    p.on(2, new StopRequested());
                }
                case EXITED -> {
                    long pid = p.running(0, 1.5);
                    p.on(2, new Exited(pid, new ExitStatus.Exited(0)));
                }
                case FATAL -> {
                    long pid = p.spawn(0);
                    p.on(0.1, new Exited(pid, new ExitStatus.Exited(1)));
                }
                case UNKNOWN -> {
                    p.running(0, 1.5);
                    p.on(2, new StopRequested());
                    p.on(2, new KillFailed("boom"));
                }
            }
            assertThat(p.state()).isEqualTo(s);
            return p;
        }

        @ParameterizedTest
        @EnumSource(value = ProcessState.class, names = {"STARTING", "RUNNING", "BACKOFF"})
        void startWhenAlreadyStarted(ProcessState s) {
            P p = inState(s);
            ProcessSnapshot before = p.s();
            Transition t = p.on(3, new StartRequested());
            assertThat(t.outcome()).isEqualTo(Outcome.ALREADY_STARTED);
            assertThat(view(t)).isEmpty();
            assertThat(p.s()).isEqualTo(before);
        }

        @Test
        void startWhileStoppingLogsAlreadyRunning() {
            P p = inState(ProcessState.STOPPING);
            Transition t = p.on(3, new StartRequested());
            assertThat(t.outcome()).isEqualTo(Outcome.STILL_STOPPING);
            assertThat(view(t)).containsExactly(new TextLog(LogLevel.WARN, "process 'p' already running"));
            assertThat(p.state()).isEqualTo(ProcessState.STOPPING);
        }

        @Test
        void startInUnknownFails() {
            assertThat(inState(ProcessState.UNKNOWN).on(3, new StartRequested()).outcome()).isEqualTo(Outcome.FAILED);
        }

        @ParameterizedTest
        @EnumSource(value = ProcessState.class, names = {"STOPPED", "STOPPING", "EXITED", "FATAL", "UNKNOWN"})
        void stopWhenNotRunning(ProcessState s) {
            P p = inState(s);
            ProcessSnapshot before = p.s();
            Transition t = p.on(3, new StopRequested());
            assertThat(t.outcome()).isEqualTo(Outcome.NOT_RUNNING);
            assertThat(view(t)).isEmpty();
            assertThat(p.s()).isEqualTo(before);
        }

        @ParameterizedTest
        @EnumSource(value = ProcessState.class, names = {"STOPPED", "BACKOFF", "EXITED", "FATAL", "UNKNOWN"})
        void signalWhenNotSignallable(ProcessState s) {
            P p = inState(s);
            Transition t = p.on(3, new SignalRequested(Signals.SIGHUP));
            assertThat(t.outcome()).isEqualTo(Outcome.NOT_RUNNING);
            assertThat(view(t)).isEmpty();
        }

        @ParameterizedTest
        @EnumSource(value = ProcessState.class, names = {"STARTING", "RUNNING", "STOPPING"})
        void signalWhenSignallable(ProcessState s) {
            assertThat(view(inState(s).on(3, new SignalRequested(Signals.SIGUSR2))))
                    .contains(new SendSignal(Signals.SIGUSR2, false));
        }

        @ParameterizedTest
        @EnumSource(ProcessState.class)
        void staleExitOfAnotherPidIsIgnored(ProcessState s) {
            P p = inState(s);
            ProcessSnapshot before = p.s();
            Transition t = p.on(3, new Exited(99_999, new ExitStatus.Exited(0)));
            assertThat(t.outcome()).isEqualTo(Outcome.IGNORED);
            assertThat(p.s()).isEqualTo(before);
        }

        @ParameterizedTest
        @EnumSource(ProcessState.class)
        void unsolicitedSpawnResultsAreIgnored(ProcessState s) {
            P p = inState(s);
            ProcessSnapshot before = p.s();
            assertThat(p.on(3, new Spawned(77)).outcome()).isEqualTo(Outcome.IGNORED);
            assertThat(p.on(3, new SpawnFailed("x")).outcome()).isEqualTo(Outcome.IGNORED);
            assertThat(p.s()).isEqualTo(before);
        }
    }

    @Nested
    class Shutdown {
        @Test
        void noRespawnAfterExitDuringShutdown() {
            P p = new P(rules().withAutorestart(AutoRestart.TRUE));
            long pid = p.running(0, 1.5);
            assertThat(p.on(3, new ShutdownStarted()).outcome()).isEqualTo(Outcome.ACCEPTED);
            assertThat(p.state()).isEqualTo(ProcessState.RUNNING);
            Transition t = p.on(4, new Exited(pid, new ExitStatus.Exited(1)));
            assertThat(view(t)).doesNotContain(new Spawn());
            assertThat(p.state()).isEqualTo(ProcessState.EXITED);
        }

        @Test
        void noBackoffRetryDuringShutdown_andGroupStopMakesItFatalSilently() {
            P p = new P(rules());
            long pid = p.spawn(0);
            p.on(0.1, new Exited(pid, new ExitStatus.Exited(1)));
            p.on(0.5, new ShutdownStarted());
            assertThat(p.s().nextDeadline()).isEmpty();
            assertThat(p.on(5, new TimerDue()).outcome()).isEqualTo(Outcome.IGNORED);
            assertThat(p.state()).isEqualTo(ProcessState.BACKOFF);

            Transition t = p.on(6, new StopForShutdown());
            assertThat(view(t)).containsExactly(
                    new StateChanged(ProcessState.BACKOFF, ProcessState.FATAL, true, 0, 0));
            assertThat(p.s().backoff()).isZero();
        }

        @Test
        void startingIsStillPromotedDuringShutdown() {
            P p = new P(rules());
            p.spawn(0);
            p.on(0.5, new ShutdownStarted());
            Transition t = p.on(at(1).plusNanos(1), new TimerDue());
            assertThat(states(t)).containsExactly(ProcessState.RUNNING);
        }

        @Test
        void noSpawnOfAnyKindDuringShutdown() {
            P p = new P(rules());
            p.on(0, new ShutdownStarted());
            assertThat(p.on(1, new AutostartDue()).outcome()).isEqualTo(Outcome.IGNORED);
            Transition start = p.on(1, new StartRequested());
            assertThat(start.outcome()).isEqualTo(Outcome.SHUTTING_DOWN);
            assertThat(view(start)).isEmpty();
            assertThat(p.state()).isEqualTo(ProcessState.STOPPED);
        }

        @Test
        void groupStopImpliesShutdownAndStopsRunningProcesses() {
            P p = new P(rules().withAutorestart(AutoRestart.TRUE));
            long pid = p.running(0, 1.5);
            assertThat(states(p.on(3, new StopForShutdown()))).containsExactly(ProcessState.STOPPING);
            assertThat(p.s().shuttingDown()).isTrue();
            Transition t = p.on(3.1, new Exited(pid, new ExitStatus.Signaled(Signals.SIGTERM)));
            assertThat(states(t)).containsExactly(ProcessState.STOPPED);
            assertThat(view(t)).doesNotContain(new Spawn());
        }

        @ParameterizedTest
        @EnumSource(value = ProcessState.class, names = {"STOPPED", "EXITED", "FATAL"})
        void groupStopLeavesStoppedStatesAlone(ProcessState s) {
            P p = new Refusals().inState(s);
            Transition t = p.on(5, new StopForShutdown());
            assertThat(t.actionsOf(StateChanged.class)).isEmpty();
            assertThat(p.state()).isEqualTo(s);
        }
    }

    @Nested
    class SpawnInFlight {
        @Test
        void stopBeforeTheSpawnIsReportedCancelsIt() {
            P p = new P(rules());
            p.on(0, new StartRequested());
            Transition stop = p.on(1, new StopRequested());
            assertThat(stop.outcome()).isEqualTo(Outcome.ACCEPTED);
            assertThat(view(stop)).containsSequence(
                    new StateChanged(ProcessState.STARTING, ProcessState.STOPPING, true, 0, 0), new CancelSpawn());
            assertThat(stop.actionsOf(SendSignal.class)).isEmpty();

            Transition cancelled = p.on(1.5, new SpawnFailed("cancelled"));
            assertThat(states(cancelled)).containsExactly(ProcessState.STOPPED);
            assertThat(p.s().nextDeadline()).isEmpty();
        }

        @Test
        void aSpawnThatCompletesAfterTheStopIsSignalledAtOnce() {
            P p = new P(rules());
            p.on(0, new StartRequested());
            p.on(1, new StopRequested());
            Transition late = p.on(2, new Spawned(55));
            assertThat(view(late)).containsSequence(
                    new TextLog(LogLevel.INFO, "spawned: 'p' with pid 55"),
                    new TextLog(LogLevel.DEBUG, "killing p (pid 55) with signal SIGTERM"),
                    new SendSignal(Signals.SIGTERM, false));
            assertThat(p.state()).isEqualTo(ProcessState.STOPPING);
            assertThat(states(p.on(2.1, new Exited(55, new ExitStatus.Signaled(15)))))
                    .containsExactly(ProcessState.STOPPED);
        }

        @Test
        void noPromotionTimerUntilTheSpawnIsReported() {
            P p = new P(rules());
            Transition t = p.on(0, new StartRequested());
            assertThat(t.actionsOf(ScheduleTimer.class)).isEmpty();
            assertThat(p.on(30, new TimerDue()).outcome()).isEqualTo(Outcome.IGNORED);
            assertThat(p.state()).isEqualTo(ProcessState.STARTING);
            // startsecs counts from the spawn report (e.g. a pod's container start)
            p.on(30, new Spawned(9));
            assertThat(p.s().nextDeadline()).contains(at(31).plusNanos(1));
        }
    }

    @Nested
    class Purity {
        @Test
        void sameInputsGiveEqualResultsAndTheInputIsUntouched() {
            LifecycleRules r = rules();
            ProcessSnapshot s = ProcessSnapshot.initial();
            Transition a = ProcessLifecycle.apply(r, s, new StartRequested(), at(0));
            Transition b = ProcessLifecycle.apply(r, s, new StartRequested(), at(0));
            assertThat(a).isEqualTo(b);
            assertThat(s).isEqualTo(ProcessSnapshot.initial());
            assertThat(a.before()).isSameAs(s);
        }

        @Test
        void aRestoredSnapshotContinuesWhereItLeftOff() {
            P p = new P(rules());
            long pid = p.spawn(0);
            p.on(0.1, new Exited(pid, new ExitStatus.Exited(1)));
            ProcessStateMachine restored = new ProcessStateMachine(rules(), p.s());
            assertThat(restored.snapshot().nextDeadline()).contains(at(1.1).plusNanos(1));
            Transition t = restored.handle(new TimerDue(), at(1.2));
            assertThat(view(t)).contains(new Spawn());
        }
    }
}
