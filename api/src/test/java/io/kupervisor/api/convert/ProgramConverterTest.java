package io.kupervisor.api.convert;

import io.kupervisor.api.resolve.ProgramResolver;
import io.kupervisor.api.resolve.ResolvedProcess;
import io.kupervisor.api.resolve.ResolvedProgram;
import io.kupervisor.api.v1alpha1.SupervisedProgramSpec;
import io.kupervisor.core.config.ConfigLoader;
import io.kupervisor.core.config.ProcessGroupConfig;
import io.kupervisor.core.config.SupervisorConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ProgramConverterTest {

    @TempDir
    Path dir;

    private List<ConfigConversion> convert(String programSections) throws Exception {
        Path conf = dir.resolve("supervisord.conf");
        Files.writeString(conf, "[supervisord]\nlogfile=" + dir.resolve("s.log") + "\n" + programSections);
        SupervisorConfig config = ConfigLoader.load(conf);
        return config.groups().stream()
                .flatMap(g -> ProgramConverter.convert(g, "apps", "busybox:1.36").stream())
                .toList();
    }

    @Test
    void keysMapOneToOne() throws Exception {
        List<ConfigConversion> out = convert("""
                [program:timeit]
                command=python3 timeit.py --fmt 100%%
                autorestart=true
                startsecs=10
                startretries=5
                exitcodes=0,2
                stopsignal=QUIT
                stopwaitsecs=30
                environment=PYTHONUNBUFFERED="1"
                """);
        assertThat(out).hasSize(1);
        SupervisedProgramSpec spec = out.getFirst().program().getSpec();
        assertThat(out.getFirst().program().getMetadata().getName()).isEqualTo("timeit");
        assertThat(out.getFirst().program().getMetadata().getNamespace()).isEqualTo("apps");
        assertThat(spec.command).isEqualTo("python3 timeit.py --fmt 100%%");
        assertThat(spec.autorestart).isEqualTo("true");
        assertThat(spec.startsecs).isEqualTo(10);
        assertThat(spec.startretries).isEqualTo(5);
        assertThat(spec.exitcodes).containsExactly(0, 2);
        assertThat(spec.stopsignal).isEqualTo("QUIT");
        assertThat(spec.stopwaitsecs).isEqualTo(30);
        assertThat(spec.environment).containsEntry("PYTHONUNBUFFERED", "1");
        assertThat(spec.processName).isEqualTo("%(program_name)s");
        assertThat(spec.image).isEqualTo("busybox:1.36");
    }

    @Test
    void numprocsBecomesTemplatesAgain() throws Exception {
        List<ConfigConversion> out = convert("""
                [program:w]
                process_name=%(program_name)s_%(process_num)02d
                numprocs=3
                numprocs_start=8
                command=worker --slot %(process_num)d --of %(numprocs)d
                environment=SLOT=%(process_num)02d
                """);
        SupervisedProgramSpec spec = out.getFirst().program().getSpec();
        assertThat(spec.numprocs).isEqualTo(3);
        assertThat(spec.numprocsStart).isEqualTo(8);
        assertThat(spec.processName).isEqualTo("w_%(process_num)02d");
        assertThat(spec.command).isEqualTo("worker --slot %(process_num)d --of 3");
        // and the operator's resolution gives back what supervisord would run
        ResolvedProgram resolved = ProgramResolver.resolve(out.getFirst().program());
        assertThat(resolved.processes()).extracting(ResolvedProcess::name).containsExactly("w_08", "w_09", "w_10");
        assertThat(resolved.processes().get(2).argv()).containsExactly("worker", "--slot", "10", "--of", "3");
        assertThat(resolved.processes().get(1).environment()).containsEntry("SLOT", "09");
    }

    @Test
    void namesThatAreNotDnsLabelsAreNoted() throws Exception {
        List<ConfigConversion> out = convert("""
                [group:web]
                programs=my_app

                [program:my_app]
                command=/bin/app
                user=root
                """);
        ConfigConversion c = out.getFirst();
        assertThat(c.program().getMetadata().getName()).isEqualTo("my-app");
        assertThat(c.program().getSpec().programName).isEqualTo("my_app");
        assertThat(c.program().getSpec().group).isEqualTo("web");
        assertThat(c.program().getSpec().user).isEqualTo("0");
        assertThat(c.notes()).anyMatch(n -> n.contains("named my-app"));
    }

    @Test
    void dnsNames() {
        assertThat(ProgramConverter.dnsName("My_App.v2")).isEqualTo("my-app-v2");
        assertThat(ProgramConverter.dnsName("__")).isEqualTo("program");
    }
}
