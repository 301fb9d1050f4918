package io.kupervisor.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.kupervisor.api.v1alpha1.SupervisedProgram;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The README's first steps on a real cluster: {@code kubectl apply -f crds/ -f examples/}, the
 * operator makes one pod per process and writes status, and {@code kubectl get sprog} reads like
 * {@code supervisorctl status}.
 */
@ExtendWith(E2eCluster.Extension.class)
class ExamplesE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String POD_SUFFIX = "-[0-9b-z]{5}";

    @Test
    void kubectlAppliesTheExamplesAndTheOperatorRunsOnePodPerProcess(E2eCluster cluster) {
        // the restricted Pod Security level, enforced by the API server's admission: every pod the
        // operator makes (process container, kupervisor-init's init container) must pass it
        String ns = cluster.namespace("e2e-examples");
        cluster.client().namespaces().withName(ns).edit(n -> {
            n.getMetadata().getLabels().put("pod-security.kubernetes.io/enforce", "restricted");
            return n;
        });
        try (var watch = new NamespaceWatch(cluster.client(), ns)) {
            // -R: the examples are one directory per program (their .conf and .py are not manifests)
            var apply = cluster.kubectl("apply", "-n", ns, "-f", E2eCluster.ROOT.resolve("crds").toString(),
                    "-R", "-f", E2eCluster.ROOT.resolve("examples").toString()).requireSuccess();
            // the CRD is already there (installed before the operator started): unchanged, or
            // "configured" where kubectl's patch re-adds a zero it sends and the server drops
            // the in-pod examples (examples/*/in-pod, made by kupervisor migrate) are accepted too
            assertThat(apply.stdout().lines().toList()).hasSize(9)
                    .anyMatch(l -> l.matches("customresourcedefinition.apiextensions.k8s.io/"
                            + E2eCluster.CRD + " (unchanged|configured)"))
                    .contains("configmap/timeit-script created",
                            "supervisedprogram.kupervisor.io/timeit created",
                            "supervisedprogram.kupervisor.io/worker created",
                            "configmap/timeit-supervisor created", "deployment.apps/timeit created",
                            "configmap/web-supervisor created", "deployment.apps/web created",
                            "service/web created");

            // one pod per process, spawn 1 each
            Pod timeit = watch.awaitPod("timeit", "timeit", 1, WAIT);
            List<Pod> workers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                workers.add(watch.awaitPod("worker", "worker_0" + i, 1, WAIT));
            }
            SupervisedProgram timeitProgram = watch.program("timeit");
            assertPod(timeit, timeitProgram, "timeit");
            assertThat(timeit.getMetadata().getName()).matches("timeit" + POD_SUFFIX);
            assertThat(timeit.getSpec().getContainers().getFirst().getCommand())
                    .containsExactly("/kupervisor/kupervisor-init", "--", "python3", "timeit.py");
            assertThat(timeit.getSpec().getInitContainers()).extracting(c -> c.getName()).containsExactly("kupervisor-init");
            assertThat(timeit.getSpec().getSecurityContext().getRunAsUser()).isEqualTo(65534L);
            assertThat(timeit.getSpec().getContainers().getFirst().getWorkingDir()).isEqualTo("/opt/timeit");
            assertThat(timeit.getSpec().getVolumes()).anyMatch(v -> v.getConfigMap() != null
                    && "timeit-script".equals(v.getConfigMap().getName()));
            for (int n = 0; n < 4; n++) {
                int i = n;
                Pod w = workers.get(i);
                assertPod(w, watch.program("worker"), "worker");
                assertThat(w.getMetadata().getName()).matches("worker-0" + i + POD_SUFFIX);
                assertThat(w.getSpec().getContainers().getFirst().getCommand())
                        .containsExactly("/kupervisor/kupervisor-init", "-s", "3", "--",
                                "/bin/sh", "-c", "echo worker " + i + " of 4; exec tail -f /dev/null");
                assertThat(w.getSpec().getContainers().getFirst().getEnv())
                        .anyMatch(e -> e.getName().equals("WORKER_SLOT") && e.getValue().equals(Integer.toString(i)));
                assertThat(w.getSpec().getTerminationGracePeriodSeconds()).isEqualTo(20L);
                assertThat(w.getMetadata().getLabels()).containsEntry("kupervisor.io/group", "workers");
            }
            assertThat(watch.livePods("timeit")).hasSize(1);
            assertThat(watch.livePods("worker")).hasSize(4);

            // the spec stays as applied: the operator writes only status (no finalizer)
            var spec = cluster.kubectl("get", "sprog", "worker", "-n", ns, "-o",
                    "jsonpath={.metadata.generation} {.spec.numprocs} {.spec.processName} {.spec.exitcodes} {.spec.stopsignal}")
                    .requireSuccess();
            assertThat(spec.stdout()).isEqualTo("1 4 %(program_name)s_%(process_num)02d [0,2] QUIT");
            assertThat(cluster.kubectl("get", "sprog", "worker", "-n", ns, "-o", "jsonpath={.metadata.finalizers}")
                    .requireSuccess().stdout()).isEmpty();

            // nothing runs them yet (no kubelet): STARTING
            watch.awaitState("timeit", "timeit", "STARTING", WAIT);
            watch.awaitProgram("worker", p -> p.getStatus() != null && "STARTING".equals(p.getStatus().state)
                    && p.getStatus().processes.size() == 4, "4 processes STARTING", WAIT);
            KubectlTable starting = KubectlTable.parse(cluster.kubectl("get", "sprog", "-n", ns).requireSuccess().stdout());
            assertThat(starting.headers()).containsExactly("NAME", "STATE", "READY", "DESCRIPTION", "UPTIME", "AGE");
            assertThat(starting.row("timeit")).containsEntry("READY", "0/1").containsEntry("UPTIME", "");
            assertThat(starting.row("timeit")).containsEntry("STATE", "STARTING").containsEntry("DESCRIPTION", "");
            assertThat(starting.row("worker")).containsEntry("STATE", "STARTING")
                    .containsEntry("DESCRIPTION", "0/4 RUNNING; worker_00 STARTING");
            assertThat(starting.row("worker").get("AGE")).matches("\\d+s");

            // the node reports the containers running: RUNNING after startsecs (worker 1 s, timeit 10 s)
            Kubelet kubelet = new Kubelet(cluster.client());
            Instant now = Instant.now();
            kubelet.running(timeit, now);
            workers.forEach(w -> kubelet.running(w, now));
            watch.awaitProgram("worker", p -> "RUNNING".equals(p.getStatus().state), "RUNNING", WAIT);
            var mid = KubectlTable.parse(cluster.kubectl("get", "sprog", "-n", ns, "-o", "wide").requireSuccess().stdout());
            assertThat(mid.headers()).containsExactly("NAME", "STATE", "READY", "DESCRIPTION", "UPTIME", "AGE");
            assertThat(mid.row("worker").get("UPTIME")).matches("\\d+s");
            assertThat(mid.row("worker")).containsEntry("STATE", "RUNNING").containsEntry("DESCRIPTION", "4/4 RUNNING")
                    .containsEntry("READY", "4/4");
            assertThat(mid.row("timeit")).containsEntry("STATE", "STARTING").containsEntry("READY", "0/1");

            watch.awaitState("timeit", "timeit", "RUNNING", WAIT);
            assertThat(Duration.between(now, Instant.now())).isGreaterThan(Duration.ofSeconds(9));
            KubectlTable running = KubectlTable.parse(cluster.kubectl("get", "sprog", "-n", ns).requireSuccess().stdout());
            assertThat(running.row("timeit")).containsEntry("STATE", "RUNNING");
            assertThat(running.row("timeit").get("DESCRIPTION"))
                    .isEqualTo("pod " + timeit.getMetadata().getName());
            assertThat(running.row("timeit").get("UPTIME")).matches("1\\ds");
            assertThat(running.row("worker")).containsEntry("STATE", "RUNNING").containsEntry("DESCRIPTION", "4/4 RUNNING");
            assertThat(watch.states("timeit", "timeit")).containsExactly("STARTING", "RUNNING");
            for (int i = 0; i < 4; i++) {
                assertThat(watch.states("worker", "worker_0" + i)).containsExactly("STARTING", "RUNNING");
            }

            // kubectl describe: the Events tell supervisord's story
            String describe = cluster.kubectl("describe", "sprog", "timeit", "-n", ns).requireSuccess().stdout();
            assertThat(describe).containsPattern("Normal\\s+Spawned\\s+\\S+\\s+kupervisor-operator\\s+spawned: 'timeit' with pod "
                    + timeit.getMetadata().getName());
            assertThat(describe).containsPattern("Normal\\s+Running\\s+\\S+\\s+kupervisor-operator\\s+success: timeit entered"
                    + " RUNNING state, process has stayed up for > than 10 seconds \\(startsecs\\)");
            var pods = KubectlTable.parse(cluster.kubectl("get", "pods", "-n", ns, "-l", "kupervisor.io/program=worker")
                    .requireSuccess().stdout());
            assertThat(pods.rows()).hasSize(4).allSatisfy(r -> assertThat(r).containsEntry("STATUS", "Running")
                    .containsEntry("READY", "1/1"));
            // nothing more was created
            assertThat(watch.allPods("timeit")).hasSize(1);
            assertThat(watch.allPods("worker")).hasSize(4);
        }
    }

    private static void assertPod(Pod pod, SupervisedProgram program, String name) {
        assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
        List<OwnerReference> owners = pod.getMetadata().getOwnerReferences();
        assertThat(owners).hasSize(1);
        OwnerReference owner = owners.getFirst();
        assertThat(owner.getApiVersion()).isEqualTo("kupervisor.io/v1alpha1");
        assertThat(owner.getKind()).isEqualTo("SupervisedProgram");
        assertThat(owner.getName()).isEqualTo(name);
        assertThat(owner.getUid()).isEqualTo(program.getMetadata().getUid());
        assertThat(owner.getController()).isTrue();
        Map<String, String> labels = pod.getMetadata().getLabels();
        assertThat(labels).containsEntry("app.kubernetes.io/managed-by", "kupervisor")
                .containsEntry("kupervisor.io/program", name).containsEntry("kupervisor.io/spawn", "1");
    }
}
