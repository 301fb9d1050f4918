package io.kupervisor.operator.status;

import io.kupervisor.api.v1alpha1.ProcessStatus;
import io.kupervisor.api.v1alpha1.SupervisedProgramStatus;
import io.kupervisor.core.state.ExitStatus;
import io.kupervisor.core.state.ProcessSnapshot;
import io.kupervisor.core.state.ProcessState;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** supervisorctl's words in the status, without a server. */
class StatusSummaryTest {
    private static final Instant NOW = Instant.parse("2026-11-24T21:06:00Z");
    private static final ZoneId UTC = ZoneId.of("UTC");

    private static ProcessSnapshot snapshot(ProcessState state, long pid, Instant started, Instant stopped, String err) {
        return new ProcessSnapshot(state, pid, started, stopped, 0, null, null, err, false, false, false, null);
    }

    @Test
    void runningShowsThePodAndNoClock() {
        // the uptime would change every second: it is the start time, shown as an age by the UPTIME column
        ProcessSnapshot s = snapshot(ProcessState.RUNNING, 3, NOW.minusSeconds(52), null, null);
        assertThat(StatusSummary.describe("timeit", s, "timeit-7x2kq", null, NOW, UTC)).isEqualTo("pod timeit-7x2kq");
        assertThat(StatusSummary.describe("timeit", s, "timeit-7x2kq", null, NOW.plusSeconds(3600), UTC))
                .isEqualTo("pod timeit-7x2kq");
    }

    @Test
    void whatTheClusterSaysFollowsSupervisorctlsWords() {
        ProcessSnapshot starting = new ProcessSnapshot(ProcessState.STARTING, 0, NOW, null, 0, null, null, null, false,
                true, false, null);
        assertThat(StatusSummary.describe("x", starting, "x-1", "Unschedulable: 0/3 nodes are available", NOW, UTC))
                .isEqualTo("Unschedulable: 0/3 nodes are available");
        ProcessSnapshot exited = snapshot(ProcessState.EXITED, 0, NOW.minusSeconds(60), Instant.parse("2026-11-24T21:05:00Z"), null);
        assertThat(StatusSummary.describe("x", exited, null, "OOMKilled: the container went over its memory limit", NOW, UTC))
                .isEqualTo("Nov 24 09:05 PM; OOMKilled: the container went over its memory limit");
    }

    @Test
    void otherStatesReadAsSupervisorctlReadsThem() {
        assertThat(StatusSummary.describe("x", snapshot(ProcessState.FATAL, 0, NOW, NOW,
                "Exited too quickly (process log may have details)"), null, null, NOW, UTC))
                .isEqualTo("Exited too quickly (process log may have details)");
        assertThat(StatusSummary.describe("x", snapshot(ProcessState.EXITED, 0, NOW.minusSeconds(60),
                Instant.parse("2026-11-24T21:05:00Z"), null), null, null, NOW, UTC)).isEqualTo("Nov 24 09:05 PM");
        assertThat(StatusSummary.describe("x", ProcessSnapshot.initial(), null, null, NOW, UTC)).isEqualTo("Not started");
        assertThat(StatusSummary.describe("x", snapshot(ProcessState.BACKOFF, 0, NOW, NOW, null), null, null, NOW, UTC))
                .isEqualTo("unknown error (try \"tail x\")");
    }

    private static ProcessStatus process(String name, String state, String description, String err) {
        ProcessStatus p = new ProcessStatus();
        p.name = name;
        p.state = state;
        p.description = description;
        p.spawnError = err;
        return p;
    }

    @Test
    void severalProcessesSummarizeToTheMostPressingOne() {
        SupervisedProgramStatus s = new SupervisedProgramStatus();
        s.processes.add(process("w_00", "RUNNING", "pod w-00-a", null));
        s.processes.add(process("w_01", "FATAL", "Exited too quickly (process log may have details)",
                "Exited too quickly (process log may have details)"));
        s.processes.add(process("w_02", "RUNNING", "pod w-02-c", null));
        StatusSummary.summarize(s, List.of(), NOW, 4, false);
        assertThat(s.state).isEqualTo("FATAL");
        assertThat(s.ready).isEqualTo("2/3");
        assertThat(s.description).isEqualTo("2/3 RUNNING; w_01 FATAL Exited too quickly (process log may have details)");
        // kstatus: Stalled (a person must act), with a CamelCase reason and the generation it saw
        assertThat(s.conditions).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("Stalled");
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getReason()).isEqualTo("GaveUp");
            assertThat(c.getObservedGeneration()).isEqualTo(4L);
            assertThat(c.getMessage()).isEqualTo("FATAL (too many start retries): w_01: Exited too quickly (process log may have details)");
        });
        assertThat(s.conditions).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("Ready");
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("Fatal");
        });
        assertThat(s.conditions).anyMatch(c -> c.getType().equals("Reconciling") && c.getStatus().equals("False"));
        assertThat(s.conditions).extracting(c -> c.getReason()).allMatch(r -> r.matches("[A-Z][A-Za-z]*"));
        assertThat(s.readySince).isNull();
    }

    @Test
    void readyWhenEveryProcessRunsSinceTheYoungestStarted() {
        SupervisedProgramStatus s = new SupervisedProgramStatus();
        ProcessStatus a = process("w_00", "RUNNING", "pod w-00-a", null);
        a.startTime = NOW.minusSeconds(300).toString();
        ProcessStatus b = process("w_01", "RUNNING", "pod w-01-b", null);
        b.startTime = NOW.minusSeconds(30).plusNanos(5).toString();
        s.processes.addAll(List.of(a, b));
        StatusSummary.summarize(s, List.of(), NOW, 1, false);
        assertThat(s.readySince).isEqualTo(NOW.minusSeconds(30).toString());
        assertThat(s.conditions).anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True")
                && c.getReason().equals("AllRunning"));
        // one starting: Reconciling, not Ready
        SupervisedProgramStatus t = new SupervisedProgramStatus();
        t.processes.addAll(List.of(a, process("w_01", "STARTING", "", null)));
        StatusSummary.summarize(t, List.of(), NOW, 1, false);
        assertThat(t.conditions).anyMatch(c -> c.getType().equals("Reconciling") && c.getStatus().equals("True")
                && c.getReason().equals("Starting"));
        assertThat(t.conditions).anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("False"));
    }

    @Test
    void conditionsKeepTheirTransitionTimeWhileUnchanged() {
        SupervisedProgramStatus s = new SupervisedProgramStatus();
        s.processes.add(process("a", "RUNNING", "pod a-1", null));
        StatusSummary.summarize(s, List.of(), NOW.minusSeconds(100), 1, false);
        SupervisedProgramStatus later = new SupervisedProgramStatus();
        later.processes.add(process("a", "RUNNING", "pod a-1", null));
        StatusSummary.summarize(later, s.conditions, NOW, 1, false);
        assertThat(later.conditions.getFirst().getLastTransitionTime()).isEqualTo(NOW.minusSeconds(100).toString());
    }

    @Test
    void theSnapshotSurvivesTheStatusRoundTrip() {
        ProcessSnapshot s = new ProcessSnapshot(ProcessState.STOPPING, 4, NOW.minusNanos(123_456_789), NOW.minusSeconds(9),
                2, NOW.plusNanos(1), new ExitStatus.Signaled(15), "Bad exit code 3", true, false, false, NOW);
        ProcessStatus ps = new ProcessStatus();
        SnapshotCodec.write(s, ps);
        assertThat(SnapshotCodec.read(ps)).isEqualTo(s);
        assertThat(ps.exitStatus).isEqualTo(-1);
        assertThat(ps.exitDescription).isEqualTo("terminated by SIGTERM");
        ProcessSnapshot exited = new ProcessSnapshot(ProcessState.EXITED, 0, NOW, NOW, 0, null,
                new ExitStatus.Exited(3), null, false, false, false, null);
        ProcessStatus ps2 = new ProcessStatus();
        SnapshotCodec.write(exited, ps2);
        assertThat(SnapshotCodec.read(ps2)).isEqualTo(exited);
    }

    /**
     * An UNKNOWN process written by this operator keeps the machine's state in machineState; a CRD
     * older than the operator (helm does not upgrade crds/) drops that field. Seen on the real
     * cluster: the operator restarted after a lost node read UNKNOWN, a state nothing leaves, and
     * never replaced the processes whose pods were gone.
     */
    @Test
    void anUnknownProcessResumesAsTheMachineLeftItOrAsRunningWhenAnOldSchemaDroppedThatState() {
        ProcessSnapshot starting = new ProcessSnapshot(ProcessState.STARTING, 2, NOW, null, 0, null, null, null,
                false, false, false, null);
        ProcessStatus ps = new ProcessStatus();
        SnapshotCodec.write(starting, ps);
        SnapshotCodec.reportUnknown(ps);
        assertThat(ps.state).isEqualTo("UNKNOWN");
        assertThat(SnapshotCodec.read(ps)).isEqualTo(starting);

        ps.machineState = null;
        assertThat(SnapshotCodec.read(ps).state()).isEqualTo(ProcessState.RUNNING);
        assertThat(SnapshotCodec.read(ps).pid()).isEqualTo(2);
        ps.killing = true;
        assertThat(SnapshotCodec.read(ps).state()).isEqualTo(ProcessState.STOPPING);
    }
}
