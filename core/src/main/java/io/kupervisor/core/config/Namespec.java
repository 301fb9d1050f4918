package io.kupervisor.core.config;

import java.util.Objects;

/**
 * How supervisorctl and the XML-RPC interface name processes: {@code name} (a process alone in the
 * group of the same name), {@code group:name}, or a whole group, {@code group:*} (also
 * {@code group:}). supervisord's {@code split_namespec} and {@code make_namespec}.
 *
 * @param group   the group name
 * @param process the process name; null when the namespec names the whole group
 */
public record Namespec(String group, String process) {

    public Namespec {
        Objects.requireNonNull(group, "group");
    }

    /**
     * supervisord's {@code split_namespec}: before the first {@code :} is the group, after it the
     * process ({@code *} or nothing: the whole group); without a colon, group and process are the
     * same name.
     */
    public static Namespec parse(String namespec) {
        Objects.requireNonNull(namespec, "namespec");
        int colon = namespec.indexOf(':');
        if (colon < 0) {
            return new Namespec(namespec, namespec);
        }
        String process = namespec.substring(colon + 1);
        return new Namespec(namespec.substring(0, colon), process.isEmpty() || process.equals("*") ? null : process);
    }

    /** The namespec of process {@code process} of {@code group}. */
    public static Namespec of(String group, String process) {
        return new Namespec(group, Objects.requireNonNull(process, "process"));
    }

    /** The namespec of every process of {@code group}: {@code group:*}. */
    public static Namespec wholeGroup(String group) {
        return new Namespec(group, null);
    }

    /** Whether it names every process of the group. */
    public boolean isWholeGroup() {
        return process == null;
    }

    /**
     * supervisord's {@code make_namespec}: {@code name} when group and process share it,
     * {@code group:name} otherwise, {@code group:*} for a whole group.
     */
    @Override
    public String toString() {
        if (process == null) {
            return group + ":*";
        }
        return group.equals(process) ? process : group + ":" + process;
    }
}
