package io.kupervisor.core.state;

import io.kupervisor.core.config.LogLevel;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The one loop every driver uses: actions in order, then the answers they gave, at the driver's time. */
class ProcessDriverTest {
    private static final Instant T0 = Instant.parse("2026-11-24T21:04:52Z");

    /** Records every call in order; answers as scripted. */
    private static final class Recording implements ProcessDriver.Effects {
        final List<String> calls = new ArrayList<>();
        Instant now = T0;
        Optional<ProcessEvent> spawnAnswer = Optional.empty();
        Optional<ProcessEvent> signalAnswer = Optional.empty();

        @Override
        public Optional<ProcessEvent> spawn() {
            calls.add("spawn");
            now = now.plusMillis(3); // a spawn takes time
            return spawnAnswer;
        }

        @Override
        public Optional<ProcessEvent> cancelSpawn() {
            calls.add("cancel");
            return Optional.of(new ProcessEvent.SpawnFailed("cancelled"));
        }

        @Override
        public Optional<ProcessEvent> signal(int signal, boolean toGroup) {
            calls.add("signal " + Signals.name(signal) + (toGroup ? " group" : ""));
            return signalAnswer;
        }

        @Override
        public Optional<ProcessEvent> kill(boolean toGroup) {
            calls.add("kill" + (toGroup ? " group" : ""));
            return Optional.empty();
        }

        @Override
        public void scheduleTimer(Instant at) {
            calls.add("timer +" + java.time.Duration.between(T0, at).toMillis() + "ms");
        }

        @Override
        public void log(LogLevel level, LogMessage message) {
            calls.add(level.code() + " " + message.text());
        }

        @Override
        public void stateChanged(Action.StateChanged change) {
            calls.add(change.from() + "->" + change.to());
        }

        @Override
        public Instant now() {
            return now;
        }
    }

    @Test
    void aSpawnsAnswerIsFedAfterTheActionsAtTheDriversTime() {
        ProcessStateMachine m = new ProcessStateMachine(LifecycleRules.defaults("p"));
        Recording fx = new Recording();
        fx.spawnAnswer = Optional.of(new ProcessEvent.Spawned(42));

        Transition first = ProcessDriver.feed(m, fx, new ProcessEvent.StartRequested(), T0);

        assertThat(first.outcome()).isEqualTo(Outcome.ACCEPTED);
        assertThat(first.state()).isEqualTo(ProcessState.STARTING);
        assertThat(fx.calls).containsExactly(
                "STOPPED->STARTING",
                "spawn",
                "INFO spawned: 'p' with pid 42",
                // startsecs counts from Spawned, which came 3 ms after the request
                "timer +1003ms");
        assertThat(m.snapshot().pid()).isEqualTo(42);
        assertThat(m.snapshot().startedAt()).isEqualTo(T0.plusMillis(3));
    }

    @Test
    void answersChainUntilNoneIsLeft() {
        // a spawn that fails, with no retries: the answer leads to BACKOFF then FATAL in the same feed
        ProcessStateMachine m = new ProcessStateMachine(LifecycleRules.defaults("p").withStartretries(0));
        Recording fx = new Recording();
        fx.spawnAnswer = Optional.of(new ProcessEvent.SpawnFailed("can't find command 'x'"));

        ProcessDriver.feed(m, fx, new ProcessEvent.StartRequested(), T0);

        assertThat(fx.calls).containsExactly(
                "STOPPED->STARTING",
                "spawn",
                "INFO spawnerr: can't find command 'x'",
                "STARTING->BACKOFF",
                "BACKOFF->FATAL",
                "INFO gave up: p entered FATAL state, too many start retries too quickly");
        assertThat(m.state()).isEqualTo(ProcessState.FATAL);
    }

    @Test
    void withoutAnAnswerTheSpawnStaysPending() {
        // the operator's case: the pod's result comes later, as an event of its own
        ProcessStateMachine m = new ProcessStateMachine(LifecycleRules.defaults("p"));
        Recording fx = new Recording();

        ProcessDriver.feed(m, fx, new ProcessEvent.StartRequested(), T0);

        assertThat(fx.calls).containsExactly("STOPPED->STARTING", "spawn");
        assertThat(m.snapshot().spawnPending()).isTrue();
    }

    @Test
    void aFailedSignalIsFedBack() {
        ProcessStateMachine m = new ProcessStateMachine(LifecycleRules.defaults("p"));
        Recording fx = new Recording();
        fx.spawnAnswer = Optional.of(new ProcessEvent.Spawned(7));
        ProcessDriver.feed(m, fx, new ProcessEvent.StartRequested(), T0);
        fx.calls.clear();
        fx.signalAnswer = Optional.of(new ProcessEvent.KillFailed("EPERM"));

        Transition stop = ProcessDriver.feed(m, fx, new ProcessEvent.StopRequested(), fx.now);

        assertThat(stop.state()).isEqualTo(ProcessState.STOPPING);
        assertThat(fx.calls).containsSubsequence(
                "STARTING->STOPPING",
                "signal SIGTERM",
                "INFO waiting for p to stop",
                "CRIT unknown problem killing p (7):EPERM",
                "STOPPING->UNKNOWN");
        assertThat(m.state()).isEqualTo(ProcessState.UNKNOWN);
    }

    @Test
    void aDriverMayHoldTheSnapshotItself() {
        // the operator keeps rules and snapshot in its own entry and applies the pure function
        LifecycleRules rules = LifecycleRules.defaults("p").withStartsecs(0);
        ProcessSnapshot[] held = {ProcessSnapshot.initial()};
        Recording fx = new Recording();
        fx.spawnAnswer = Optional.of(new ProcessEvent.Spawned(9));

        ProcessDriver.feed((event, now) -> {
            Transition t = ProcessLifecycle.apply(rules, held[0], event, now);
            held[0] = t.after();
            return t;
        }, fx, new ProcessEvent.AutostartDue(), T0);

        assertThat(held[0].state()).isEqualTo(ProcessState.RUNNING);
        assertThat(held[0].pid()).isEqualTo(9);
    }
}
