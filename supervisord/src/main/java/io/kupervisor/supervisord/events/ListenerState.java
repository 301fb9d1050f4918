package io.kupervisor.supervisord.events;

/** supervisord's {@code EventListenerStates}: where a listener stands in the protocol. */
public enum ListenerState {
    /** It asked for an event ({@code READY\n}) and may be sent one. */
    READY,
    /** It was sent an event and its {@code RESULT} is awaited. */
    BUSY,
    /** It answered (or just started): a {@code READY\n} is awaited. */
    ACKNOWLEDGED,
    /** It broke the protocol: it gets no more events until it is restarted. */
    UNKNOWN
}
