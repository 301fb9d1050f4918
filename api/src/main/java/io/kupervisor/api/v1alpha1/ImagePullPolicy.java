package io.kupervisor.api.v1alpha1;

/** The container's image pull policy, with Kubernetes' own spellings. */
public enum ImagePullPolicy {
    Always,
    IfNotPresent,
    Never
}
