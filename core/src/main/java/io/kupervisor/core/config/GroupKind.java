package io.kupervisor.core.config;

/** The kinds of process group supervisord knows, with the class names it gives them. */
public enum GroupKind {
    /** A {@code [program:x]} (its own group) or a {@code [group:x]} of programs. */
    PROCESS("ProcessGroupConfig"),
    /** An {@code [eventlistener:x]} pool. */
    EVENT_LISTENER_POOL("EventListenerPoolConfig"),
    /** An {@code [fcgi-program:x]} with its socket. */
    FASTCGI("FastCGIGroupConfig");

    private final String supervisordClass;

    GroupKind(String supervisordClass) {
        this.supervisordClass = supervisordClass;
    }

    public String supervisordClass() {
        return supervisordClass;
    }
}
