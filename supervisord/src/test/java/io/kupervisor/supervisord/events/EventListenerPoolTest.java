package io.kupervisor.supervisord.events;

import io.kupervisor.core.config.LogLevel;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Buffering, serials, overflow, rejection and the envelope, as supervisord's EventListenerPool. */
class EventListenerPoolTest {
    private final List<String> log = new ArrayList<>();
    private final EventListenerPool.GlobalSerial global = new EventListenerPool.GlobalSerial();

    private final class FakeMember implements EventListenerPool.Member {
        final String name;
        final ListenerProtocol protocol;
        final List<String> sent = new ArrayList<>();
        boolean running = true;
        boolean broken;

        FakeMember(String name) {
            this.name = name;
            this.protocol = new ListenerProtocol(name, new ListenerProtocol.Listener() {
                @Override
                public void log(LogLevel level, String message) {
                }

                @Override
                public void rejected(Event event) {
                }

                @Override
                public void ready() {
                }
            });
            protocol.feed("READY\n".getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean running() {
            return running;
        }

        @Override
        public ListenerProtocol protocol() {
            return protocol;
        }

        @Override
        public boolean send(byte[] envelope) {
            if (broken) {
                return false;
            }
            sent.add(new String(envelope, StandardCharsets.UTF_8));
            return true;
        }
    }

    private EventListenerPool pool(String name, int size) {
        return new EventListenerPool(name, size, List.of(EventType.EVENT), "supervisor", global,
                (level, message) -> log.add(level + " " + message));
    }

    @Test
    void envelopeCountsCharactersNotBytes() {
        EventListenerPool p = pool("rec", 10);
        FakeMember m = new FakeMember("rec_00");
        p.add(m);
        p.accept(Event.processGroup(true, "café"), false);
        p.dispatch();
        assertThat(m.sent).containsExactly("ver:3.0 server:supervisor serial:0 pool:rec poolserial:0"
                + " eventname:PROCESS_GROUP_ADDED len:15\ngroupname:café\n");
        assertThat(m.protocol.state()).isEqualTo(ListenerState.BUSY);
        assertThat(log).contains("DEBUG event 0 sent to listener rec_00");
    }

    @Test
    void theGlobalSerialIsSharedAndEachPoolCountsItsOwn() {
        EventListenerPool a = pool("a", 10);
        EventListenerPool b = pool("b", 10);
        Event first = Event.supervisorState(true);
        Event second = Event.supervisorState(false);
        a.accept(first, false);
        b.accept(first, false);
        b.accept(second, false);
        a.accept(second, false);
        assertThat(first.serial()).isZero();
        assertThat(second.serial()).isEqualTo(1);
        assertThat(second.poolSerial("a")).isEqualTo(1);
        assertThat(second.poolSerial("b")).isEqualTo(1);
    }

    @Test
    void aFullBufferDiscardsTheOldestWithSupervisordsLine() {
        EventListenerPool p = pool("rec", 2);
        for (int i = 0; i < 3; i++) {
            p.accept(Event.tick(5, i), false);
        }
        assertThat(p.buffered()).extracting(Event::serial).containsExactly(1L, 2L);
        assertThat(log).containsExactly("ERROR pool rec event buffer overflowed, discarding event 0");
    }

    @Test
    void aRejectedEventGoesBackToTheHeadAndIsSentFirst() {
        EventListenerPool p = pool("rec", 10);
        FakeMember m = new FakeMember("rec_00");
        m.running = false;
        p.add(m);
        Event first = Event.tick(5, 0);
        Event second = Event.tick(5, 5);
        p.accept(first, false);
        p.accept(second, false);
        p.dispatch();
        assertThat(m.sent).isEmpty(); // not RUNNING: nothing goes out, nothing is lost
        assertThat(p.buffered()).containsExactly(first, second);
        m.running = true;
        p.dispatch();
        assertThat(m.sent).hasSize(1);
        p.rejected(m.protocol.takeUnanswered());
        assertThat(p.buffered()).containsExactly(first, second);
        assertThat(log).contains("DEBUG rebuffering event 0 for pool rec (buf size=1, max=10)");
    }

    @Test
    void withNoListenerReadyEventsJustWait() {
        EventListenerPool p = pool("rec", 10);
        FakeMember m = new FakeMember("rec_00");
        p.add(m);
        p.accept(Event.tick(5, 0), false);
        p.dispatch(); // m takes it and is BUSY
        p.accept(Event.tick(5, 5), false);
        p.dispatch();
        assertThat(p.buffered()).hasSize(1);
        // supervisord only dispatches when a listener is READY: no rebuffering lines meanwhile
        assertThat(log).noneMatch(l -> l.contains("rebuffering"));
    }

    @Test
    void aBrokenPipeLeavesTheListenerAsItWasAndTriesTheNext() {
        EventListenerPool p = pool("rec", 10);
        FakeMember dead = new FakeMember("rec_00");
        dead.broken = true;
        FakeMember alive = new FakeMember("rec_01");
        p.add(dead);
        p.add(alive);
        p.accept(Event.tick(5, 0), false);
        p.dispatch();
        assertThat(dead.protocol.state()).isEqualTo(ListenerState.READY);
        assertThat(alive.sent).hasSize(1);
        assertThat(log).contains("DEBUG epipe occurred while sending event 0 to listener rec_00, listener state unchanged");
    }
}
