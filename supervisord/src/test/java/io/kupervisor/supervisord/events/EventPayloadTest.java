package io.kupervisor.supervisord.events;

import io.kupervisor.core.state.ProcessState;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The payloads as supervisord 4.2.5's events.py writes them. */
class EventPayloadTest {

    @Test
    void processStateCarriesTheValuesOfItsType() {
        assertThat(Event.processState("web", "g", ProcessState.STOPPED, ProcessState.STARTING, true, 0, 0).payload())
                .isEqualTo("processname:web groupname:g from_state:STOPPED tries:0");
        assertThat(Event.processState("web", "g", ProcessState.STARTING, ProcessState.BACKOFF, true, 0, 2).payload())
                .isEqualTo("processname:web groupname:g from_state:STARTING tries:2");
        assertThat(Event.processState("web", "g", ProcessState.RUNNING, ProcessState.EXITED, false, 42, 0).payload())
                .isEqualTo("processname:web groupname:g from_state:RUNNING expected:0 pid:42");
        assertThat(Event.processState("web", "g", ProcessState.STARTING, ProcessState.RUNNING, true, 42, 0).payload())
                .isEqualTo("processname:web groupname:g from_state:STARTING pid:42");
        assertThat(Event.processState("web", "g", ProcessState.RUNNING, ProcessState.STOPPING, true, 42, 0).payload())
                .isEqualTo("processname:web groupname:g from_state:RUNNING pid:42");
        assertThat(Event.processState("web", "g", ProcessState.BACKOFF, ProcessState.STOPPED, true, 0, 1).payload())
                .isEqualTo("processname:web groupname:g from_state:BACKOFF pid:0");
        assertThat(Event.processState("web", "g", ProcessState.BACKOFF, ProcessState.FATAL, true, 0, 0).payload())
                .isEqualTo("processname:web groupname:g from_state:BACKOFF");
        assertThat(Event.processState("web", "g", ProcessState.RUNNING, ProcessState.UNKNOWN, true, 42, 0).type())
                .isEqualTo(EventType.PROCESS_STATE_UNKNOWN);
    }

    @Test
    void outputPayloadsDecodeUtf8OrShowTheBytes() {
        assertThat(Event.processLog("p", "g", 7, "stderr", "héllo\n".getBytes(StandardCharsets.UTF_8)).payload())
                .isEqualTo("processname:p groupname:g pid:7 channel:stderr\nhéllo\n");
        // a read that cut a UTF-8 character in two: supervisord's 'Undecodable: %r'
        assertThat(Event.processLog("p", "g", 7, "stdout", new byte[] {'a', (byte) 0xc3, '\'', '\n'}).payload())
                .isEqualTo("processname:p groupname:g pid:7 channel:stdout\nUndecodable: b\"a\\xc3'\\n\"");
        assertThat(Event.processCommunication("p", "g", 7, "stdout", "x".getBytes(StandardCharsets.UTF_8)))
                .satisfies(e -> {
                    assertThat(e.type()).isEqualTo(EventType.PROCESS_COMMUNICATION_STDOUT);
                    assertThat(e.payload()).isEqualTo("processname:p groupname:g pid:7\nx");
                });
    }

    @Test
    void theOthers() {
        assertThat(Event.remoteCommunication("t", "d").payload()).isEqualTo("type:t\nd");
        assertThat(Event.supervisorState(false).payload()).isEmpty();
        assertThat(Event.supervisorState(true).type()).isEqualTo(EventType.SUPERVISOR_STATE_CHANGE_RUNNING);
        assertThat(Event.processGroup(false, "g").payload()).isEqualTo("groupname:g\n");
        assertThat(Event.tick(60, 1_700_000_040L)).satisfies(e -> {
            assertThat(e.type()).isEqualTo(EventType.TICK_60);
            assertThat(e.payload()).isEqualTo("when:1700000040");
        });
    }

    @Test
    void supertypesAreSubscriptionsToTheirMembers() {
        assertThat(EventType.PROCESS_STATE_EXITED.isA(EventType.PROCESS_STATE)).isTrue();
        assertThat(EventType.PROCESS_STATE_EXITED.isA(EventType.EVENT)).isTrue();
        assertThat(EventType.TICK_5.isA(EventType.TICK)).isTrue();
        assertThat(EventType.TICK_5.isA(EventType.TICK_60)).isFalse();
        assertThat(EventType.PROCESS_LOG_STDOUT.isA(EventType.PROCESS_COMMUNICATION)).isFalse();
        assertThat(EventType.named("process_log")).isEqualTo(EventType.PROCESS_LOG);
    }
}
