package io.kupervisor.supervisord.process;

/**
 * What event delivery hears from a process besides its state changes (those come through
 * {@link Daemon#stateChanged}): its output, where events are enabled, and an event listener's
 * life. The pump-thread methods hand their work over to the loop themselves.
 */
public interface EventHooks {
    /** Pump thread: a piece of output was logged ({@code *_events_enabled}). */
    void logged(Subprocess process, long pid, String channel, byte[] data);

    /** Pump thread: a capture closed with the end token ({@code *_capture_maxbytes}). */
    void communicated(Subprocess process, long pid, String channel, byte[] data);

    /** Pump thread: an event listener wrote on its stdout (its side of the protocol). */
    void listenerOutput(Subprocess process, long pid, byte[] data);

    /** Loop: an event listener was spawned; its stdin pipe is new. */
    void listenerSpawned(Subprocess process, long pid);

    /** Loop: an event listener was reaped; called before its exit is handled. */
    void listenerReaped(Subprocess process);
}
