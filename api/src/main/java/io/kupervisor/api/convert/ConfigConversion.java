package io.kupervisor.api.convert;

import io.kupervisor.api.v1alpha1.SupervisedProgram;

import java.util.List;

/**
 * One program of a supervisord configuration as a {@link SupervisedProgram}, with what a person
 * should know about the mapping ({@code kupervisor migrate} prints the notes).
 *
 * @param section the section it came from ({@code program:web})
 * @param notes   what maps only approximately or not at all, one sentence each
 */
public record ConfigConversion(String section, SupervisedProgram program, List<String> notes) {
    public ConfigConversion {
        notes = List.copyOf(notes);
    }
}
