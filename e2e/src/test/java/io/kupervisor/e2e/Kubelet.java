package io.kupervisor.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * Plays the kubelet, which does not run here: writes what a node would report about a pod's main
 * container into the pod's {@code status} subresource with a merge patch through the real API
 * (running since T; terminated with code N at T). Times are whole seconds, as Kubernetes keeps them.
 */
final class Kubelet {
    static final String PROGRAM_LABEL = "kupervisor.io/program";
    static final String SPAWN_LABEL = "kupervisor.io/spawn";
    static final String PROCESS_ANNOTATION = "kupervisor.io/process-name";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesClient client;

    Kubelet(KubernetesClient client) {
        this.client = client;
    }

    /** The container started at {@code since} and runs. */
    Pod running(Pod pod, Instant since) {
        ObjectNode state = JSON.createObjectNode();
        state.putObject("running").put("startedAt", seconds(since));
        return patch(pod, "Running", state, true);
    }

    /** The container ran from {@code started} and exited with {@code code} at {@code finished}. */
    Pod exited(Pod pod, Instant started, Instant finished, int code) {
        ObjectNode state = JSON.createObjectNode();
        ObjectNode t = state.putObject("terminated");
        t.put("exitCode", code).put("reason", code == 0 ? "Completed" : "Error")
                .put("startedAt", seconds(started)).put("finishedAt", seconds(finished));
        return patch(pod, code == 0 ? "Succeeded" : "Failed", state, false);
    }

    private Pod patch(Pod pod, String phase, ObjectNode state, boolean ready) {
        var container = pod.getSpec().getContainers().getFirst();
        ObjectNode patch = JSON.createObjectNode();
        ObjectNode status = patch.putObject("status");
        status.put("phase", phase);
        ObjectNode cs = status.putArray("containerStatuses").addObject();
        cs.put("name", container.getName())
                .put("image", container.getImage())
                .put("imageID", "")
                .put("ready", ready)
                .put("started", ready)
                .put("restartCount", 0);
        cs.set("state", state);
        return client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                .subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
    }

    private static String seconds(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    // ---- what the operator wrote on its pods ----

    static String process(Pod pod) {
        Map<String, String> a = pod.getMetadata().getAnnotations();
        return a == null ? null : a.get(PROCESS_ANNOTATION);
    }

    static long spawn(Pod pod) {
        return Long.parseLong(pod.getMetadata().getLabels().get(SPAWN_LABEL));
    }
}
