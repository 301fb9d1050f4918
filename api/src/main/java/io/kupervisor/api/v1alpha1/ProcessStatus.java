package io.kupervisor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * One process: what {@code getProcessInfo} reports, plus the state machine's own fields so that an
 * operator restarted elsewhere resumes exactly where the last one stopped. Times are RFC 3339.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProcessStatus {

    @JsonPropertyDescription("the process name (process_name expanded)")
    public String name;

    @JsonPropertyDescription("STOPPED, STARTING, RUNNING, BACKOFF, STOPPING, EXITED, FATAL or UNKNOWN")
    public String state;

    @JsonPropertyDescription("the pod running this process (its pid); empty when none runs")
    public String pod;

    @JsonPropertyDescription("when the process last started")
    public String startTime;

    @JsonPropertyDescription("when the process last exited")
    public String stopTime;

    @JsonPropertyDescription("the last exit status: the exit code, -1 for a death by signal")
    public Integer exitStatus;

    @JsonPropertyDescription("how the process last ended, in supervisord's words: exit status 3, terminated by SIGKILL")
    public String exitDescription;

    @JsonPropertyDescription("why the last start failed, in supervisord's words")
    public String spawnError;

    @JsonPropertyDescription("supervisorctl status's description")
    public String description;

    // ---- the state machine's snapshot, for operator restarts ----

    @JsonPropertyDescription("the spawn number of the running pod (the state machine's pid); 0 when none")
    public Long pid;

    @JsonPropertyDescription("spawns so far: the next spawn gets this plus one")
    public Long spawns;

    @JsonPropertyDescription("consecutive failed starts")
    public Integer backoff;

    @JsonPropertyDescription("when the pending time-based rule fires (end of startsecs, backoff, stopwaitsecs)")
    public String delay;

    public Integer exitSignal;

    public Boolean killing;

    public Boolean spawnPending;

    public String lastStopReport;

    @JsonPropertyDescription("hash of the process's configuration; a change restarts the process as supervisorctl update does")
    public String configHash;

    @JsonPropertyDescription("a restart (annotation) or update is waiting for the process to stop")
    public String pendingAfterStop;
}
