package io.kupervisor.core.state;

import io.kupervisor.core.config.AutoRestart;

import static io.kupervisor.core.state.FakeDriver.Proc;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.kupervisor.core.status.ProcessDescription;

/**
 * Replays timelines measured on supervisord 4.2.5 (its main log, line by line, with the times of
 * a real run) with a fake clock. Times are seconds after
 * the first spawn; where supervisord needed up to one tick (1 s) more, the event-driven machine acts
 * exactly when the rule allows.
 */
class MeasuredTimelinesTest {

    private static Duration ms(long ms) {
        return Duration.ofMillis(ms);
    }

    private static String description(FakeDriver d, String name) {
        return ProcessDescription.describe(name, d.machine.snapshot(), d.now, ZoneOffset.UTC);
    }

    @Test
    void exit1_retriesAfter1Then2Then3SecondsThenGivesUp() {
        FakeDriver d = new FakeDriver(LifecycleRules.defaults("exit1"), attempt -> Proc.exits(1, ms(8)));
        d.send(new ProcessEvent.AutostartDue());
        d.runUntil(60);

        assertThat(d.infoLog()).containsExactly(
                "0.000 INFO spawned: 'exit1' with pid 100",
                "0.008 WARN exited: exit1 (exit status 1; not expected)",
                "1.008 INFO spawned: 'exit1' with pid 101",
                "1.016 WARN exited: exit1 (exit status 1; not expected)",
                "3.016 INFO spawned: 'exit1' with pid 102",
                "3.024 WARN exited: exit1 (exit status 1; not expected)",
                "6.024 INFO spawned: 'exit1' with pid 103",
                "6.032 WARN exited: exit1 (exit status 1; not expected)",
                "6.032 INFO gave up: exit1 entered FATAL state, too many start retries too quickly");
        assertThat(d.state()).isEqualTo(ProcessState.FATAL);
        assertThat(d.attempts).isEqualTo(4);
        assertThat(description(d, "exit1")).isEqualTo("Exited too quickly (process log may have details)");
        assertThat(d.machine.snapshot().exitStatusCode()).isZero();
    }

    @Test
    void exit1_instantExits_attemptsAt0_1_3_6Seconds() {
        FakeDriver d = new FakeDriver(LifecycleRules.defaults("exit1"), attempt -> Proc.exits(1, Duration.ZERO));
        d.send(new ProcessEvent.AutostartDue());
        d.runUntil(60);

        // each retry is due strictly after the backoff delay: one nanosecond after it
        assertThat(d.spawnTimes).containsExactly(
                Duration.ZERO, Duration.ofSeconds(1).plusNanos(1), Duration.ofSeconds(3).plusNanos(2),
                Duration.ofSeconds(6).plusNanos(3));
        assertThat(d.changes).extracting(Action.StateChanged::to).containsExactly(
                ProcessState.STARTING, ProcessState.BACKOFF, ProcessState.STARTING, ProcessState.BACKOFF,
                ProcessState.STARTING, ProcessState.BACKOFF, ProcessState.STARTING, ProcessState.BACKOFF,
                ProcessState.FATAL);
        assertThat(d.changes).filteredOn(c -> c.to() == ProcessState.BACKOFF)
                .extracting(Action.StateChanged::tries).containsExactly(1, 2, 3, 4);
    }

    @Test
    void startretries0_oneAttemptThenFatalAtOnce() {
        FakeDriver d = new FakeDriver(LifecycleRules.defaults("exit1").withStartretries(0),
                attempt -> Proc.exits(1, ms(5)));
        d.send(new ProcessEvent.AutostartDue());
        d.runUntil(60);

        assertThat(d.infoLog()).containsExactly(
                "0.000 INFO spawned: 'exit1' with pid 100",
                "0.005 WARN exited: exit1 (exit status 1; not expected)",
                "0.005 INFO gave up: exit1 entered FATAL state, too many start retries too quickly");
        assertThat(d.attempts).isEqualTo(1);
        assertThat(d.state()).isEqualTo(ProcessState.FATAL);
    }

    @Test
    void exit0after2_autorestartUnexpected_staysExited() {
        FakeDriver d = new FakeDriver(LifecycleRules.defaults("exit0after2"),
                attempt -> Proc.exits(0, Duration.ofSeconds(2)));
        d.send(new ProcessEvent.AutostartDue());
        d.runUntil(60);

        assertThat(d.infoLog()).containsExactly(
                "0.000 INFO spawned: 'exit0after2' with pid 100",
                "1.000 INFO success: exit0after2 entered RUNNING state, process has stayed up for > than 1 seconds (startsecs)",
                "2.000 INFO exited: exit0after2 (exit status 0; expected)");
        assertThat(d.state()).isEqualTo(ProcessState.EXITED);
        assertThat(d.timerAt).isNull();
        // EXITED shows the stop time, 2 s after T0 (21:04:52Z)
        assertThat(description(d, "exit0after2")).isEqualTo("Nov 24 09:04 PM");
        assertThat(d.machine.snapshot().exitStatusCode()).isZero();
    }

    @Test
    void exit0after2_autorestartTrue_respawnsAtOnceForever() {
        FakeDriver d = new FakeDriver(LifecycleRules.defaults("exit0after2").withAutorestart(AutoRestart.TRUE),
                attempt -> Proc.exits(0, Duration.ofSeconds(2)));
        d.send(new ProcessEvent.AutostartDue());
        d.runUntil(6.5);

        assertThat(d.infoLog()).containsExactly(
                "0.000 INFO spawned: 'exit0after2' with pid 100",
                "1.000 INFO success: exit0after2 entered RUNNING state, process has stayed up for > than 1 seconds (startsecs)",
                "2.000 INFO exited: exit0after2 (exit status 0; expected)",
                "2.000 INFO spawned: 'exit0after2' with pid 101",
                "3.000 INFO success: exit0after2 entered RUNNING state, process has stayed up for > than 1 seconds (startsecs)",
                "4.000 INFO exited: exit0after2 (exit status 0; expected)",
                "4.000 INFO spawned: 'exit0after2' with pid 102",
                "5.000 INFO success: exit0after2 entered RUNNING state, process has stayed up for > than 1 seconds (startsecs)",
                "6.000 INFO exited: exit0after2 (exit status 0; expected)",
                "6.000 INFO spawned: 'exit0after2' with pid 103");
        // no back-off: the counter resets on RUNNING
        assertThat(d.changes).noneMatch(c -> c.to() == ProcessState.BACKOFF);
    }

    @Test
    void exit3after2_unexpectedExitRespawnsAtOnce() {
        FakeDriver d = new FakeDriver(LifecycleRules.defaults("exit3after2"),
                attempt -> Proc.exits(3, Duration.ofSeconds(2)));
        d.send(new ProcessEvent.AutostartDue());
        d.runUntil(4.5);

        assertThat(d.infoLog()).containsExactly(
                "0.000 INFO spawned: 'exit3after2' with pid 100",
                "1.000 INFO success: exit3after2 entered RUNNING state, process has stayed up for > than 1 seconds (startsecs)",
                "2.000 WARN exited: exit3after2 (exit status 3; not expected)",
                "2.000 INFO spawned: 'exit3after2' with pid 101",
                "3.000 INFO success: exit3after2 entered RUNNING state, process has stayed up for > than 1 seconds (startsecs)",
                "4.000 WARN exited: exit3after2 (exit status 3; not expected)",
                "4.000 INFO spawned: 'exit3after2' with pid 102");
        assertThat(d.changes).filteredOn(c -> c.to() == ProcessState.EXITED)
                .allMatch(c -> !c.expected() && c.from() == ProcessState.RUNNING);
    }

    @Test
    void slowstart_exitWithinStartsecsIsAFailedStartEvenWithCode0() {
        FakeDriver d = new FakeDriver(LifecycleRules.defaults("slowstart").withStartsecs(5),
                attempt -> Proc.exits(0, Duration.ofSeconds(2)));
        d.send(new ProcessEvent.AutostartDue());
        d.runUntil(60);

        assertThat(d.infoLog()).containsExactly(
                "0.000 INFO spawned: 'slowstart' with pid 100",
                "2.000 WARN exited: slowstart (exit status 0; not expected)",
                "3.000 INFO spawned: 'slowstart' with pid 101",
                "5.000 WARN exited: slowstart (exit status 0; not expected)",
                "7.000 INFO spawned: 'slowstart' with pid 102",
                "9.000 WARN exited: slowstart (exit status 0; not expected)",
                "12.000 INFO spawned: 'slowstart' with pid 103",
                "14.000 WARN exited: slowstart (exit status 0; not expected)",
                "14.000 INFO gave up: slowstart entered FATAL state, too many start retries too quickly");
        assertThat(d.state()).isEqualTo(ProcessState.FATAL);
    }

    @Test
    void kill9OfRunningProgram_autorestartUnexpected_respawnsAtOnce() {
        FakeDriver d = new FakeDriver(LifecycleRules.defaults("lr"), attempt -> Proc.forever());
        d.send(new ProcessEvent.AutostartDue());
        d.runUntil(5);
        d.externalKill(Signals.SIGKILL);

        assertThat(d.infoLog()).containsExactly(
                "0.000 INFO spawned: 'lr' with pid 100",
                "1.000 INFO success: lr entered RUNNING state, process has stayed up for > than 1 seconds (startsecs)",
                "5.000 WARN exited: lr (terminated by SIGKILL; not expected)",
                "5.000 INFO spawned: 'lr' with pid 101");
        assertThat(d.state()).isEqualTo(ProcessState.STARTING);
    }

    @Test
    void kill9OfRunningProgram_autorestartFalse_staysExitedWithStatusMinus1() {
        FakeDriver d = new FakeDriver(LifecycleRules.defaults("lr").withAutorestart(AutoRestart.FALSE),
                attempt -> Proc.forever());
        d.send(new ProcessEvent.AutostartDue());
        d.runUntil(5);
        d.externalKill(Signals.SIGKILL);
        d.runUntil(60);

        assertThat(d.infoLog()).containsExactly(
                "0.000 INFO spawned: 'lr' with pid 100",
                "1.000 INFO success: lr entered RUNNING state, process has stayed up for > than 1 seconds (startsecs)",
                "5.000 WARN exited: lr (terminated by SIGKILL; not expected)");
        assertThat(d.state()).isEqualTo(ProcessState.EXITED);
        assertThat(d.machine.snapshot().exitStatusCode()).isEqualTo(-1);
        assertThat(d.machine.snapshot().pid()).isZero();
        assertThat(description(d, "lr")).isEqualTo("Nov 24 09:04 PM");
    }

    @Test
    void stopOfProgramIgnoringTerm_sigkillAfterStopwaitsecs() {
        FakeDriver d = new FakeDriver(LifecycleRules.defaults("ignoreterm").withStopwaitsecs(3),
                attempt -> Proc.forever().ignoring(Signals.SIGTERM));
        d.send(new ProcessEvent.AutostartDue());
        d.runUntil(18.235);
        int before = d.log.size();
        Transition stop = d.send(new ProcessEvent.StopRequested());
        d.runUntil(60);

        assertThat(stop.outcome()).isEqualTo(Outcome.ACCEPTED);
        assertThat(d.log.subList(before, d.log.size())).containsExactly(
                "18.235 DEBG killing ignoreterm (pid 100) with signal SIGTERM",
                "18.235 INFO waiting for ignoreterm to stop",
                "20.235 INFO waiting for ignoreterm to stop",
                "21.235 WARN killing 'ignoreterm' (100) with SIGKILL",
                "21.235 DEBG killing ignoreterm (pid 100) with signal SIGKILL",
                "21.235 WARN stopped: ignoreterm (terminated by SIGKILL)");
        assertThat(d.signals).containsExactly(
                new FakeDriver.Signal(Duration.ofMillis(18_235), Signals.SIGTERM, false),
                new FakeDriver.Signal(Duration.ofMillis(21_235), Signals.SIGKILL, false));
        assertThat(d.state()).isEqualTo(ProcessState.STOPPED);
        assertThat(d.attempts).isEqualTo(1);
    }

    @Test
    void stopOfProgramDyingOnTerm_stoppedLoggedAtWarn() {
        FakeDriver d = new FakeDriver(LifecycleRules.defaults("web"),
                attempt -> Proc.forever().dyingAfter(ms(30)));
        d.send(new ProcessEvent.AutostartDue());
        d.runUntil(10);
        d.send(new ProcessEvent.StopRequested());
        d.runUntil(60);

        assertThat(d.infoLog()).endsWith(
                "10.000 INFO waiting for web to stop",
                "10.030 WARN stopped: web (terminated by SIGTERM)");
        assertThat(d.state()).isEqualTo(ProcessState.STOPPED);
        assertThat(d.attempts).isEqualTo(1);
    }

    @Test
    void stopOfProgramExiting0OnTerm_stoppedLoggedAtInfo() {
        FakeDriver d = new FakeDriver(LifecycleRules.defaults("web").withExitcodes(Set.of(0)),
                attempt -> Proc.forever().onSignal(Signals.SIGTERM, new ExitStatus.Exited(0)).dyingAfter(ms(30)));
        d.send(new ProcessEvent.AutostartDue());
        d.runUntil(10);
        d.send(new ProcessEvent.StopRequested());
        d.runUntil(60);

        assertThat(d.infoLog()).endsWith("10.030 INFO stopped: web (exit status 0)");
        assertThat(d.machine.snapshot().exitStatusCode()).isZero();
    }

    @Test
    void stopOfProgramWithGroupSignalling_signalsTheGroup() {
        FakeDriver d = new FakeDriver(LifecycleRules.defaults("sh").withStopwaitsecs(3).withGroupSignalling(true, true),
                attempt -> Proc.forever().ignoring(Signals.SIGTERM));
        d.send(new ProcessEvent.AutostartDue());
        d.runUntil(2);
        d.send(new ProcessEvent.StopRequested());
        d.runUntil(60);

        assertThat(d.signals).extracting(FakeDriver.Signal::toGroup).containsExactly(true, true);
        assertThat(d.log).contains(
                "2.000 DEBG killing sh (pid 100) process group with signal SIGTERM",
                "5.000 DEBG killing sh (pid 100) process group with signal SIGKILL");
    }

    @Test
    void killasgroupOnly_termToProcessKillToGroup() {
        FakeDriver d = new FakeDriver(LifecycleRules.defaults("sh").withStopwaitsecs(3).withGroupSignalling(false, true),
                attempt -> Proc.forever().ignoring(Signals.SIGTERM));
        d.send(new ProcessEvent.AutostartDue());
        d.runUntil(2);
        d.send(new ProcessEvent.StopRequested());
        d.runUntil(60);

        assertThat(d.signals).containsExactly(
                new FakeDriver.Signal(Duration.ofSeconds(2), Signals.SIGTERM, false),
                new FakeDriver.Signal(Duration.ofSeconds(5), Signals.SIGKILL, true));
    }

    @Test
    void unkillableProcess_sigkillRepeatedEveryStopwaitsecs() {
        FakeDriver d = new FakeDriver(LifecycleRules.defaults("stuck").withStopwaitsecs(3),
                attempt -> Proc.forever().unkillable());
        d.send(new ProcessEvent.AutostartDue());
        d.runUntil(2);
        d.send(new ProcessEvent.StopRequested());
        d.runUntil(11.5);

        assertThat(d.signals).containsExactly(
                new FakeDriver.Signal(Duration.ofSeconds(2), Signals.SIGTERM, false),
                new FakeDriver.Signal(Duration.ofSeconds(5), Signals.SIGKILL, false),
                new FakeDriver.Signal(Duration.ofSeconds(8), Signals.SIGKILL, false),
                new FakeDriver.Signal(Duration.ofSeconds(11), Signals.SIGKILL, false));
        assertThat(d.state()).isEqualTo(ProcessState.STOPPING);
    }
}
