package io.kupervisor.api.resolve;

import io.kupervisor.api.v1alpha1.RunState;
import io.kupervisor.api.v1alpha1.SupervisedProgram;
import io.kupervisor.api.v1alpha1.SupervisedProgramSpec;
import io.kupervisor.core.config.AutoRestart;
import io.kupervisor.core.state.Signals;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProgramResolverTest {

    private static SupervisedProgram program(String name, String command) {
        SupervisedProgramSpec spec = new SupervisedProgramSpec();
        spec.image = "python:3.12";
        spec.command = command;
        return new SupervisedProgram("default", name, spec);
    }

    @Test
    void defaultsAreSupervisords() throws SpecException {
        ResolvedProgram p = ProgramResolver.resolve(program("timeit", "python3 timeit.py"));
        assertThat(p.programName()).isEqualTo("timeit");
        assertThat(p.groupName()).isEqualTo("timeit");
        assertThat(p.priority()).isEqualTo(999);
        ResolvedProcess only = p.processes().getFirst();
        assertThat(only.name()).isEqualTo("timeit");
        assertThat(only.argv()).containsExactly("python3", "timeit.py");
        assertThat(only.rules().autostart()).isTrue();
        assertThat(only.rules().startsecs()).isEqualTo(1);
        assertThat(only.rules().startretries()).isEqualTo(3);
        assertThat(only.rules().autorestart()).isEqualTo(AutoRestart.UNEXPECTED);
        assertThat(only.rules().exitcodes()).containsExactly(0);
        assertThat(only.rules().stopSignal()).isEqualTo(Signals.SIGTERM);
        assertThat(only.rules().stopwaitsecs()).isEqualTo(10);
        assertThat(only.uid()).isNull();
    }

    @Test
    void iniValuesMeanTheSame() throws SpecException {
        SupervisedProgram sp = program("w", "worker --id %(process_num)02d --of %(numprocs)d 'a b'");
        sp.getSpec().numprocs = 3;
        sp.getSpec().numprocsStart = 1;
        sp.getSpec().processName = "%(program_name)s_%(process_num)02d";
        sp.getSpec().autorestart = "true";
        sp.getSpec().stopsignal = "quit";
        sp.getSpec().exitcodes = List.of(0, 2);
        sp.getSpec().user = "1000";
        sp.getSpec().directory = "/srv/%(program_name)s";
        sp.getSpec().environment = Map.of("SLOT", "%(process_num)d");
        sp.getSpec().group = "workers";
        ResolvedProgram p = ProgramResolver.resolve(sp);
        assertThat(p.processes()).extracting(ResolvedProcess::name).containsExactly("w_01", "w_02", "w_03");
        ResolvedProcess second = p.processes().get(1);
        assertThat(second.argv()).containsExactly("worker", "--id", "02", "--of", "3", "a b");
        assertThat(second.directory()).isEqualTo("/srv/w");
        assertThat(second.environment()).containsEntry("SLOT", "2");
        assertThat(second.rules().name()).isEqualTo("w_02");
        assertThat(second.rules().autorestart()).isEqualTo(AutoRestart.TRUE);
        assertThat(second.rules().stopSignal()).isEqualTo(Signals.SIGQUIT);
        assertThat(second.rules().exitcodes()).isEqualTo(Set.of(0, 2));
        assertThat(second.uid()).isEqualTo(1000L);
        assertThat(p.groupName()).isEqualTo("workers");
    }

    @Test
    void badValuesNameTheFieldAndTheReason() {
        SupervisedProgram sp = program("bad", "run");
        sp.getSpec().autorestart = "maybe";
        sp.getSpec().stopsignal = "FOO";
        sp.getSpec().exitcodes = List.of(0, 256);
        sp.getSpec().startsecs = -1;
        sp.getSpec().numprocs = 2;
        sp.getSpec().user = "www-data";
        sp.getSpec().stopasgroup = true;
        sp.getSpec().killasgroup = false;
        assertThatThrownBy(() -> ProgramResolver.resolve(sp))
                .isInstanceOfSatisfying(SpecException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        "spec.startsecs: must be at least 0, not -1",
                        "spec.autorestart: invalid 'autorestart' value 'maybe' (use \"true\", \"false\" or \"unexpected\")",
                        "spec.stopsignal: value 'FOO' is not a valid signal name",
                        "spec.exitcodes[1]: exit code 256 is outside 0..255",
                        "spec.killasgroup: Cannot set stopasgroup=true and killasgroup=false",
                        "spec.processName: %(process_num) must be present within process_name when numprocs > 1",
                        "spec.user: 'www-data' is a user name; a pod needs the numeric UID (look it up in the image's /etc/passwd and write it here)"));
    }

    @Test
    void expansionAndSplittingErrorsSayWhere() {
        SupervisedProgram sp = program("x", "run %(here)s");
        assertThatThrownBy(() -> ProgramResolver.resolve(sp)).hasMessage(
                "spec.command: Format string 'run %(here)s' contains names ('here') which cannot be expanded. "
                        + "Available names: group_name, numprocs, process_num, program_name");
        SupervisedProgram quote = program("y", "run 'unclosed");
        assertThatThrownBy(() -> ProgramResolver.resolve(quote)).hasMessage(
                "spec.command: No closing quotation in \"run 'unclosed\"");
    }

    @Test
    void theConfigHashIgnoresTheRunStateOnly() {
        SupervisedProgramSpec a = program("a", "run").getSpec();
        String before = ProgramResolver.configHash(a);
        a.state = RunState.STOPPED;
        assertThat(ProgramResolver.configHash(a)).isEqualTo(before);
        // holding one process stopped is not a change of the program (the others are not replaced)
        a.stoppedProcesses = List.of("a");
        assertThat(ProgramResolver.configHash(a)).isEqualTo(before);
        assertThat(a.stoppedProcesses).containsExactly("a");
        a.startsecs = 5;
        assertThat(ProgramResolver.configHash(a)).isNotEqualTo(before);
    }

    @Test
    void stoppedProcessesMustBeProcessesOfTheProgram() throws SpecException {
        SupervisedProgram sp = program("worker", "work");
        sp.getSpec().numprocs = 6;
        sp.getSpec().processName = "%(program_name)s_%(process_num)02d";
        sp.getSpec().stoppedProcesses = List.of("worker_01", "worker_05");
        assertThat(ProgramResolver.resolve(sp).processes()).hasSize(6);
        sp.getSpec().stoppedProcesses = List.of("worker_01", "worker_6", "workers:worker_02");
        assertThatThrownBy(() -> ProgramResolver.resolve(sp))
                .isInstanceOfSatisfying(SpecException.class, e -> assertThat(e.problems()).containsExactly(
                        "spec.stoppedProcesses[1]: 'worker_6' is not a process of this program (its processes: "
                                + "worker_00, worker_01 ... worker_05 (6))",
                        "spec.stoppedProcesses[2]: 'workers:worker_02' is not a process of this program (its "
                                + "processes: worker_00, worker_01 ... worker_05 (6))"));
        SupervisedProgram one = program("web", "serve");
        one.getSpec().stoppedProcesses = List.of("api");
        assertThatThrownBy(() -> ProgramResolver.resolve(one)).hasMessage(
                "spec.stoppedProcesses[0]: 'api' is not a process of this program (its processes: web)");
    }
}
