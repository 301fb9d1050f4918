package io.kupervisor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The spec of a {@link SupervisedProgram}. The first block mirrors {@code [program:x]}: a one-word
 * INI key keeps its name, an underscored key becomes camelCase, values mean what they mean in INI
 * (including {@code %(process_num)02d}-style expansions, resolved per process by the operator), and
 * the defaults are supervisord 4.2.5's. The second block holds what a pod needs beside them.
 *
 * <p>Public fields keep this a plain data carrier; the Java initial values are supervisord's
 * defaults so that a spec read without server-side defaulting means the same.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder(alphabetic = false)
@ValidationRule(value = "!has(self.numprocs) || self.numprocs <= 1 || (has(self.processName) && self.processName.contains('%(process_num)'))",
        message = "processName must contain %(process_num) when numprocs > 1 (supervisord: %(process_num) must be present within process_name when numprocs > 1)",
        reason = "FieldValueInvalid", fieldPath = ".processName")
@ValidationRule(value = "!(has(self.stopasgroup) && self.stopasgroup && has(self.killasgroup) && !self.killasgroup)",
        message = "Cannot set stopasgroup=true and killasgroup=false",
        reason = "FieldValueInvalid", fieldPath = ".killasgroup")
public class SupervisedProgramSpec {

    // ---- [program:x] keys ----

    @Required
    @Size(min = 1, max = 8192)
    @JsonPropertyDescription("command=: the program and its arguments, split as supervisord splits it (shlex, no shell); %(process_num)d and the other expansions are resolved per process")
    public String command;

    @Default("\"%(program_name)s\"")
    @Size(min = 1, max = 253)
    @ValidationRule(value = "!self.contains(' ') && !self.contains(':') && !self.contains('/')",
            message = "processName must not contain a space, ':' or '/' (supervisord: Invalid name)")
    @JsonPropertyDescription("process_name=: the name of each process; must contain %(process_num) when numprocs > 1")
    public String processName = "%(program_name)s";

    @Default("1")
    @Min(1)
    @Max(1000)
    @JsonPropertyDescription("numprocs=: how many processes (one pod each)")
    public Integer numprocs = 1;

    @Default("0")
    @Min(0)
    @JsonPropertyDescription("numprocs_start=: the first %(process_num)")
    public Integer numprocsStart = 0;

    @Default("999")
    @JsonPropertyDescription("priority=: start order within a group, ascending. Each SupervisedProgram starts on its own, so a value other than 999 is flagged in the status (not applied)")
    public Integer priority = 999;

    @Default("true")
    @JsonPropertyDescription("autostart=: start when the program is created")
    public Boolean autostart = true;

    @Default("1")
    @Min(0)
    @JsonPropertyDescription("startsecs=: seconds the container must stay up (strictly more) to be RUNNING")
    public Integer startsecs = 1;

    @Default("3")
    @Min(0)
    @JsonPropertyDescription("startretries=: failed starts tolerated before FATAL (delays 1 s, 2 s, 3 s...)")
    public Integer startretries = 3;

    @Default("unexpected")
    @Size(max = 16)
    @ValidationRule(value = "self in ['true', 'false', 'unexpected']",
            message = "autorestart must be one of \"true\", \"false\", \"unexpected\" (quote true and false in YAML)")
    @JsonPropertyDescription("autorestart=: \"true\", \"false\" or \"unexpected\" (restart only if the exit code is not in exitcodes)")
    public String autorestart = "unexpected";

    @Default("[0]")
    @Size(max = 256)
    @ValidationRule(value = "self.all(c, c >= 0 && c <= 255)", message = "exit codes must be between 0 and 255")
    @JsonPropertyDescription("exitcodes=: the exit codes that count as expected")
    public List<Integer> exitcodes = new ArrayList<>(List.of(0));

    @Default("TERM")
    @Size(min = 1, max = 16)
    @ValidationRule(value = "self.matches('^(?i)(sig)?(hup|int|quit|ill|trap|abrt|iot|bus|fpe|kill|usr1|segv|usr2|pipe|alrm|term|stkflt|chld|cld|cont|stop|tstp|ttin|ttou|urg|xcpu|xfsz|vtalrm|prof|winch|io|poll|pwr|sys|rtmin|rtmax)$') || self.matches('^([0-9]|[12][0-9]|3[01]|34|64)$')",
            message = "stopsignal must be a signal name such as TERM, QUIT, INT, HUP, KILL, USR1, USR2 (SIG prefix optional) or its number")
    @JsonPropertyDescription("stopsignal=: the signal that asks the process to stop; the pod's init (kupervisor-init) passes the kubelet's TERM on as this signal")
    public String stopsignal = "TERM";

    @Default("10")
    @Min(0)
    @JsonPropertyDescription("stopwaitsecs=: seconds between the stop signal and SIGKILL (the pod's termination grace period)")
    public Integer stopwaitsecs = 10;

    @Default("false")
    @JsonPropertyDescription("stopasgroup=: the stop signal goes to the command's whole process group, not only to the command (done by the pod's init)")
    public Boolean stopasgroup = false;

    @JsonPropertyDescription("killasgroup=: SIGKILL the whole process group; defaults to stopasgroup. In a pod SIGKILL always ends every process of the container, so false is flagged in the status (not applied)")
    public Boolean killasgroup;

    @Size(min = 1, max = 64)
    @JsonPropertyDescription("user=: a numeric UID becomes the container's runAsUser; a name must be given as a UID in Kubernetes")
    public String user;

    @Size(min = 1, max = 4096)
    @JsonPropertyDescription("directory=: the working directory")
    public String directory;

    @Size(max = 4)
    @ValidationRule(value = "self.matches('^[0-7]{1,4}$')", message = "umask must be an octal number such as 022")
    @JsonPropertyDescription("umask=: octal, set for the command by the pod's init (kupervisor-init)")
    public String umask;

    @JsonPropertyDescription("environment=: variables of the process, as a map")
    public Map<String, String> environment = new LinkedHashMap<>();

    @Default("false")
    @JsonPropertyDescription("redirect_stderr=: the command's stderr goes to its stdout (done by the pod's init; the container log then tags every line stdout)")
    public Boolean redirectStderr = false;

    @JsonPropertyDescription("stdout_logfile=: kept from the INI; in a pod the container's stdout is the log (kubectl logs), so a file here is flagged in the status (not applied); list it in logFiles to stream a file the program writes itself")
    public String stdoutLogfile;

    @JsonPropertyDescription("stdout_logfile_maxbytes=: kept from the INI; the kubelet rotates container logs (containerLogMaxSize)")
    public String stdoutLogfileMaxbytes;

    @Min(0)
    @JsonPropertyDescription("stdout_logfile_backups=: kept from the INI; the kubelet keeps containerLogMaxFiles")
    public Integer stdoutLogfileBackups;

    @JsonPropertyDescription("stderr_logfile=: kept from the INI; in a pod the container's stderr is the log (kubectl logs), so a file here is flagged in the status (not applied)")
    public String stderrLogfile;

    @JsonPropertyDescription("stderr_logfile_maxbytes=: kept from the INI; the kubelet rotates container logs (containerLogMaxSize)")
    public String stderrLogfileMaxbytes;

    @Min(0)
    @JsonPropertyDescription("stderr_logfile_backups=: kept from the INI; the kubelet keeps containerLogMaxFiles")
    public Integer stderrLogfileBackups;

    // ---- supervisord names beside the keys ----

    @Size(min = 1, max = 253)
    @JsonPropertyDescription("the supervisord program name (%(program_name)s); defaults to metadata.name")
    public String programName;

    @Size(min = 1, max = 63)
    @JsonPropertyDescription("the [group:x] this program belongs to (%(group_name)s, and a pod label); defaults to the program name")
    public String group;

    @Default("running")
    @JsonPropertyDescription("desired run state: running (start per autostart; a change from stopped starts every process not in stoppedProcesses, as supervisorctl start) or stopped (every process, as supervisorctl stop)")
    public RunState state = RunState.RUNNING;

    @Size(max = 1000)
    @JsonPropertyDescription("processes held stopped while state is running, by process name (processName expanded): supervisorctl stop and start of one process. Adding a name stops that process and leaves the others alone; removing it starts it. A listed process is not started by autostart, the restart annotations, an operator restart or a spec change. Names must be processes of this program")
    public List<String> stoppedProcesses;

    // ---- Kubernetes ----

    @Required
    @Size(min = 1, max = 1024)
    @JsonPropertyDescription("the container image the command runs in")
    public String image;

    @JsonPropertyDescription("when the kubelet pulls the image: Always, IfNotPresent or Never (Kubernetes' default when empty)")
    public ImagePullPolicy imagePullPolicy;

    @JsonPropertyDescription("Secrets for pulling the image: a list of {name: SECRET} (kubectl explain pod.spec.imagePullSecrets)")
    public List<LocalObjectReference> imagePullSecrets;

    @JsonPropertyDescription("the process container's CPU and memory requests and limits (kubectl explain pod.spec.containers.resources)")
    public ResourceRequirements resources;

    @Size(max = 253)
    @JsonPropertyDescription("the ServiceAccount the process pods run as (the namespace's default when empty)")
    public String serviceAccountName;

    @JsonPropertyDescription("labels a node must have to run the process pods (kubectl explain pod.spec.nodeSelector)")
    public Map<String, String> nodeSelector;

    @JsonPropertyDescription("taints the process pods tolerate (kubectl explain pod.spec.tolerations)")
    public List<Toleration> tolerations;

    @JsonPropertyDescription("node and pod affinity of the process pods (kubectl explain pod.spec.affinity)")
    public Affinity affinity;

    @Size(max = 253)
    @JsonPropertyDescription("the PriorityClass of the process pods (scheduling and eviction order; not supervisord's priority)")
    public String priorityClassName;

    @JsonPropertyDescription("volumes of the process pods (kubectl explain pod.spec.volumes)")
    public List<Volume> volumes;

    @JsonPropertyDescription("where the volumes appear in the process container (kubectl explain pod.spec.containers.volumeMounts)")
    public List<VolumeMount> volumeMounts;

    @JsonPropertyDescription("variables in Kubernetes' form, set after environment: a value, or valueFrom a Secret key, a ConfigMap key, a pod field or a resource (kubectl explain pod.spec.containers.env)")
    public List<EnvVar> env;

    @JsonPropertyDescription("every key of a Secret or ConfigMap as variables, before environment and env (kubectl explain pod.spec.containers.envFrom)")
    public List<EnvFromSource> envFrom;

    @JsonPropertyDescription("ports the process listens on, for Services and probes (kubectl explain pod.spec.containers.ports)")
    public List<ContainerPort> ports;

    @JsonPropertyDescription("the kubelet's liveness probe of the process container; a failure restarts nothing (restartPolicy Never) but ends the process, which the state machine then handles as an exit (kubectl explain pod.spec.containers.livenessProbe)")
    public Probe livenessProbe;

    @JsonPropertyDescription("the kubelet's readiness probe: whether Services send traffic to the pod (kubectl explain pod.spec.containers.readinessProbe)")
    public Probe readinessProbe;

    @JsonPropertyDescription("the kubelet's startup probe (kubectl explain pod.spec.containers.startupProbe)")
    public Probe startupProbe;

    @JsonPropertyDescription("the process container's securityContext, merged over the operator's restricted defaults (runAsNonRoot, no privilege escalation, every capability dropped, seccomp RuntimeDefault): set a field here to change it (kubectl explain pod.spec.containers.securityContext)")
    public SecurityContext securityContext;

    @JsonPropertyDescription("a pod template the operator's own fields are merged over, for what the fields above do not reach: its metadata, its spec (securityContext, hostAliases, dnsConfig, initContainers, extra containers...) and, in a container named as the program or the first container, the process container's fields. The operator's fields win (command, image, env, restartPolicy Never...) (kubectl explain pod)")
    public PodTemplateSpec podTemplate;

    @JsonPropertyDescription("a PodDisruptionBudget for the program's pods (voluntary evictions such as node drains)")
    public DisruptionBudget disruptionBudget;

    @JsonPropertyDescription("labels added to every pod")
    public Map<String, String> podLabels;

    @JsonPropertyDescription("annotations added to every pod")
    public Map<String, String> podAnnotations;

    @Size(max = 16)
    @ValidationRule(value = "self.all(f, f.startsWith('/'))", message = "logFiles must be absolute paths")
    @JsonPropertyDescription("files the program writes that are streamed by one sidecar each (kubectl logs POD -c log-N)")
    public List<String> logFiles;
}
