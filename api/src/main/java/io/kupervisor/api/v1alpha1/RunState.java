package io.kupervisor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The desired run state of a program: what {@code supervisorctl start/stop} would set. */
public enum RunState {
    @JsonProperty("running")
    RUNNING,
    @JsonProperty("stopped")
    STOPPED
}
