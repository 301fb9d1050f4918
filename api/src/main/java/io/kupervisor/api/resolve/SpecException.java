package io.kupervisor.api.resolve;

import java.util.List;

/**
 * A spec that supervisord would refuse. Each problem names the field and says what is wrong, e.g.
 * {@code spec.stopsignal: value 'FOO' is not a valid signal name}.
 */
public final class SpecException extends Exception {
    private final List<String> problems;

    public SpecException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
