package io.kupervisor.api.examples;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kupervisor.api.convert.ProgramConverter;
import io.kupervisor.api.resolve.ProgramResolver;
import io.kupervisor.api.resolve.ResolvedProcess;
import io.kupervisor.api.resolve.ResolvedProgram;
import io.kupervisor.api.v1alpha1.SupervisedProgram;
import io.kupervisor.core.config.ConfigLoader;
import io.kupervisor.core.config.ProcessConfig;
import io.kupervisor.core.config.SupervisorConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The examples' SupervisedPrograms resolve, and mean what their INI twins mean to supervisord. */
class ExamplesTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getFileName().toString().equals("api")
            ? Path.of("..").toAbsolutePath().normalize() : Path.of("").toAbsolutePath();

    private static SupervisedProgram program(String file) throws Exception {
        String yaml = Files.readString(ROOT.resolve(file));
        String doc = Arrays.stream(yaml.split("\n---\n")).filter(d -> d.contains("kind: SupervisedProgram"))
                .findFirst().orElseThrow();
        SupervisedProgram p = new KubernetesSerialization().unmarshal(doc, SupervisedProgram.class);
        p.getMetadata().setNamespace("default");
        return p;
    }

    @Test
    void workersMeanWhatTheirIniMeans() throws Exception {
        ResolvedProgram cr = ProgramResolver.resolve(program("examples/workers/workers-sprog.yaml"));
        SupervisorConfig ini = ConfigLoader.load(ROOT.resolve("examples/workers/supervisord.conf"));
        List<ProcessConfig> processes = ini.processes();
        assertThat(cr.processes()).hasSize(processes.size());
        for (int i = 0; i < processes.size(); i++) {
            ProcessConfig want = processes.get(i);
            ResolvedProcess got = cr.processes().get(i);
            assertThat(got.name()).isEqualTo(want.name());
            assertThat(String.join(" ", got.argv())).isEqualTo(String.join(" ",
                    io.kupervisor.core.config.dialect.Shlex.split(want.command())));
            assertThat(got.environment()).containsAllEntriesOf(want.environment());
            assertThat(got.rules().stopSignal()).isEqualTo(want.stopsignal());
            assertThat(got.rules().stopwaitsecs()).isEqualTo(want.stopwaitsecs());
            assertThat(got.rules().exitcodes()).containsExactlyInAnyOrderElementsOf(want.exitcodes());
            assertThat(got.rules().autorestart()).isEqualTo(want.autorestart());
            assertThat(got.rules().startsecs()).isEqualTo(want.startsecs());
            assertThat(got.rules().startretries()).isEqualTo(want.startretries());
        }
        // and converting the INI gives a spec that resolves to the same processes
        SupervisedProgram converted = ProgramConverter.convert(ini.groups().getFirst(), "default", "busybox:1.36")
                .getFirst().program();
        // the resource adds a non-root UID for the restricted Pod Security level; the INI runs as its daemon's user
        assertThat(cr.processes().getFirst().uid()).isEqualTo(65534L);
        converted.getSpec().user = "65534";
        assertThat(ProgramResolver.resolve(converted).processes()).isEqualTo(cr.processes());
    }

    @Test
    void timeitKeepsItsKeys() throws Exception {
        SupervisedProgram timeit = program("examples/timeit/timeit-sprog.yaml");
        ResolvedProcess p = ProgramResolver.resolve(timeit).processes().getFirst();
        assertThat(p.name()).isEqualTo("timeit");
        assertThat(p.argv()).containsExactly("python3", "timeit.py");
        assertThat(p.rules().startsecs()).isEqualTo(10);
        assertThat(p.rules().startretries()).isEqualTo(3);
        assertThat(p.rules().autorestart()).isEqualTo(io.kupervisor.core.config.AutoRestart.TRUE);
        assertThat(p.environment()).containsEntry("PYTHONUNBUFFERED", "1");
        assertThat(timeit.getSpec().image).isEqualTo("python:3.12-slim");
    }
}
