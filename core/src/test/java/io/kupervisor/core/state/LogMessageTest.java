package io.kupervisor.core.state;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Every line's words, as supervisord 4.2.5 writes them, and as a driver that names pids its own way. */
class LogMessageTest {
    private static final LogMessage.Pids PODS = new LogMessage.Pids("pod", pid -> "web-" + pid + "x");

    @Test
    void supervisordsWords() {
        assertThat(new LogMessage.Spawned("web", 42).text()).isEqualTo("spawned: 'web' with pid 42");
        assertThat(new LogMessage.SpawnError("web", "can't find command 'x'").text())
                .isEqualTo("spawnerr: can't find command 'x'");
        assertThat(new LogMessage.Success("web", 1).text())
                .isEqualTo("success: web entered RUNNING state, process has stayed up for > than 1 seconds (startsecs)");
        assertThat(new LogMessage.Exited("web", new ExitStatus.Exited(3), false).text())
                .isEqualTo("exited: web (exit status 3; not expected)");
        assertThat(new LogMessage.Exited("web", new ExitStatus.Exited(0), true).text())
                .isEqualTo("exited: web (exit status 0; expected)");
        assertThat(new LogMessage.Stopped("web", new ExitStatus.Signaled(15)).text())
                .isEqualTo("stopped: web (terminated by SIGTERM)");
        assertThat(new LogMessage.GaveUp("web").text())
                .isEqualTo("gave up: web entered FATAL state, too many start retries too quickly");
        assertThat(new LogMessage.WaitingToStop("web").text()).isEqualTo("waiting for web to stop");
        assertThat(new LogMessage.AlreadyRunning("web").text()).isEqualTo("process 'web' already running");
        assertThat(new LogMessage.StopInBackoff("web").text())
                .isEqualTo("Attempted to kill web, which is in BACKOFF state.");
        assertThat(new LogMessage.SignalNotRunning("web", 1).text())
                .isEqualTo("attempted to send web sig SIGHUP but it wasn't running");
        assertThat(new LogMessage.SendingSignal("web", 42, 1).text()).isEqualTo("sending web (pid 42) sig SIGHUP");
        assertThat(new LogMessage.Killing("web", 42, 15, false).text())
                .isEqualTo("killing web (pid 42) with signal SIGTERM");
        assertThat(new LogMessage.Killing("web", 42, 9, true).text())
                .isEqualTo("killing web (pid 42) process group with signal SIGKILL");
        assertThat(new LogMessage.KillingWithSigkill("web", 42).text()).isEqualTo("killing 'web' (42) with SIGKILL");
        assertThat(new LogMessage.SignalFailed("web", 42, true, "EPERM").text())
                .isEqualTo("unknown problem killing web (42):EPERM");
        assertThat(new LogMessage.SignalFailed("web", 42, false, "EPERM").text())
                .isEqualTo("unknown problem sending sig web (42):EPERM");
    }

    @Test
    void pidsNamedTheDriversWay() {
        assertThat(new LogMessage.Spawned("web", 3).text(PODS)).isEqualTo("spawned: 'web' with pod web-3x");
        assertThat(new LogMessage.SendingSignal("web", 3, 1).text(PODS)).isEqualTo("sending web (pod web-3x) sig SIGHUP");
        assertThat(new LogMessage.Killing("web", 3, 3, false).text(PODS))
                .isEqualTo("killing web (pod web-3x) with signal SIGQUIT");
        assertThat(new LogMessage.KillingWithSigkill("web", 3).text(PODS)).isEqualTo("killing 'web' (web-3x) with SIGKILL");
        assertThat(new LogMessage.SignalFailed("web", 3, true, "Forbidden").text(PODS))
                .isEqualTo("unknown problem killing web (web-3x):Forbidden");
        // lines without a pid read the same
        assertThat(new LogMessage.GaveUp("web").text(PODS)).isEqualTo(new LogMessage.GaveUp("web").text());
    }

    @Test
    void aProcessNameThatLooksLikeAPidIsNotRewritten() {
        // the operator used to rewrite the rendered text: a process named "3" lost its name
        assertThat(new LogMessage.KillingWithSigkill("3", 3).text(PODS)).isEqualTo("killing '3' (web-3x) with SIGKILL");
    }
}
