package io.kupervisor.operator.reconciler;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.jboss.logging.Logger;

/**
 * The two things the operator does to pods: create one (spawn) and delete one with a grace period
 * (send the stop signal; a grace of 0 is SIGKILL). "No such pod" is not an error, as "no such
 * process" is not one for supervisord's kill.
 */
final class PodActions {
    private static final Logger LOG = Logger.getLogger(PodActions.class);

    /** How a create ended. */
    enum Created { CREATED, ALREADY_EXISTS, REFUSED, FAILED }

    record CreateResult(Created result, String message) {
    }

    private final KubernetesClient client;

    PodActions(KubernetesClient client) {
        this.client = client;
    }

    CreateResult create(Pod pod) {
        try {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).create();
            return new CreateResult(Created.CREATED, null);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                // a spawn retried after a crash: the pod of this spawn is already there
                return new CreateResult(Created.ALREADY_EXISTS, null);
            }
            String message = e.getStatus() != null && e.getStatus().getMessage() != null
                    ? e.getStatus().getMessage() : e.getMessage();
            if (e.getCode() >= 400 && e.getCode() < 500 && !passing(e.getCode(), message)) {
                return new CreateResult(Created.REFUSED, message);
            }
            LOG.warnf("creating pod %s/%s failed, will retry: %s", pod.getMetadata().getNamespace(),
                    pod.getMetadata().getName(), message);
            return new CreateResult(Created.FAILED, message);
        }
    }

    /**
     * A refusal that passes without a change to the pod: a rate limit (429; the client has
     * already retried it a few times), a request timeout, a namespace's quota that is used up
     * (403 {@code exceeded quota}) until other pods end.
     */
    static boolean passing(int code, String message) {
        return code == 429 || code == 408
                || code == 403 && message != null && message.contains("exceeded quota");
    }

    /**
     * Deletes a pod with a grace period; empty when done or when there is no such pod, else why it
     * failed (the state machine's KillFailed).
     */
    java.util.Optional<String> delete(String namespace, String name, long graceSeconds) {
        try {
            client.pods().inNamespace(namespace).withName(name).withGracePeriod(graceSeconds).delete();
            return java.util.Optional.empty();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return java.util.Optional.empty();
            }
            LOG.warnf("deleting pod %s/%s failed: %s", namespace, name, e.getMessage());
            return java.util.Optional.of(e.getMessage());
        }
    }
}
