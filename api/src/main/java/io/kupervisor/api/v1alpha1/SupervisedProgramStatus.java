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

    public Integer readyProcesses;

    public Integer totalProcesses;

    @JsonPropertyDescription("the run state last acted on (spec.state)")
    public String appliedState;

    @JsonPropertyDescription("the value of the kupervisor.io/restartedAt annotation last acted on")
    public String restartedAt;

    public List<Condition> conditions = new ArrayList<>();

    public List<ProcessStatus> processes = new ArrayList<>();
}
