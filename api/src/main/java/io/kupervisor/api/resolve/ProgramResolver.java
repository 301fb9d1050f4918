package io.kupervisor.api.resolve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.kupervisor.api.v1alpha1.RunState;
import io.kupervisor.api.v1alpha1.SupervisedProgram;
import io.kupervisor.api.v1alpha1.SupervisedProgramSpec;
import io.kupervisor.core.config.AutoRestart;
import io.kupervisor.core.config.InvalidValue;
import io.kupervisor.core.config.ValueTypes;
import io.kupervisor.core.config.dialect.FormatException;
import io.kupervisor.core.config.dialect.PercentFormat;
import io.kupervisor.core.config.dialect.PyRepr;
import io.kupervisor.core.config.dialect.Shlex;
import io.kupervisor.core.config.dialect.ShlexException;
import io.kupervisor.core.state.LifecycleRules;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Resolves a {@link SupervisedProgram} as supervisord resolves a {@code [program:x]} section: INI
 * values converted with the config reader's own conversions ({@link ValueTypes}), per-process keys
 * expanded with {@code %(name)s} formatting, the command split with {@code shlex}. The CRD's schema
 * refuses most bad values at {@code kubectl apply}; this repeats the checks (a resource may come
 * from an older CRD, or a server that does not validate) and says which field is wrong.
 */
public final class ProgramResolver {

    private static final ObjectMapper HASH_MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

    private ProgramResolver() {
    }

    public static ResolvedProgram resolve(SupervisedProgram program) throws SpecException {
        Objects.requireNonNull(program, "program");
        SupervisedProgramSpec spec = program.getSpec();
        List<String> problems = new ArrayList<>();
        if (spec == null) {
            throw new SpecException(List.of("spec: missing"));
        }
        String programName = spec.programName != null ? spec.programName : program.getMetadata().getName();
        String groupName = spec.group != null ? spec.group : programName;

        if (spec.image == null || spec.image.isBlank()) {
            problems.add("spec.image: required (the container image the command runs in)");
        }
        if (spec.command == null || spec.command.isBlank()) {
            problems.add("spec.command: required (program section does not specify a command)");
        }
        int numprocs = orDefault(spec.numprocs, 1);
        int numprocsStart = orDefault(spec.numprocsStart, 0);
        int startsecs = orDefault(spec.startsecs, 1);
        int startretries = orDefault(spec.startretries, 3);
        int stopwaitsecs = orDefault(spec.stopwaitsecs, 10);
        atLeast(problems, "numprocs", numprocs, 1);
        atLeast(problems, "numprocsStart", numprocsStart, 0);
        atLeast(problems, "startsecs", startsecs, 0);
        atLeast(problems, "startretries", startretries, 0);
        atLeast(problems, "stopwaitsecs", stopwaitsecs, 0);

        AutoRestart autorestart = AutoRestart.UNEXPECTED;
        if (spec.autorestart != null) {
            try {
                autorestart = ValueTypes.autoRestart(spec.autorestart);
            } catch (InvalidValue e) {
                problems.add("spec.autorestart: " + e.getMessage() + " (use \"true\", \"false\" or \"unexpected\")");
            }
        }
        int stopsignal = 15;
        try {
            stopsignal = ValueTypes.signal(spec.stopsignal == null ? "TERM" : spec.stopsignal);
        } catch (InvalidValue e) {
            problems.add("spec.stopsignal: " + e.getMessage());
        }
        List<Integer> exitcodes = spec.exitcodes == null ? List.of(0) : spec.exitcodes;
        for (int i = 0; i < exitcodes.size(); i++) {
            Integer c = exitcodes.get(i);
            if (c == null || c < 0 || c > 255) {
                problems.add("spec.exitcodes[" + i + "]: exit code " + c + " is outside 0..255");
            }
        }
        boolean stopasgroup = Boolean.TRUE.equals(spec.stopasgroup);
        boolean killasgroup = spec.killasgroup != null ? spec.killasgroup : stopasgroup;
        if (stopasgroup && !killasgroup) {
            problems.add("spec.killasgroup: Cannot set stopasgroup=true and killasgroup=false");
        }
        String processNameTemplate = spec.processName == null ? "%(program_name)s" : spec.processName;
        if (numprocs > 1 && !processNameTemplate.contains("%(process_num)")) {
            problems.add("spec.processName: %(process_num) must be present within process_name when numprocs > 1");
        }
        Long uid = null;
        if (spec.user != null) {
            try {
                uid = Long.parseLong(spec.user.strip());
                if (uid < 0) {
                    problems.add("spec.user: a UID must not be negative: " + spec.user);
                }
            } catch (NumberFormatException e) {
                problems.add("spec.user: '" + spec.user + "' is a user name; a pod needs the numeric UID "
                        + "(look it up in the image's /etc/passwd and write it here)");
            }
        }
        if (spec.umask != null && !spec.umask.matches("[0-7]{1,4}")) {
            problems.add("spec.umask: " + spec.umask + " can not be converted to an octal type");
        }
        if (spec.logFiles != null) {
            for (int i = 0; i < spec.logFiles.size(); i++) {
                String f = spec.logFiles.get(i);
                if (f == null || !f.startsWith("/")) {
                    problems.add("spec.logFiles[" + i + "]: must be an absolute path: " + f);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new SpecException(problems);
        }

        boolean autostart = orDefault(spec.autostart, true);
        HashSet<Integer> codes = new HashSet<>(exitcodes);
        List<ResolvedProcess> processes = new ArrayList<>();
        Map<String, String> names = new TreeMap<>();
        for (long n = numprocsStart; n < (long) numprocsStart + numprocs; n++) {
            int num = (int) n;
            Map<String, Object> exp = new LinkedHashMap<>();
            exp.put("program_name", programName);
            exp.put("group_name", groupName);
            exp.put("process_num", num);
            exp.put("numprocs", numprocs);
            Map<String, String> env = new LinkedHashMap<>();
            if (spec.environment != null) {
                for (Map.Entry<String, String> e : spec.environment.entrySet()) {
                    env.put(e.getKey(), expand(problems, "spec.environment." + e.getKey(),
                            Objects.requireNonNullElse(e.getValue(), ""), exp));
                }
            }
            String name = expand(problems, "spec.processName", processNameTemplate, exp);
            try {
                name = ValueTypes.processOrGroupName(name);
            } catch (InvalidValue e) {
                problems.add("spec.processName: " + e.getMessage());
            }
            // the program's own variables are ENV_ names for its later keys (supervisord 4.2.2+)
            env.forEach((k, v) -> exp.put("ENV_" + k, v));
            String command = expand(problems, "spec.command", spec.command, exp);
            List<String> argv = List.of();
            try {
                argv = Shlex.split(command);
                if (argv.isEmpty()) {
                    problems.add("spec.command: empty after splitting: " + PyRepr.repr(spec.command));
                }
            } catch (ShlexException e) {
                problems.add("spec.command: " + e.getMessage() + " in " + PyRepr.repr(command));
            }
            String directory = spec.directory == null ? null : expand(problems, "spec.directory", spec.directory, exp);
            String before = names.put(name, Integer.toString(num));
            if (before != null) {
                problems.add("spec.processName: processes " + before + " and " + num + " are both named '" + name + "'");
            }
            // log lines name the process, as supervisord's do
            LifecycleRules rules = new LifecycleRules(name.isEmpty() ? programName : name, autostart, startsecs,
                    startretries, autorestart, codes, stopsignal, stopwaitsecs, stopasgroup, killasgroup);
            processes.add(new ResolvedProcess(name, num, rules, argv, directory, env, uid,
                    spec.umask == null ? null : spec.umask.strip(), Boolean.TRUE.equals(spec.redirectStderr)));
        }
        if (problems.isEmpty() && spec.stoppedProcesses != null) {
            checkStopped(problems, spec.stoppedProcesses, names.keySet(), processes);
        }
        if (!problems.isEmpty()) {
            throw new SpecException(problems);
        }
        return new ResolvedProgram(programName, groupName, orDefault(spec.priority, 999), processes, configHash(spec));
    }

    /** Every name of spec.stoppedProcesses must be one of the program's processes. */
    private static void checkStopped(List<String> problems, List<String> stopped, java.util.Set<String> names,
            List<ResolvedProcess> processes) {
        for (int i = 0; i < stopped.size(); i++) {
            String n = stopped.get(i);
            if (n == null || !names.contains(n)) {
                List<String> all = processes.stream().map(ResolvedProcess::name).toList();
                String which = all.size() <= 4 ? String.join(", ", all)
                        : all.getFirst() + ", " + all.get(1) + " ... " + all.getLast() + " (" + all.size() + ")";
                problems.add("spec.stoppedProcesses[" + i + "]: " + (n == null ? "null" : PyRepr.repr(n))
                        + " is not a process of this program (its processes: " + which + ")");
            }
        }
    }

    /**
     * A digest of the spec without what does not reach the processes (the run state, the processes
     * held stopped, the disruption budget): equal digests run the same processes.
     */
    public static String configHash(SupervisedProgramSpec spec) {
        RunState state = spec.state;
        List<String> stopped = spec.stoppedProcesses;
        var budget = spec.disruptionBudget;
        try {
            spec.state = null;
            spec.stoppedProcesses = null;
            spec.disruptionBudget = null;
            byte[] json = HASH_MAPPER.writeValueAsBytes(HASH_MAPPER.valueToTree(spec));
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(json);
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash spec", e);
        } finally {
            spec.state = state;
            spec.stoppedProcesses = stopped;
            spec.disruptionBudget = budget;
        }
    }

    private static String expand(List<String> problems, String field, String template, Map<String, Object> exp) {
        try {
            return PercentFormat.format(template, exp);
        } catch (FormatException e) {
            List<String> available = new ArrayList<>(exp.keySet());
            available.sort(null);
            if (e.kind() == FormatException.Kind.MISSING_NAME) {
                problems.add(field + ": Format string " + PyRepr.repr(template) + " contains names (" + e.detail()
                        + ") which cannot be expanded. Available names: " + String.join(", ", available));
            } else {
                problems.add(field + ": Format string " + PyRepr.repr(template) + " is badly formatted: " + e.detail());
            }
            return template;
        }
    }

    private static void atLeast(List<String> problems, String field, int value, int min) {
        if (value < min) {
            problems.add("spec." + field + ": must be at least " + min + ", not " + value);
        }
    }

    private static int orDefault(Integer v, int d) {
        return v == null ? d : v;
    }

    private static boolean orDefault(Boolean v, boolean d) {
        return v == null ? d : v;
    }
}
