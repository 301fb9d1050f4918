package io.kupervisor.supervisord.events;

import io.kupervisor.core.config.LogLevel;
import io.kupervisor.core.config.dialect.PyInt;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One listener process's side of the protocol, read from its stdout: a port of supervisord's
 * {@code PEventListenerDispatcher} (state changes, the {@code RESULT n\n} line, the result) and
 * of the default result handler ({@code OK} processes the event, anything else rejects it).
 * Pure: it is fed bytes and tells its {@link Listener} what happened. Loop thread only.
 */
public final class ListenerProtocol {
    static final byte[] READY_TOKEN = "READY\n".getBytes(StandardCharsets.US_ASCII);
    static final int RESULT_TOKEN_START_LEN = "RESULT ".length();
    private static final byte[] OK = "OK".getBytes(StandardCharsets.US_ASCII);

    /** What the protocol tells the pool and the log. */
    public interface Listener {
        void log(LogLevel level, String message);

        /** The event in hand was processed ({@code OK}). */
        default void processed(Event event) {
        }

        /** The event in hand was rejected (or answered wrongly): the pool sends it again. */
        void rejected(Event event);

        /** The listener entered READY: the pool may send it the next event. */
        void ready();
    }

    private final String name;
    private final Listener listener;
    private ListenerState state = ListenerState.ACKNOWLEDGED;
    private Event event;
    private byte[] buffer = new byte[0];
    private final ByteArrayOutputStream result = new ByteArrayOutputStream();
    private Long resultlen;

    /** A listener process just spawned: ACKNOWLEDGED, waiting for its first READY. */
    public ListenerProtocol(String name, Listener listener) {
        this.name = name;
        this.listener = listener;
    }

    public ListenerState state() {
        return state;
    }

    /** The event sent and not yet answered, or null. */
    public Event event() {
        return event;
    }

    /** The pool sent {@code e}: BUSY until the result comes. */
    void sent(Event e) {
        state = ListenerState.BUSY;
        event = e;
    }

    /** The process ended: the event in hand, if any, goes back to the pool (supervisord's finish()). */
    public Event takeUnanswered() {
        Event e = event;
        event = null;
        return e;
    }

    /** Bytes the listener wrote on its stdout. */
    public void feed(byte[] data) {
        if (data.length == 0) {
            return;
        }
        buffer = concat(buffer, data);
        handleStateChange();
        if (state == ListenerState.READY) {
            // supervisord dispatches after the read is handled, never in the middle of it
            listener.ready();
        }
    }

    // supervisord recurses "til it's too short"; a loop does the same
    private void handleStateChange() {
        while (buffer.length > 0) {
            switch (state) {
                case UNKNOWN -> {
                    buffer = new byte[0];
                    return;
                }
                case ACKNOWLEDGED -> {
                    if (buffer.length < READY_TOKEN.length) {
                        return;
                    }
                    if (startsWith(buffer, READY_TOKEN)) {
                        change(ListenerState.READY);
                        buffer = Arrays.copyOfRange(buffer, READY_TOKEN.length, buffer.length);
                        event = null;
                    } else {
                        change(ListenerState.UNKNOWN);
                        buffer = new byte[0];
                        event = null;
                    }
                }
                case READY -> {
                    // spurious output while waiting for an event: supervisord is strict about it
                    change(ListenerState.UNKNOWN);
                    buffer = new byte[0];
                    event = null;
                    return;
                }
                case BUSY -> {
                    if (resultlen == null) {
                        int pos = indexOf(buffer, (byte) '\n');
                        if (pos < 0) {
                            return;
                        }
                        byte[] line = Arrays.copyOfRange(buffer, 0, pos);
                        buffer = Arrays.copyOfRange(buffer, pos + 1, buffer.length);
                        byte[] len = Arrays.copyOfRange(line, Math.min(RESULT_TOKEN_START_LEN, line.length), line.length);
                        Long parsed = pyInt(len);
                        if (parsed == null) {
                            listener.log(LogLevel.WARN, name + ": bad result line: '" + Event.asString(line) + "'");
                            change(ListenerState.UNKNOWN);
                            buffer = new byte[0];
                            Event e = event;
                            event = null;
                            listener.rejected(e);
                            return;
                        }
                        resultlen = parsed;
                    } else {
                        long needed = resultlen - result.size();
                        if (needed != 0) {
                            int take = sliceEnd(buffer.length, needed);
                            result.write(buffer, 0, take);
                            buffer = Arrays.copyOfRange(buffer, take, buffer.length);
                            needed = resultlen - result.size();
                        }
                        if (needed == 0) {
                            Event e = event;
                            handleResult(result.toByteArray(), e);
                            event = null;
                            result.reset();
                            resultlen = null;
                        }
                    }
                }
            }
        }
    }

    private void handleResult(byte[] answer, Event e) {
        if (Arrays.equals(answer, OK)) {
            listener.log(LogLevel.DEBUG, name + ": event was processed");
            change(ListenerState.ACKNOWLEDGED);
            listener.processed(e);
        } else {
            listener.log(LogLevel.WARN, name + ": event was rejected");
            change(ListenerState.ACKNOWLEDGED);
            listener.rejected(e);
        }
    }

    private void change(ListenerState to) {
        listener.log(LogLevel.DEBUG, name + ": " + state + " -> " + to);
        state = to;
        if (to == ListenerState.UNKNOWN) {
            listener.log(LogLevel.WARN, name + ": has entered the UNKNOWN state and will no longer receive events,"
                    + " this usually indicates the process violated the eventlistener protocol");
        }
    }

    /** Python's {@code buf[:n]} length for a needed count that may be negative (a negative RESULT length). */
    private static int sliceEnd(int length, long n) {
        if (n >= 0) {
            return (int) Math.min(length, n);
        }
        return (int) Math.max(0, length + n);
    }

    /** Python's {@code int(bytes)}: ASCII digits with whitespace, a sign and underscores; null if it refuses. */
    private static Long pyInt(byte[] text) {
        for (byte b : text) {
            if (b < 0) {
                return null;
            }
        }
        try {
            return PyInt.parse(new String(text, StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean startsWith(byte[] data, byte[] prefix) {
        return data.length >= prefix.length && Arrays.equals(data, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static int indexOf(byte[] data, byte b) {
        for (int i = 0; i < data.length; i++) {
            if (data[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        if (a.length == 0) {
            return b.clone();
        }
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
