package io.kupervisor.supervisord.events;

import io.kupervisor.core.config.LogLevel;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The listener's side of the protocol, as supervisord's PEventListenerDispatcher reads it. */
class ListenerProtocolTest {
    private final List<String> log = new ArrayList<>();
    private final List<Event> rejected = new ArrayList<>();
    private final List<Event> processed = new ArrayList<>();
    private int readies;
    private final ListenerProtocol p = new ListenerProtocol("l", new ListenerProtocol.Listener() {
        @Override
        public void log(LogLevel level, String message) {
            log.add(level + " " + message);
        }

        @Override
        public void processed(Event event) {
            processed.add(event);
        }

        @Override
        public void rejected(Event event) {
            rejected.add(event);
        }

        @Override
        public void ready() {
            readies++;
        }
    });
    private final Event e = Event.supervisorState(true);

    private void feed(String s) {
        p.feed(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readyThenResultOk() {
        assertThat(p.state()).isEqualTo(ListenerState.ACKNOWLEDGED);
        feed("REA");
        assertThat(p.state()).isEqualTo(ListenerState.ACKNOWLEDGED);
        feed("DY\n");
        assertThat(p.state()).isEqualTo(ListenerState.READY);
        assertThat(readies).isEqualTo(1);
        p.sent(e);
        assertThat(p.state()).isEqualTo(ListenerState.BUSY);
        feed("RESULT 2\nO");
        assertThat(p.state()).isEqualTo(ListenerState.BUSY);
        feed("KREADY\n");
        assertThat(processed).containsExactly(e);
        assertThat(p.state()).isEqualTo(ListenerState.READY);
        assertThat(p.event()).isNull();
        assertThat(log).contains("DEBUG l: ACKNOWLEDGED -> READY", "DEBUG l: event was processed",
                "DEBUG l: BUSY -> ACKNOWLEDGED");
    }

    @Test
    void failIsARejection() {
        feed("READY\n");
        p.sent(e);
        feed("RESULT 4\nFAIL");
        assertThat(rejected).containsExactly(e);
        assertThat(p.state()).isEqualTo(ListenerState.ACKNOWLEDGED);
        assertThat(log).contains("WARN l: event was rejected");
    }

    @Test
    void aZeroLengthResultWaitsForMoreBytesAndIsRejected() {
        feed("READY\n");
        p.sent(e);
        feed("RESULT 0\n");
        assertThat(p.state()).isEqualTo(ListenerState.BUSY); // supervisord only looks again when bytes come
        feed("READY\n");
        assertThat(rejected).containsExactly(e);
        assertThat(p.state()).isEqualTo(ListenerState.READY);
    }

    @Test
    void badResultLineIsUnknownAndTheEventGoesBack() {
        feed("READY\n");
        p.sent(e);
        feed("RESULT two\n");
        assertThat(p.state()).isEqualTo(ListenerState.UNKNOWN);
        assertThat(rejected).containsExactly(e);
        assertThat(log).contains("WARN l: bad result line: 'RESULT two'", "WARN l: has entered the UNKNOWN state and"
                + " will no longer receive events, this usually indicates the process violated the eventlistener protocol");
        feed("READY\n");
        assertThat(p.state()).isEqualTo(ListenerState.UNKNOWN);
    }

    @Test
    void anythingButReadyFirstIsUnknown() {
        feed("HELLO!\n");
        assertThat(p.state()).isEqualTo(ListenerState.UNKNOWN);
        assertThat(readies).isZero();
    }

    @Test
    void outputWhileReadyIsUnknownEvenInTheSameRead() {
        feed("READY\nnoise");
        assertThat(p.state()).isEqualTo(ListenerState.UNKNOWN);
        assertThat(readies).isZero();
    }

    @Test
    void anUnansweredEventIsHandedBackOnce() {
        feed("READY\n");
        p.sent(e);
        assertThat(p.takeUnanswered()).isSameAs(e);
        assertThat(p.takeUnanswered()).isNull();
    }
}
