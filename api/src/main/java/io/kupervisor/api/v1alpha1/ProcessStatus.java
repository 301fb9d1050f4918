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

    @JsonPropertyDescription("the signal that ended the last run, when a signal did")
    public Integer exitSignal;

    @JsonPropertyDescription("a stop signal was sent and the exit is awaited")
    public Boolean killing;

    @JsonPropertyDescription("a spawn was asked for and its container has not started yet")
    public Boolean spawnPending;

    @JsonPropertyDescription("when 'waiting for NAME to stop' was last reported")
    public String lastStopReport;

    @JsonPropertyDescription("what the cluster says about the process's pod that supervisord has no word for: unschedulable, waiting for its image, on a node that does not answer, evicted, OOMKilled")
    public String podCondition;

    @JsonPropertyDescription("the state machine's own state while state shows UNKNOWN (its pod's node has not confirmed the pod stopped: the process may still run there)")
    public String machineState;

    @JsonPropertyDescription("respawns after exits from RUNNING within the last 10 minutes (restart churn)")
    public Integer recentRestarts;

    @JsonPropertyDescription("when a delayed respawn (restart churn, or the cluster refusing the pod) is due")
    public String respawnAt;

    @JsonPropertyDescription("why pod creation is being retried (the cluster refused it for now: quota, rate limit, server error)")
    public String createRetry;

    @JsonPropertyDescription("consecutive pod creations the cluster refused for now (the retry delay grows with it, capped)")
    public Integer createRetries;

    @JsonPropertyDescription("hash of the process's configuration; a change restarts the process as supervisorctl update does")
    public String configHash;

    @JsonPropertyDescription("a restart (annotation), a start or an update is waiting for the process to stop")
    public String pendingAfterStop;

    @JsonPropertyDescription("true while the process is held stopped (spec.state stopped, or its name in spec.stoppedProcesses), as last acted on; empty when it is not")
    public Boolean heldStopped;

    @JsonPropertyDescription("the value of its annotation kupervisor.io/restartedAt.NAME last acted on")
    public String restartedAt;
}
