package io.kupervisor.supervisord.events;

import io.kupervisor.core.config.LogLevel;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * One {@code [eventlistener:x]} pool: supervisord's {@code EventListenerPool}. Events it
 * subscribes to wait in a buffer of {@code buffer_size} (the oldest is discarded, with
 * supervisord's ERROR line, when it is full) and go, oldest first, to the first member that is
 * RUNNING and READY, framed by the protocol's header. A rejected event goes back to the head of
 * the buffer. Loop thread only; never blocks (members write without waiting).
 */
public final class EventListenerPool {
    /** A listener process as the pool sees it. */
    public interface Member {
        String name();

        /** In the RUNNING process state (only those are sent events). */
        boolean running();

        ListenerProtocol protocol();

        /**
         * Hands the envelope to the process's stdin without waiting for it to be read.
         *
         * @return false when the pipe is broken (the process is gone): supervisord's EPIPE
         */
        boolean send(byte[] envelope);
    }

    /** supervisord's {@code GlobalSerial}: one counter for the whole daemon, kept across reloads. */
    public static final class GlobalSerial {
        private long serial = -1;

        long next() {
            serial = serial == Long.MAX_VALUE ? 0 : serial + 1;
            return serial;
        }
    }

    private final String name;
    private final int bufferSize;
    private final List<EventType> events;
    private final String identifier;
    private final GlobalSerial globalSerial;
    private final BiConsumer<LogLevel, String> log;
    private final ArrayDeque<Event> buffer = new ArrayDeque<>();
    private final Map<String, Member> members = new LinkedHashMap<>();
    private long serial = -1;

    public EventListenerPool(String name, int bufferSize, List<EventType> events, String identifier,
                             GlobalSerial globalSerial, BiConsumer<LogLevel, String> log) {
        this.name = name;
        this.bufferSize = bufferSize;
        this.events = List.copyOf(events);
        this.identifier = identifier;
        this.globalSerial = globalSerial;
        this.log = log;
    }

    public String name() {
        return name;
    }

    /** The types it subscribed to, in subscription order (an event matching two is taken twice, as in supervisord). */
    public List<EventType> events() {
        return events;
    }

    /** Members in the group's process order; set once when the group is made. */
    public void add(Member m) {
        members.put(m.name(), m);
    }

    public Member member(String processName) {
        return members.get(processName);
    }

    /** Events waiting, oldest first (a copy). */
    public List<Event> buffered() {
        return new ArrayList<>(buffer);
    }

    /** supervisord's {@code _acceptEvent}: serials, overflow, then the buffer's tail (or head). */
    public void accept(Event event, boolean head) {
        if (event.serial() < 0) {
            event.serial(globalSerial.next());
        }
        if (event.poolSerial(name) == null) {
            serial = serial == Long.MAX_VALUE ? 0 : serial + 1;
            event.poolSerial(name, serial);
        } else {
            log.accept(LogLevel.DEBUG, "rebuffering event " + event.serial() + " for pool " + name + " (buf size="
                    + buffer.size() + ", max=" + bufferSize + ")");
        }
        if (buffer.size() >= bufferSize && !buffer.isEmpty()) {
            Event discarded = buffer.pollFirst();
            log.accept(LogLevel.ERROR, "pool " + name + " event buffer overflowed, discarding event "
                    + discarded.serial());
        }
        if (head) {
            buffer.addFirst(event);
        } else {
            buffer.addLast(event);
        }
    }

    /** supervisord's {@code handle_rejected}: the event goes back to the head of the buffer. */
    public void rejected(Event event) {
        if (event != null) {
            accept(event, true);
        }
    }

    /**
     * Sends buffered events while some member can take one (supervisord's {@code dispatch}, which
     * its {@code transition} only calls when a member is RUNNING and READY).
     */
    public void dispatch() {
        if (members.values().stream().noneMatch(m -> m.running() && m.protocol() != null
                && m.protocol().state() == ListenerState.READY)) {
            return;
        }
        while (!buffer.isEmpty()) {
            Event event = buffer.pollFirst();
            if (!dispatch(event)) {
                accept(event, true);
                break;
            }
        }
    }

    private boolean dispatch(Event event) {
        long poolSerial = event.poolSerial(name);
        for (Member m : members.values()) {
            if (!m.running() || m.protocol() == null || m.protocol().state() != ListenerState.READY) {
                continue;
            }
            if (!m.send(envelope(event, poolSerial))) {
                log.accept(LogLevel.DEBUG, "epipe occurred while sending event " + event.serial() + " to listener "
                        + m.name() + ", listener state unchanged");
                continue;
            }
            m.protocol().sent(event);
            log.accept(LogLevel.DEBUG, "event " + event.serial() + " sent to listener " + m.name());
            return true;
        }
        return false;
    }

    /** The header line and the payload; {@code len} counts characters, as Python's {@code len(str)}. */
    byte[] envelope(Event event, long poolSerial) {
        String payload = event.payload();
        String text = "ver:3.0 server:" + identifier + " serial:" + event.serial() + " pool:" + name + " poolserial:"
                + poolSerial + " eventname:" + event.type().name() + " len:"
                + payload.codePointCount(0, payload.length()) + "\n" + payload;
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
