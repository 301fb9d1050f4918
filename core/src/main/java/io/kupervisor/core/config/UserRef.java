package io.kupervisor.core.config;

/**
 * A {@code user=} value: the name or number written, and the uid when it is known (it is not when
 * the config is read for another host, as {@code kupervisor migrate} does).
 */
public record UserRef(String written, Integer uid) {
    public boolean resolved() {
        return uid != null;
    }
}
