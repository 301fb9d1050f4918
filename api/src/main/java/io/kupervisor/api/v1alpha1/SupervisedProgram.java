package io.kupervisor.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A supervisord {@code [program:x]} as a Kubernetes resource. The spec mirrors the INI keys; the
 * status reads like {@code supervisorctl status}.
 */
@Group(SupervisedProgram.GROUP)
@Version(SupervisedProgram.VERSION)
@Kind("SupervisedProgram")
@Plural("supervisedprograms")
@ShortNames("sprog")
@AdditionalPrinterColumn(name = "State", jsonPath = ".status.state", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Description", jsonPath = ".status.description", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.ready", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Uptime", jsonPath = ".status.readySince", type = AdditionalPrinterColumn.Type.DATE,
        getDescription = "time since the youngest process started, while every process is RUNNING")
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
@ValidationRule(value = SupervisedProgram.STOPPED_PROCESSES_RULE,
        message = "stoppedProcesses must name processes of this program: processName expanded for each process_num "
                + "from numprocsStart to numprocsStart+numprocs-1",
        reason = "FieldValueInvalid", fieldPath = ".spec.stoppedProcesses")
public class SupervisedProgram extends CustomResource<SupervisedProgramSpec, SupervisedProgramStatus>
        implements Namespaced {

    public static final String GROUP = "kupervisor.io";
    public static final String VERSION = "v1alpha1";

    /**
     * spec.stoppedProcesses names processes of the program, checked where CEL can expand the
     * names: processName made of text, %(program_name)s, %(group_name)s, %(numprocs)d and one
     * %(process_num)d, %(process_num)s or %(process_num)0Nd. Any other template passes (the
     * operator checks every name). It sits at the root because the program name defaults to
     * metadata.name. {@code [x].all(v, ...)} binds v to x (cel.bind is not in every supported
     * Kubernetes version).
     */
    public static final String STOPPED_PROCESSES_RULE = """
            !has(self.spec.stoppedProcesses) ||
            [has(self.spec.programName) ? self.spec.programName : self.metadata.name].all(prog,
             [(has(self.spec.processName) ? self.spec.processName : '%(program_name)s')
                .replace('%(program_name)s', prog)
                .replace('%(group_name)s', has(self.spec.group) ? self.spec.group : prog)
                .replace('%(numprocs)d', string(has(self.spec.numprocs) ? self.spec.numprocs : 1))].all(t,
             !t.contains('%(process_num)')
              ? t.contains('%') || self.spec.stoppedProcesses.all(n, n == t)
              : [t.substring(0, t.indexOf('%(process_num)'))].all(pre,
                [t.substring(t.indexOf('%(process_num)') + 14)].all(rest,
                [rest.startsWith('d') || rest.startsWith('s') ? 0
                  : rest.matches('^0[1-9][0-9]?d') ? int(rest.substring(1, rest.indexOf('d'))) : -1].all(w,
                w < 0 || [rest.substring(w == 0 ? 1 : rest.indexOf('d') + 1)].all(suf,
                pre.contains('%') || suf.contains('%') || self.spec.stoppedProcesses.all(n,
                 size(n) > size(pre) + size(suf) && n.startsWith(pre) && n.endsWith(suf)
                 && [n.substring(size(pre), size(n) - size(suf))].all(mid,
                   mid.matches('^[0-9]{1,9}$')
                   && int(mid) >= (has(self.spec.numprocsStart) ? self.spec.numprocsStart : 0)
                   && int(mid) < (has(self.spec.numprocsStart) ? self.spec.numprocsStart : 0)
                                 + (has(self.spec.numprocs) ? self.spec.numprocs : 1)
                   && size(mid) == (size(string(int(mid))) > w ? size(string(int(mid))) : w)))))))))
            """;

    /** Annotation whose change restarts every process, like {@code kubectl rollout restart}. */
    public static final String RESTART_ANNOTATION = GROUP + "/restartedAt";

    /** The prefix of the annotation whose change restarts one process: {@code kupervisor.io/restartedAt.worker_01}. */
    public static final String PROCESS_RESTART_ANNOTATION_PREFIX = RESTART_ANNOTATION + ".";

    /** A Kubernetes qualified name's name part: at most 63 characters, alphanumeric at both ends. */
    private static final java.util.regex.Pattern ANNOTATION_NAME =
            java.util.regex.Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");

    /**
     * The annotation that restarts process {@code process} alone, or empty when its name cannot be
     * part of an annotation key (more than 51 characters, or characters other than letters, digits,
     * {@code -_.}, or not ending in a letter or digit).
     */
    public static java.util.Optional<String> processRestartAnnotation(String process) {
        String key = PROCESS_RESTART_ANNOTATION_PREFIX + process;
        String name = key.substring(GROUP.length() + 1);
        return ANNOTATION_NAME.matcher(name).matches() ? java.util.Optional.of(key) : java.util.Optional.empty();
    }

    public SupervisedProgram() {
    }

    public SupervisedProgram(String namespace, String name, SupervisedProgramSpec spec) {
        getMetadata().setNamespace(namespace);
        getMetadata().setName(name);
        setSpec(spec);
    }

    @Override
    protected SupervisedProgramSpec initSpec() {
        return new SupervisedProgramSpec();
    }

    @Override
    protected SupervisedProgramStatus initStatus() {
        return null;
    }
}
