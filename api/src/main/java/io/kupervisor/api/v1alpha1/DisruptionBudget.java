package io.kupervisor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;

/**
 * A PodDisruptionBudget the operator keeps for the program's pods: how many of its processes a
 * voluntary eviction (a node drain) may take down at once. An evicted process is an unexpected
 * exit to the state machine, restarted per autorestart in a new pod.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DisruptionBudget {

    @Min(0)
    @JsonPropertyDescription("how many of the program's pods may be evicted at once (0: none, a drain waits for the program to be stopped); the PodDisruptionBudget's maxUnavailable")
    public Integer maxUnavailable = 1;
}
