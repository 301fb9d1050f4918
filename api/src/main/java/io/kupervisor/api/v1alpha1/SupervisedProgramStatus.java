package io.kupervisor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;

import java.util.ArrayList;
import java.util.List;

/** What {@code supervisorctl status} would say about the program, in summary and per process. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SupervisedProgramStatus {

    @JsonPropertyDescription("the generation of the spec this status reflects")
    public Long observedGeneration;

    @JsonPropertyDescription("the program's state: the process's state, or for several processes the most pressing one")
    public String state;

    @JsonPropertyDescription("supervisorctl's description: pod timeit-7x2k, uptime 0:00:52; the spawn error; the stop time")
    public String description;

    @JsonPropertyDescription("RUNNING processes / processes, as 2/3")
    public String ready;

    @JsonPropertyDescription("processes RUNNING")
    public Integer readyProcesses;

    @JsonPropertyDescription("processes of the program (numprocs)")
    public Integer totalProcesses;

    @JsonPropertyDescription("while every process is RUNNING, when the youngest of them started (the UPTIME column shows the time since); empty otherwise")
    public String readySince;

    @JsonPropertyDescription("the PodDisruptionBudget the operator keeps for the program (maxUnavailable=N); empty when none")
    public String disruptionBudget;

    @JsonPropertyDescription("fields of the spec a pod cannot apply as supervisord would (kept, not applied), in words")
    public List<String> notApplied;

    @JsonPropertyDescription("the run state last acted on (spec.state)")
    public String appliedState;

    @JsonPropertyDescription("the value of the kupervisor.io/restartedAt annotation last acted on")
    public String restartedAt;

    @JsonPropertyDescription("Ready (every process RUNNING), Reconciling (processes on their way: starting, backing off, stopping, being replaced), Stalled (a process FATAL or the spec refused: a person must act), as kstatus reads them")
    public List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("one entry per process, by name: what supervisorctl status shows, and the state machine's snapshot")
    public List<ProcessStatus> processes = new ArrayList<>();
}
