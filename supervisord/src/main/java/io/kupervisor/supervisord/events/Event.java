package io.kupervisor.supervisord.events;

import io.kupervisor.core.config.dialect.PyBytes;
import io.kupervisor.core.state.ProcessState;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * One event as supervisord 4.2.5 builds it ({@code supervisor/events.py}): its type and its
 * payload, rendered when the event is made (supervisord renders state events then too, and the
 * others never change). The serials are given by the first pool that buffers the event (global)
 * and by each pool (its own), as supervisord attaches them to the event object.
 */
public final class Event {
    private final EventType type;
    private final String payload;
    private long serial = -1;
    private final Map<String, Long> poolSerials = new HashMap<>();

    Event(EventType type, String payload) {
        this.type = type;
        this.payload = payload;
    }

    public EventType type() {
        return type;
    }

    public String payload() {
        return payload;
    }

    /** The global serial, or -1 while no pool has taken the event. */
    public long serial() {
        return serial;
    }

    void serial(long serial) {
        this.serial = serial;
    }

    Long poolSerial(String pool) {
        return poolSerials.get(pool);
    }

    void poolSerial(String pool, long serial) {
        poolSerials.put(pool, serial);
    }

    @Override
    public String toString() {
        return type + " #" + serial + " " + payload;
    }

    // ---- the payloads, as events.py writes them ----

    /**
     * PROCESS_STATE_*: {@code processname:x groupname:g from_state:S} and the values of the type:
     * {@code tries} (STARTING, BACKOFF), {@code expected pid} (EXITED), {@code pid} (RUNNING,
     * STOPPING, STOPPED), none (FATAL, UNKNOWN).
     */
    public static Event processState(String process, String group, ProcessState from, ProcessState to,
                                     boolean expected, long pid, int tries) {
        StringBuilder s = new StringBuilder("processname:").append(process).append(" groupname:").append(group)
                .append(" from_state:").append(from.name());
        switch (to) {
            case STARTING, BACKOFF -> s.append(" tries:").append(tries);
            case EXITED -> s.append(" expected:").append(expected ? 1 : 0).append(" pid:").append(pid);
            case RUNNING, STOPPING, STOPPED -> s.append(" pid:").append(pid);
            case FATAL, UNKNOWN -> {
            }
        }
        return new Event(EventType.ofState(to), s.toString());
    }

    /** PROCESS_LOG_STDOUT/STDERR: a piece of a process's output, as read. */
    public static Event processLog(String process, String group, long pid, String channel, byte[] data) {
        EventType t = channel.equals("stdout") ? EventType.PROCESS_LOG_STDOUT : EventType.PROCESS_LOG_STDERR;
        return new Event(t, "processname:" + process + " groupname:" + group + " pid:" + pid + " channel:" + channel
                + "\n" + asString(data));
    }

    /** PROCESS_COMMUNICATION_STDOUT/STDERR: what a process wrote between the capture tokens. */
    public static Event processCommunication(String process, String group, long pid, String channel, byte[] data) {
        EventType t = channel.equals("stdout")
                ? EventType.PROCESS_COMMUNICATION_STDOUT : EventType.PROCESS_COMMUNICATION_STDERR;
        return new Event(t, "processname:" + process + " groupname:" + group + " pid:" + pid + "\n" + asString(data));
    }

    /** REMOTE_COMMUNICATION ({@code sendRemoteCommEvent}): {@code type:x}, a newline, the data. */
    public static Event remoteCommunication(String type, String data) {
        return new Event(EventType.REMOTE_COMMUNICATION, "type:" + type + "\n" + data);
    }

    /** SUPERVISOR_STATE_CHANGE_RUNNING/STOPPING: no payload. */
    public static Event supervisorState(boolean running) {
        return new Event(running ? EventType.SUPERVISOR_STATE_CHANGE_RUNNING
                : EventType.SUPERVISOR_STATE_CHANGE_STOPPING, "");
    }

    /** PROCESS_GROUP_ADDED/REMOVED: {@code groupname:g} and a newline. */
    public static Event processGroup(boolean added, String group) {
        return new Event(added ? EventType.PROCESS_GROUP_ADDED : EventType.PROCESS_GROUP_REMOVED,
                "groupname:" + group + "\n");
    }

    /** TICK_5/60/3600: {@code when:} the start of the period that began, in epoch seconds. */
    public static Event tick(int period, long when) {
        return new Event(EventType.tick(period), "when:" + when);
    }

    /** supervisord's {@code as_string}: UTF-8, or {@code Undecodable: b'...'} when it is not. */
    static String asString(byte[] data) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(data)).toString();
        } catch (CharacterCodingException e) {
            return "Undecodable: " + PyBytes.repr(data);
        }
    }
}
