package io.kupervisor.supervisord.control;

/**
 * Why the daemon refused a request, in supervisord's words: its fault names and codes
 * ({@code supervisor.xmlrpc.Faults}), which XML-RPC sends as they are and the web page turns into
 * its messages. {@link #SUCCESS} is the status of a process a group request did act on.
 */
public enum Fault {
    SHUTDOWN_STATE(6),
    BAD_NAME(10),
    BAD_SIGNAL(11),
    NO_FILE(20),
    NOT_EXECUTABLE(21),
    FAILED(30),
    ABNORMAL_TERMINATION(40),
    SPAWN_ERROR(50),
    ALREADY_STARTED(60),
    NOT_RUNNING(70),
    SUCCESS(80),
    ALREADY_ADDED(90),
    STILL_RUNNING(91),
    CANT_REREAD(92);

    private final int code;

    Fault(int code) {
        this.code = code;
    }

    /** supervisord's fault code. */
    public int code() {
        return code;
    }
}
