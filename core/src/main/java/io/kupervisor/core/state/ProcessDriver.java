package io.kupervisor.core.state;

import io.kupervisor.core.config.LogLevel;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.Optional;

/**
 * The one loop that drives a process's state machine, shared by the daemon (real processes), the
 * operator (pods) and the tests' fake driver: feed an event, perform the transition's actions in
 * order through {@link Effects}, then feed the events those actions answered with (a spawn's
 * result, a failed signal), in order, each with its own actions, until none is left. This is the
 * driver contract of the {@link io.kupervisor.core.state package documentation}, in one place.
 */
public final class ProcessDriver {

    /** The machine being driven: {@link ProcessStateMachine#handle}, or a driver's own holder of a snapshot. */
    @FunctionalInterface
    public interface Machine {
        Transition handle(ProcessEvent event, Instant now);
    }

    /**
     * What the driver's world does for each action. The methods that may answer return the event
     * to feed next, or empty when there is none now (a pod's result comes later, as its own event).
     */
    public interface Effects {
        /** {@link Action.Spawn}: start the process; {@code Spawned} or {@code SpawnFailed} if known now. */
        Optional<ProcessEvent> spawn();

        /** {@link Action.CancelSpawn}: abort the spawn in flight; {@code SpawnFailed}, or {@code Spawned} if too late. */
        Optional<ProcessEvent> cancelSpawn();

        /**
         * {@link Action.SendSignal}: {@code KillFailed} when sending failed for another reason than
         * "no such process" (whose exit is reported anyway).
         */
        Optional<ProcessEvent> signal(int signal, boolean toGroup);

        /** {@link Action.Kill}: SIGKILL; answers as {@link #signal}. */
        Optional<ProcessEvent> kill(boolean toGroup);

        /** {@link Action.ScheduleTimer}: deliver {@code TimerDue} at or after {@code at} (one timer per process). */
        void scheduleTimer(Instant at);

        /** {@link Action.Log}: a main-log line. */
        void log(LogLevel level, LogMessage message);

        /** {@link Action.StateChanged}: what supervisord's PROCESS_STATE events carry. */
        void stateChanged(Action.StateChanged change);

        /** The time at which answers are fed (a spawn takes time: its {@code Spawned} comes after). */
        Instant now();
    }

    private ProcessDriver() {
    }

    /**
     * Feeds {@code event} at {@code now} and everything it leads to at once.
     *
     * @return the transition of {@code event} itself (its outcome is the answer to a request)
     */
    public static Transition feed(Machine machine, Effects effects, ProcessEvent event, Instant now) {
        Objects.requireNonNull(machine, "machine");
        Objects.requireNonNull(effects, "effects");
        Deque<ProcessEvent> answers = new ArrayDeque<>();
        Transition first = perform(machine.handle(event, now), effects, answers);
        while (!answers.isEmpty()) {
            perform(machine.handle(answers.poll(), effects.now()), effects, answers);
        }
        return first;
    }

    private static Transition perform(Transition t, Effects effects, Deque<ProcessEvent> answers) {
        for (Action action : t.actions()) {
            // instanceof, not a pattern switch (spun at run time: see ProcessLifecycle.dispatch)
            Optional<ProcessEvent> answer = Optional.empty();
            if (action instanceof Action.Spawn) {
                answer = effects.spawn();
            } else if (action instanceof Action.CancelSpawn) {
                answer = effects.cancelSpawn();
            } else if (action instanceof Action.SendSignal s) {
                answer = effects.signal(s.signal(), s.toGroup());
            } else if (action instanceof Action.Kill k) {
                answer = effects.kill(k.toGroup());
            } else if (action instanceof Action.ScheduleTimer st) {
                effects.scheduleTimer(st.at());
            } else if (action instanceof Action.Log l) {
                effects.log(l.level(), l.message());
            } else if (action instanceof Action.StateChanged sc) {
                effects.stateChanged(sc);
            } else {
                throw new IllegalArgumentException("no effect for " + action);
            }
            answer.ifPresent(answers::add);
        }
        return t;
    }
}
