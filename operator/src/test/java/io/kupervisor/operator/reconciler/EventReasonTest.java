package io.kupervisor.operator.reconciler;

import io.kupervisor.core.state.ExitStatus;
import io.kupervisor.core.state.LogMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** An event's reason follows from what the state machine reported, whatever the words say. */
class EventReasonTest {

    @Test
    void stateMachineLinesByWhatTheyAre() {
        assertThat(EventRecorder.reason(new LogMessage.Spawned("web", 3))).isEqualTo("Spawned");
        assertThat(EventRecorder.reason(new LogMessage.Success("web", 1))).isEqualTo("Running");
        assertThat(EventRecorder.reason(new LogMessage.Exited("web", ExitStatus.code(1), false))).isEqualTo("Exited");
        assertThat(EventRecorder.reason(new LogMessage.Stopped("web", ExitStatus.signal(15)))).isEqualTo("Stopped");
        assertThat(EventRecorder.reason(new LogMessage.GaveUp("web"))).isEqualTo("GaveUp");
        assertThat(EventRecorder.reason(new LogMessage.SpawnError("web", "no such file"))).isEqualTo("SpawnError");
        assertThat(EventRecorder.reason(new LogMessage.Killing("web", 3, 15, false))).isEqualTo("Killing");
        assertThat(EventRecorder.reason(new LogMessage.KillingWithSigkill("web", 3))).isEqualTo("Killing");
        assertThat(EventRecorder.reason(new LogMessage.WaitingToStop("web"))).isEqualTo("Stopping");
        assertThat(EventRecorder.reason(new LogMessage.AlreadyRunning("web"))).isEqualTo("Supervisor");
    }

    @Test
    void theOperatorsOwnLinesByTheirFirstWords() {
        assertThat(EventRecorder.reason("updated: web (command changed)")).isEqualTo("Updated");
        assertThat(EventRecorder.reason("removed: web (no longer in the spec)")).isEqualTo("Removed");
        assertThat(EventRecorder.reason("invalid spec: numprocs must be 1 or more")).isEqualTo("InvalidSpec");
        assertThat(EventRecorder.reason("restart churn: web restarted 10 times")).isEqualTo("RestartChurn");
        assertThat(EventRecorder.reason("something else")).isEqualTo("Supervisor");
    }
}
