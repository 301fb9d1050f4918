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
        return new PodFactory(mode, "kupervisor/kupervisor:9.9").build(p, r, r.processes().getFirst(), 7);
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
        assertThat(pod.getSpec().getSecurityContext().getRunAsUser()).isEqualTo(1000L);
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
    void theCommandRunsUnderKupervisorInitWhichCarriesTheKeysAPodCannot() throws Exception {
        Pod pod = build(program(s -> {
            s.stopsignal = "QUIT";
            s.stopasgroup = true;
            s.umask = "022";
            s.redirectStderr = true;
        }), StopSignalMode.INIT);
        Container main = pod.getSpec().getContainers().getFirst();
        assertThat(main.getCommand()).containsExactly("/kupervisor/kupervisor-init", "-s", "3", "-g", "-u", "022", "-e", "--",
                "python3", "-u", "timeit.py", "--label", "a b", "$HOME");
        // no alpha field: the init passes the kubelet's TERM on as QUIT
        assertThat(main.getLifecycle()).isNull();
        assertThat(pod.getSpec().getOs()).isNull();
        assertThat(main.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getMountPath()).isEqualTo("/kupervisor");
            assertThat(m.getReadOnly()).isTrue();
        });
        Container init = pod.getSpec().getInitContainers().getFirst();
        assertThat(init.getName()).isEqualTo(PodFactory.INIT_CONTAINER);
        assertThat(init.getImage()).isEqualTo("kupervisor/kupervisor:9.9");
        assertThat(init.getCommand()).containsExactly("/opt/kupervisor/bin/kupervisor-init", "--install", "/kupervisor");
        assertThat(init.getRestartPolicy()).isNull();
        assertThat(pod.getSpec().getVolumes()).anySatisfy(v -> {
            assertThat(v.getName()).isEqualTo(PodFactory.INIT_CONTAINER);
            assertThat(v.getEmptyDir()).isNotNull();
        });
        // TERM and the defaults add nothing but the init itself
        Container plain = build(program(s -> { }), StopSignalMode.INIT).getSpec().getContainers().getFirst();
        assertThat(plain.getCommand()).startsWith("/kupervisor/kupervisor-init", "--", "python3");
    }

    @Test
    void everyContainerPassesTheRestrictedPodSecurityLevelByDefault() throws Exception {
        Pod pod = build(program(s -> s.logFiles = List.of("/var/log/app/out.log")), StopSignalMode.INIT);
        assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSpec().getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        List<Container> all = new java.util.ArrayList<>(pod.getSpec().getContainers());
        all.addAll(pod.getSpec().getInitContainers());
        assertThat(all).hasSize(3).allSatisfy(c -> {
            assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).as(c.getName()).isFalse();
            assertThat(c.getSecurityContext().getCapabilities().getDrop()).as(c.getName()).containsExactly("ALL");
            assertThat(c.getSecurityContext().getPrivileged()).isNull();
        });
        // a UID is the pod's; 0 is root as asked (and no longer restricted)
        Pod user = build(program(s -> s.user = "1000"), StopSignalMode.INIT);
        assertThat(user.getSpec().getSecurityContext().getRunAsUser()).isEqualTo(1000L);
        assertThat(user.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
        Pod root = build(program(s -> s.user = "0"), StopSignalMode.INIT);
        assertThat(root.getSpec().getSecurityContext().getRunAsUser()).isZero();
        assertThat(root.getSpec().getSecurityContext().getRunAsNonRoot()).isFalse();
    }

    @Test
    void thePodTemplateIsMergedUnderTheProgramsFields() throws Exception {
        io.fabric8.kubernetes.api.model.PodTemplateSpec template = new io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder()
                .withNewMetadata().addToLabels("team", "a").addToLabels(PodNames.PROGRAM_LABEL, "other")
                .addToAnnotations("note", "kept").endMetadata()
                .withNewSpec()
                .addNewHostAlias().withIp("10.0.0.1").withHostnames("db").endHostAlias()
                .withNewSecurityContext().withFsGroup(2000L).endSecurityContext()
                .addNewContainer().withName("timeit").withImage("ignored:1").withCommand("ignored")
                .withNewSecurityContext().withReadOnlyRootFilesystem(true).withAllowPrivilegeEscalation(true).endSecurityContext()
                .addNewEnv().withName("FROM_TEMPLATE").withValue("t").endEnv()
                .endContainer()
                .addNewContainer().withName("proxy").withImage("envoy:1").endContainer()
                .withRestartPolicy("Always")
                .endSpec().build();
        Pod pod = build(program(s -> {
            s.podTemplate = template;
            s.environment = new LinkedHashMap<>(Map.of("A", "1"));
            s.env = List.of(new io.fabric8.kubernetes.api.model.EnvVarBuilder().withName("TOKEN").withNewValueFrom()
                    .withNewSecretKeyRef("token", "app-secret", false).endValueFrom().build());
            s.envFrom = List.of(new io.fabric8.kubernetes.api.model.EnvFromSourceBuilder().withNewConfigMapRef("app-config", true).build());
            s.ports = List.of(new io.fabric8.kubernetes.api.model.ContainerPortBuilder().withName("http").withContainerPort(8080).build());
            s.readinessProbe = new io.fabric8.kubernetes.api.model.ProbeBuilder().withNewHttpGet().withPath("/ready")
                    .withNewPort("http").endHttpGet().build();
            s.priorityClassName = "batch-low";
            s.affinity = new io.fabric8.kubernetes.api.model.AffinityBuilder().withNewNodeAffinity()
                    .withNewRequiredDuringSchedulingIgnoredDuringExecution().addNewNodeSelectorTerm().addNewMatchExpression()
                    .withKey("zone").withOperator("In").withValues("a").endMatchExpression().endNodeSelectorTerm()
                    .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().build();
        }), StopSignalMode.INIT);
        Container main = pod.getSpec().getContainers().getFirst();
        // the program's fields win over the template's container
        assertThat(main.getImage()).isEqualTo("python:3.12");
        assertThat(main.getCommand()).contains("python3");
        assertThat(main.getEnv()).extracting(EnvVar::getName).containsExactly("FROM_TEMPLATE", "A", "TOKEN");
        assertThat(main.getEnv().get(2).getValueFrom().getSecretKeyRef().getName()).isEqualTo("app-secret");
        assertThat(main.getEnvFrom()).singleElement().satisfies(e -> assertThat(e.getConfigMapRef().getName()).isEqualTo("app-config"));
        assertThat(main.getPorts()).singleElement().satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(8080));
        assertThat(main.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/ready");
        // the template's securityContext fields over the restricted defaults, field by field
        assertThat(main.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(main.getSecurityContext().getAllowPrivilegeEscalation()).isTrue();
        assertThat(main.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(pod.getSpec().getSecurityContext().getFsGroup()).isEqualTo(2000L);
        assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
        // the rest of the template is kept; what the operator needs is not the template's to change
        assertThat(pod.getSpec().getContainers()).extracting(Container::getName).containsExactly("timeit", "proxy");
        assertThat(pod.getSpec().getHostAliases()).singleElement().satisfies(h -> assertThat(h.getIp()).isEqualTo("10.0.0.1"));
        assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
        assertThat(pod.getSpec().getPriorityClassName()).isEqualTo("batch-low");
        assertThat(pod.getSpec().getAffinity().getNodeAffinity()).isNotNull();
        assertThat(pod.getMetadata().getLabels()).containsEntry("team", "a").containsEntry(PodNames.PROGRAM_LABEL, "timeit");
        assertThat(pod.getMetadata().getAnnotations()).containsEntry("note", "kept");
    }

    @Test
    void podNamesAreDnsSafe() {
        assertThat(PodNames.dnsLabel("Worker_01.Main", 63)).isEqualTo("worker-01-main");
        assertThat(PodNames.podName("u", "x".repeat(100), 1)).hasSizeLessThanOrEqualTo(63);
    }
}
