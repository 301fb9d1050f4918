package io.kupervisor.supervisord.control;

import java.util.Objects;

/**
 * What a request on many processes did to one of them (supervisord's result struct of the group
 * and all variants): {@link Fault#SUCCESS} and {@code OK}, or the fault and its text.
 */
public record ProcessResult(String group, String name, Fault status, String description) {

    public ProcessResult {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(description, "description");
    }

    public static ProcessResult ok(String group, String name) {
        return new ProcessResult(group, name, Fault.SUCCESS, "OK");
    }

    public static ProcessResult refused(String group, String name, ControlException e) {
        return new ProcessResult(group, name, e.fault(), e.text());
    }
}
