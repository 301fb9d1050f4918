package io.kupervisor.cli.kubectl;

import io.kupervisor.api.v1alpha1.ProcessStatus;
import io.kupervisor.api.v1alpha1.RunState;
import io.kupervisor.api.v1alpha1.SupervisedProgram;
import io.kupervisor.api.v1alpha1.SupervisedProgramSpec;
import io.kupervisor.api.v1alpha1.SupervisedProgramStatus;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The plugin's start and stop of single processes: names read as supervisorctl reads them, and the
 * spec a person would write to hold processes stopped or release them.
 */
class OneProcessTest {
    private static final List<String> WORKERS = List.of("worker_00", "worker_01", "worker_02", "worker_03");

    private static SupervisedProgram program(String name, String group, RunState state, List<String> stopped,
            List<String> processes) {
        SupervisedProgramSpec spec = new SupervisedProgramSpec();
        spec.group = group;
        spec.state = state;
        spec.stoppedProcesses = stopped;
        SupervisedProgram p = new SupervisedProgram("ns", name, spec);
        p.getMetadata().setResourceVersion("7");
        if (processes != null) {
            SupervisedProgramStatus status = new SupervisedProgramStatus();
            for (String n : processes) {
                ProcessStatus ps = new ProcessStatus();
                ps.name = n;
                ps.state = "RUNNING";
                status.processes.add(ps);
            }
            p.setStatus(status);
        }
        return p;
    }

    private static SupervisedProgram workers(RunState state, List<String> stopped) {
        return program("worker", "workers", state, stopped, WORKERS);
    }

    private static Optional<String> hold(SupervisedProgram p, String... names) {
        return Holds.patch(p, WORKERS, List.of(names), List.of());
    }

    private static Optional<String> release(SupervisedProgram p, String... names) {
        return Holds.patch(p, WORKERS, List.of(), List.of(names));
    }

    @Test
    void stoppingOneProcessListsItAndStoppingAllIsTheProgramsState() {
        SupervisedProgram w = workers(RunState.RUNNING, null);
        assertThat(hold(w, "worker_01")).contains(
                "{\"metadata\":{\"resourceVersion\":\"7\"},\"spec\":{\"stoppedProcesses\":[\"worker_01\"]}}");
        assertThat(hold(workers(RunState.RUNNING, List.of("worker_03")), "worker_01")).contains(
                "{\"metadata\":{\"resourceVersion\":\"7\"},\"spec\":{\"stoppedProcesses\":[\"worker_01\",\"worker_03\"]}}");
        assertThat(hold(w, WORKERS.toArray(String[]::new))).contains(
                "{\"metadata\":{\"resourceVersion\":\"7\"},\"spec\":{\"state\":\"stopped\"}}");
        // the rest of a partly held program
        assertThat(hold(workers(RunState.RUNNING, List.of("worker_00", "worker_01")), "worker_02", "worker_03"))
                .contains("{\"metadata\":{\"resourceVersion\":\"7\"},\"spec\":{\"state\":\"stopped\"}}");
        // held already: nothing to write
        assertThat(hold(workers(RunState.RUNNING, List.of("worker_01")), "worker_01")).isEmpty();
        assertThat(hold(workers(RunState.STOPPED, null), "worker_01")).isEmpty();
    }

    @Test
    void startingReleasesFromTheListOrFromAStoppedProgram() {
        assertThat(release(workers(RunState.RUNNING, List.of("worker_01", "worker_03")), "worker_01")).contains(
                "{\"metadata\":{\"resourceVersion\":\"7\"},\"spec\":{\"stoppedProcesses\":[\"worker_03\"]}}");
        assertThat(release(workers(RunState.RUNNING, List.of("worker_01")), "worker_01")).contains(
                "{\"metadata\":{\"resourceVersion\":\"7\"},\"spec\":{\"stoppedProcesses\":null}}");
        // one process of a stopped program: the others stay held, by name
        assertThat(release(workers(RunState.STOPPED, null), "worker_02")).contains(
                "{\"metadata\":{\"resourceVersion\":\"7\"},\"spec\":{\"state\":\"running\",\"stoppedProcesses\":"
                        + "[\"worker_00\",\"worker_01\",\"worker_03\"]}}");
        assertThat(release(workers(RunState.STOPPED, List.of("worker_02")), WORKERS.toArray(String[]::new))).contains(
                "{\"metadata\":{\"resourceVersion\":\"7\"},\"spec\":{\"state\":\"running\",\"stoppedProcesses\":null}}");
        assertThat(release(workers(RunState.STOPPED, null), WORKERS.toArray(String[]::new))).contains(
                "{\"metadata\":{\"resourceVersion\":\"7\"},\"spec\":{\"state\":\"running\"}}");
        assertThat(release(workers(RunState.RUNNING, null), "worker_02")).isEmpty();
        // a listed name the status does not show yet is kept
        assertThat(release(workers(RunState.RUNNING, List.of("worker_01", "worker_09")), "worker_01")).contains(
                "{\"metadata\":{\"resourceVersion\":\"7\"},\"spec\":{\"stoppedProcesses\":[\"worker_09\"]}}");
    }

    private static final List<SupervisedProgram> PROGRAMS = List.of(
            workers(RunState.RUNNING, null),
            program("web", null, RunState.RUNNING, null, List.of("web")),
            program("new", null, RunState.RUNNING, null, null));

    private static List<String> picked(String name) {
        SupervisorctlPlugin.Pick pick = SupervisorctlPlugin.pick(new ArrayList<>(PROGRAMS), name);
        assertThat(pick.error()).as(name).isNull();
        return pick.procs().stream().map(SupervisorctlPlugin.Proc::namespec).toList();
    }

    private static String refused(String name) {
        return SupervisorctlPlugin.pick(new ArrayList<>(PROGRAMS), name).error();
    }

    @Test
    void namesReadAsSupervisorctlReadsThem() {
        assertThat(picked("workers:worker_01")).containsExactly("workers:worker_01");
        assertThat(SupervisorctlPlugin.pick(PROGRAMS, "workers:worker_01").group()).isFalse();
        assertThat(picked("workers:*")).containsExactly("workers:worker_00", "workers:worker_01", "workers:worker_02",
                "workers:worker_03");
        assertThat(picked("workers:")).hasSize(4);
        assertThat(SupervisorctlPlugin.pick(PROGRAMS, "workers:*").group()).isTrue();
        assertThat(picked("web")).containsExactly("web");
        assertThat(picked("web:web")).containsExactly("web");
        assertThat(picked("all")).containsExactly("web", "workers:worker_00", "workers:worker_01", "workers:worker_02",
                "workers:worker_03");
        // kubectl's name of the program: all its processes
        assertThat(picked("worker")).hasSize(4);
        // a bare group name is GROUP:GROUP to supervisorctl
        assertThat(refused("workers")).isEqualTo("workers: ERROR (no such process)");
        assertThat(refused("workers:worker_09")).isEqualTo("workers:worker_09: ERROR (no such process)");
        assertThat(refused("nosuch:*")).isEqualTo("nosuch: ERROR (no such group)");
        assertThat(refused("new")).isEqualTo("new: ERROR (no status yet: is the kupervisor operator running?)");
    }

    @Test
    void resultsAreSupervisordsWords() {
        ProcessStatus ps = new ProcessStatus();
        ps.state = "RUNNING";
        ps.heldStopped = true;
        assertThat(SupervisorctlPlugin.startResult(ps)).as("not released yet").isNull();
        assertThat(SupervisorctlPlugin.stopResult(ps)).as("still running").isNull();
        ps.heldStopped = null;
        assertThat(SupervisorctlPlugin.startResult(ps)).isEqualTo("started");
        ps.state = "STOPPED";
        assertThat(SupervisorctlPlugin.stopResult(ps)).as("not held yet").isNull();
        assertThat(SupervisorctlPlugin.startResult(ps)).isEqualTo("ERROR (abnormal termination)");
        ps.pendingAfterStop = "RESTART";
        assertThat(SupervisorctlPlugin.startResult(ps)).as("starts once stopped").isNull();
        ps.heldStopped = true;
        assertThat(SupervisorctlPlugin.stopResult(ps)).isEqualTo("stopped");
        ps.heldStopped = null;
        ps.pendingAfterStop = null;
        ps.state = "STARTING";
        assertThat(SupervisorctlPlugin.startResult(ps)).isNull();
        ps.state = "BACKOFF";
        assertThat(SupervisorctlPlugin.startResult(ps)).isEqualTo("ERROR (spawn error)");
        ps.state = "FATAL";
        assertThat(SupervisorctlPlugin.startResult(ps)).isEqualTo("ERROR (spawn error)");
    }
}
