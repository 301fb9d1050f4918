package io.kupervisor.core.state;

import java.util.List;
import java.util.Objects;

/**
 * The result of feeding one event to the machine: the state before and after, how the event was
 * taken, and the actions the driver must perform, in order.
 */
public record Transition(ProcessSnapshot before, ProcessSnapshot after, Outcome outcome, List<Action> actions) {

    public Transition {
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
        Objects.requireNonNull(outcome, "outcome");
        actions = List.copyOf(actions);
    }

    /** The state after the event. */
    public ProcessState state() {
        return after.state();
    }

    /** Whether the event was acted on (not refused, not ignored). */
    public boolean accepted() {
        return outcome == Outcome.ACCEPTED;
    }

    /** The actions of one kind, in order. */
    public <T extends Action> List<T> actionsOf(Class<T> type) {
        return actions.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
