package io.kupervisor.operator.status;

import io.kupervisor.api.v1alpha1.ProcessStatus;
import io.kupervisor.core.state.ExitStatus;
import io.kupervisor.core.state.ProcessSnapshot;
import io.kupervisor.core.state.ProcessState;

import java.time.Instant;

/**
 * Writes a state machine snapshot into a {@link ProcessStatus} and reads it back, so that an operator
 * that restarts (or a new leader) resumes every process where it was. Instants keep their
 * nanoseconds: supervisord's strict rules are one nanosecond after their deadlines.
 */
public final class SnapshotCodec {
    private SnapshotCodec() {
    }

    public static void write(ProcessSnapshot s, ProcessStatus out) {
        out.state = s.state().name();
        out.pid = s.pid();
        out.startTime = text(s.startedAt());
        out.stopTime = text(s.stoppedAt());
        out.backoff = s.backoff();
        out.delay = text(s.delay());
        out.spawnError = s.spawnerr();
        out.killing = s.killing() ? Boolean.TRUE : null;
        out.spawnPending = s.spawnPending() ? Boolean.TRUE : null;
        out.lastStopReport = text(s.lastStopReport());
        ExitStatus e = s.exitStatus();
        out.exitStatus = e == null ? null : e.code();
        out.exitSignal = e instanceof ExitStatus.Signaled sig ? sig.signal() : null;
        out.exitDescription = e == null ? null : e.describe();
    }

    /**
     * Shows the process as UNKNOWN (its pod's node does not confirm it stopped) while keeping the
     * state machine's own state in {@code machineState}, which {@link #read} restores.
     */
    public static void reportUnknown(ProcessStatus out) {
        out.machineState = out.state;
        out.state = ProcessState.UNKNOWN.name();
    }

    public static ProcessSnapshot read(ProcessStatus in) {
        String name = in.machineState != null ? in.machineState : in.state;
        ProcessState state = name == null ? ProcessState.STOPPED : ProcessState.valueOf(name);
        if (state == ProcessState.UNKNOWN) {
            // UNKNOWN without machineState: a CRD older than the operator dropped the field (helm
            // does not upgrade crds/). The process had a pod: resume it as running (stopping if a
            // stop was under way), so that the pod's end is seen as its exit and it is replaced
            state = Boolean.TRUE.equals(in.killing) ? ProcessState.STOPPING : ProcessState.RUNNING;
        }
        ExitStatus exit = null;
        if (in.exitSignal != null) {
            exit = new ExitStatus.Signaled(in.exitSignal);
        } else if (in.exitStatus != null && in.exitStatus >= 0) {
            exit = new ExitStatus.Exited(in.exitStatus);
        }
        return new ProcessSnapshot(state, in.pid == null ? 0 : in.pid, instant(in.startTime), instant(in.stopTime),
                in.backoff == null ? 0 : in.backoff, instant(in.delay), exit, in.spawnError,
                Boolean.TRUE.equals(in.killing), Boolean.TRUE.equals(in.spawnPending), false,
                instant(in.lastStopReport));
    }

    private static String text(Instant i) {
        return i == null ? null : i.toString();
    }

    private static Instant instant(String s) {
        return s == null ? null : Instant.parse(s);
    }
}
