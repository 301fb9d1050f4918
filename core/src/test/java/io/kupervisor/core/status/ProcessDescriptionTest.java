package io.kupervisor.core.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import io.kupervisor.core.state.ExitStatus;
import io.kupervisor.core.state.LifecycleRules;
import io.kupervisor.core.state.ProcessEvent;
import io.kupervisor.core.state.ProcessState;
import io.kupervisor.core.state.ProcessStateMachine;

class ProcessDescriptionTest {
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    /** 2026-11-24 21:05:00 UTC. */
    private static final long STOP = Instant.parse("2026-11-24T21:05:00Z").getEpochSecond();

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0|0:00:00", "23|0:00:23", "59|0:00:59", "60|0:01:00", "3599|0:59:59", "3600|1:00:00",
        "43384|12:03:04", "86399|23:59:59", "86400|1 day, 0:00:00", "93784|1 day, 2:03:04",
        "172800|2 days, 0:00:00", "259201|3 days, 0:00:01", "-5|0:00:00"})
    void uptimeLikePythonTimedelta(long seconds, String expected) {
        assertThat(ProcessDescription.uptime(seconds)).isEqualTo(expected);
    }

    @Test
    void running() {
        assertThat(ProcessDescription.describe(ProcessState.RUNNING, "ignoreterm", 7358, 1000, 0, 1023, "",
                ZoneOffset.UTC)).isEqualTo("pid 7358, uptime 0:00:23");
        assertThat(ProcessDescription.describe(ProcessState.RUNNING, "w", 11, 1000, 0, 1000 + 93784, "",
                ZoneOffset.UTC)).isEqualTo("pid 11, uptime 1 day, 2:03:04");
    }

    @Test
    void runningWithAClockSetBackShowsZeroUptime() {
        assertThat(ProcessDescription.describe(ProcessState.RUNNING, "x", 5, 2000, 0, 1000, "", ZoneOffset.UTC))
                .isEqualTo("pid 5, uptime 0:00:00");
    }

    @ParameterizedTest
    @EnumSource(value = ProcessState.class, names = {"STOPPED", "EXITED"})
    void stoppedShowsTheStopTimeInLocalTime(ProcessState state) {
        assertThat(ProcessDescription.describe(state, "x", 0, STOP - 60, STOP, STOP + 5, "", ZoneOffset.UTC))
                .isEqualTo("Nov 24 09:05 PM");
        assertThat(ProcessDescription.describe(state, "x", 0, STOP - 60, STOP, STOP + 5, "", NEW_YORK))
                .isEqualTo("Nov 24 04:05 PM");
        assertThat(ProcessDescription.describe(state, "x", 0, STOP - 60, STOP, STOP + 5, "", ZoneId.of("Asia/Tokyo")))
                .isEqualTo("Nov 25 06:05 AM");
    }

    @Test
    void stopTimeFormatPadsDayAndHour() {
        assertThat(ProcessDescription.stopTime(Instant.parse("2026-03-05T00:07:00Z").getEpochSecond(), ZoneOffset.UTC))
                .isEqualTo("Mar 05 12:07 AM");
        assertThat(ProcessDescription.stopTime(Instant.parse("2026-07-09T12:30:59Z").getEpochSecond(), ZoneOffset.UTC))
                .isEqualTo("Jul 09 12:30 PM");
    }

    @ParameterizedTest
    @EnumSource(value = ProcessState.class, names = {"STOPPED", "EXITED"})
    void notStartedWhenNeverStarted(ProcessState state) {
        assertThat(ProcessDescription.describe(state, "x", 0, 0, 0, STOP, "", ZoneOffset.UTC))
                .isEqualTo("Not started");
    }

    @Test
    void startedButNeverExitedShowsTheEpochLikeSupervisord() {
        assertThat(ProcessDescription.describe(ProcessState.STOPPED, "x", 0, STOP, 0, STOP, "", ZoneOffset.UTC))
                .isEqualTo("Jan 01 12:00 AM");
    }

    @ParameterizedTest
    @EnumSource(value = ProcessState.class, names = {"BACKOFF", "FATAL"})
    void backoffAndFatalShowTheSpawnError(ProcessState state) {
        assertThat(ProcessDescription.describe(state, "x", 0, STOP, STOP, STOP,
                "Exited too quickly (process log may have details)", ZoneOffset.UTC))
                .isEqualTo("Exited too quickly (process log may have details)");
        assertThat(ProcessDescription.describe(state, "x", 0, STOP, STOP, STOP, "can't find command '/x'",
                ZoneOffset.UTC)).isEqualTo("can't find command '/x'");
        assertThat(ProcessDescription.describe(state, "exit1", 0, STOP, STOP, STOP, "", ZoneOffset.UTC))
                .isEqualTo("unknown error (try \"tail exit1\")");
        assertThat(ProcessDescription.describe(state, "exit1", 0, STOP, STOP, STOP, null, ZoneOffset.UTC))
                .isEqualTo("unknown error (try \"tail exit1\")");
    }

    @ParameterizedTest
    @EnumSource(value = ProcessState.class, names = {"STARTING", "STOPPING", "UNKNOWN"})
    void otherStatesAreEmpty(ProcessState state) {
        assertThat(ProcessDescription.describe(state, "x", 42, STOP, STOP, STOP, "boom", ZoneOffset.UTC)).isEmpty();
    }

    @Test
    void fromAMachineSnapshot() {
        Instant t0 = Instant.parse("2026-11-24T21:04:52Z");
        ProcessStateMachine m = new ProcessStateMachine(LifecycleRules.defaults("web"));
        assertThat(ProcessDescription.describe("web", m.snapshot(), t0, ZoneOffset.UTC)).isEqualTo("Not started");

        m.handle(new ProcessEvent.AutostartDue(), t0);
        m.handle(new ProcessEvent.Spawned(7358), t0.plusMillis(300));
        m.handle(new ProcessEvent.TimerDue(), t0.plusMillis(1400));
        assertThat(ProcessDescription.describe("web", m.snapshot(), t0.plusSeconds(23).plusMillis(500), ZoneOffset.UTC))
                .isEqualTo("pid 7358, uptime 0:00:23");

        m.handle(new ProcessEvent.StopRequested(), t0.plusSeconds(60));
        m.handle(new ProcessEvent.Exited(7358, new ExitStatus.Signaled(15)), t0.plusSeconds(68));
        assertThat(ProcessDescription.describe("web", m.snapshot(), t0.plusSeconds(100), ZoneOffset.UTC))
                .isEqualTo("Nov 24 09:06 PM");
    }

    @Test
    void fromASpawnFailureSnapshot() {
        Instant t0 = Instant.parse("2026-11-24T21:04:52Z");
        ProcessStateMachine m = new ProcessStateMachine(LifecycleRules.defaults("nope").withStartretries(0));
        m.handle(new ProcessEvent.StartRequested(), t0);
        m.handle(new ProcessEvent.SpawnFailed("can't find command '/nope'"), t0);
        assertThat(m.state()).isEqualTo(ProcessState.FATAL);
        assertThat(ProcessDescription.describe("nope", m.snapshot(), t0, ZoneOffset.UTC))
                .isEqualTo("can't find command '/nope'");
    }
}
