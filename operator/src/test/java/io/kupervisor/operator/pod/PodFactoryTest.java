package io.kupervisor.operator.pod;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.kupervisor.api.resolve.ProgramResolver;
import io.kupervisor.api.resolve.ResolvedProgram;
import io.kupervisor.api.v1alpha1.SupervisedProgram;
import io.kupervisor.api.v1alpha1.SupervisedProgramSpec;
import io.kupervisor.operator.config.OperatorConfig.StopSignalMode;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The pod of a process, built without a server. */
class PodFactoryTest {

    private static SupervisedProgram program(java.util.function.Consumer<SupervisedProgramSpec> c) {
        SupervisedProgramSpec spec = new SupervisedProgramSpec();
        spec.image = "python:3.12";
        spec.command = "python3 -u timeit.py --label 'a b' \"$HOME\"";
        c.accept(spec);
        SupervisedProgram p = new SupervisedProgram("apps", "timeit", spec);
        p.getMetadata().setUid("0b9a-uid");
        return p;
    }

    private static Pod build(SupervisedProgram p, StopSignalMode mode) throws Exception {
        ResolvedProgram r = ProgramResolver.resolve(p);
        return new PodFactory(mode).build(p, r, r.processes().getFirst(), 7);
    }

    @Test
    void commandIsSplitAsSupervisordSplitsItWithoutAShell() throws Exception {
        Container c = build(program(s -> { }), StopSignalMode.CONTAINER).getSpec().getContainers().getFirst();
        assertThat(c.getCommand()).containsExactly("python3", "-u", "timeit.py", "--label", "a b", "$HOME");
        assertThat(c.getArgs()).isEmpty();
        assertThat(c.getImage()).isEqualTo("python:3.12");
        assertThat(c.getName()).isEqualTo("timeit");
    }

    @Test
    void directoryEnvironmentAndUserMap() throws Exception {
        Pod pod = build(program(s -> {
            s.directory = "/srv/%(program_name)s";
            s.environment = new LinkedHashMap<>(Map.of("PYTHONUNBUFFERED", "1"));
            s.environment.put("SLOT", "%(process_num)d");
            s.user = "1000";
        }), StopSignalMode.CONTAINER);
        Container c = pod.getSpec().getContainers().getFirst();
        assertThat(c.getWorkingDir()).isEqualTo("/srv/timeit");
        assertThat(c.getEnv()).extracting(EnvVar::getName, EnvVar::getValue)
                .contains(org.assertj.core.groups.Tuple.tuple("PYTHONUNBUFFERED", "1"),
                        org.assertj.core.groups.Tuple.tuple("SLOT", "0"));
        assertThat(c.getSecurityContext().getRunAsUser()).isEqualTo(1000L);
    }

    @Test
    void onePodPerSpawnOwnedByTheProgram() throws Exception {
        Pod pod = build(program(s -> s.stopwaitsecs = 30), StopSignalMode.CONTAINER);
        // the first 5 bytes of SHA-256("0b9a-uid/timeit/7") in the name alphabet, worked out apart from
        // the code: a name that changed between versions would make a restarted operator miss its pods
        assertThat(pod.getMetadata().getName()).isEqualTo("timeit-0bksk");
        assertThat(pod.getMetadata().getNamespace()).isEqualTo("apps");
        assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
        assertThat(pod.getSpec().getTerminationGracePeriodSeconds()).isEqualTo(30L);
        assertThat(pod.getMetadata().getLabels()).containsEntry(PodNames.PROGRAM_LABEL, "timeit")
                .containsEntry(PodNames.GROUP_LABEL, "timeit").containsEntry(PodNames.PROCESS_LABEL, "timeit")
                .containsEntry(PodNames.SPAWN_LABEL, "7");
        assertThat(pod.getMetadata().getAnnotations()).containsEntry(PodNames.PROCESS_ANNOTATION, "timeit");
        assertThat(pod.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
            assertThat(o.getUid()).isEqualTo("0b9a-uid");
            assertThat(o.getController()).isTrue();
            assertThat(o.getKind()).isEqualTo("SupervisedProgram");
            assertThat(o.getApiVersion()).isEqualTo("kupervisor.io/v1alpha1");
        });
        // another spawn is another pod name, as another spawn is another pid
        assertThat(PodNames.podName("0b9a-uid", "timeit", 8)).isEqualTo("timeit-141b1");
    }

    @Test
    void stopSignalUsesTheContainerFieldOrAPreStopHook() throws Exception {
        Pod term = build(program(s -> { }), StopSignalMode.CONTAINER);
        assertThat(term.getSpec().getContainers().getFirst().getLifecycle()).isNull();

        Pod quit = build(program(s -> s.stopsignal = "QUIT"), StopSignalMode.CONTAINER);
        assertThat(quit.getSpec().getContainers().getFirst().getLifecycle().getStopSignal()).isEqualTo("SIGQUIT");
        assertThat(quit.getSpec().getOs().getName()).isEqualTo("linux");

        Pod hook = build(program(s -> s.stopsignal = "INT"), StopSignalMode.PRESTOP);
        assertThat(hook.getSpec().getContainers().getFirst().getLifecycle().getPreStop().getExec().getCommand())
                .containsExactly("/bin/sh", "-c", "kill -INT 1; while kill -0 1 2>/dev/null; do sleep 0.2; done");
    }

    @Test
    void logFilesGetOneNativeSidecarEach() throws Exception {
        Pod pod = build(program(s -> s.logFiles = List.of("/var/log/app/out.log", "/var/log/app/err.log")),
                StopSignalMode.CONTAINER);
        assertThat(pod.getSpec().getInitContainers()).hasSize(2).allSatisfy(c -> {
            assertThat(c.getRestartPolicy()).isEqualTo("Always");
            assertThat(c.getCommand()).startsWith("tail", "-n", "+1", "-F");
        });
        assertThat(pod.getSpec().getInitContainers().get(1).getName()).isEqualTo("log-1");
        assertThat(pod.getSpec().getVolumes()).singleElement().satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());
        assertThat(pod.getSpec().getContainers().getFirst().getVolumeMounts())
                .anyMatch(m -> m.getMountPath().equals("/var/log/app"));
    }

    @Test
    void podNamesAreDnsSafe() {
        assertThat(PodNames.dnsLabel("Worker_01.Main", 63)).isEqualTo("worker-01-main");
        assertThat(PodNames.podName("u", "x".repeat(100), 1)).hasSizeLessThanOrEqualTo(63);
    }
}
