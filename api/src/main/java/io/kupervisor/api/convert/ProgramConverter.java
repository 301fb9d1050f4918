package io.kupervisor.api.convert;

import io.kupervisor.api.v1alpha1.SupervisedProgram;
import io.kupervisor.api.v1alpha1.SupervisedProgramSpec;
import io.kupervisor.core.config.LogSettings;
import io.kupervisor.core.config.GroupKind;
import io.kupervisor.core.config.LogFile;
import io.kupervisor.core.config.ProcessConfig;
import io.kupervisor.core.config.ProcessGroupConfig;
import io.kupervisor.core.config.ValueTypes;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Converts the config model ({@link ProcessGroupConfig}: what supervisord would run) into
 * {@link SupervisedProgram} resources, one per program section. The model holds expanded values; the
 * spec holds templates that the operator expands per process, so literal {@code %} are escaped and,
 * for {@code numprocs > 1}, the per-process values are turned back into {@code %(process_num)}
 * templates.
 */
public final class ProgramConverter {

    /** The formats tried, in order, to turn a process number back into a template. */
    private static final List<String> NUM_FORMATS = List.of("%(process_num)d", "%(process_num)02d",
            "%(process_num)03d", "%(process_num)04d");

    private ProgramConverter() {
    }

    /**
     * Converts every program of {@code group} into a resource in {@code namespace} running in
     * {@code image}.
     *
     * @throws IllegalArgumentException naming the section and key when a value cannot be expressed
     *     (a per-process value that is not a function of the process number)
     */
    public static List<ConfigConversion> convert(ProcessGroupConfig group, String namespace, String image) {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(image, "image");
        Map<String, List<ProcessConfig>> bySection = new LinkedHashMap<>();
        for (ProcessConfig p : group.processes()) {
            bySection.computeIfAbsent(p.section(), s -> new ArrayList<>()).add(p);
        }
        List<ConfigConversion> out = new ArrayList<>();
        for (List<ProcessConfig> processes : bySection.values()) {
            out.add(convertProgram(group, processes, namespace, image));
        }
        return out;
    }

    private static ConfigConversion convertProgram(ProcessGroupConfig group, List<ProcessConfig> processes,
            String namespace, String image) {
        List<ProcessConfig> ps = new ArrayList<>(processes);
        ps.sort(Comparator.comparingInt(ProcessConfig::processNum));
        ProcessConfig first = ps.get(0);
        List<String> notes = new ArrayList<>();
        String where = first.section();

        SupervisedProgramSpec spec = new SupervisedProgramSpec();
        spec.image = image;
        spec.programName = first.programName();
        if (!group.name().equals(first.programName())) {
            spec.group = group.name();
        }
        spec.numprocs = first.numprocs();
        spec.numprocsStart = first.processNum();
        spec.processName = template(ps, ProcessConfig::name, where, "process_name", true);
        if (spec.processName.equals("%%(program_name)s")) {
            spec.processName = "%(program_name)s";
        }
        if (spec.processName.equals(escape(first.programName()))) {
            spec.processName = "%(program_name)s";
        }
        spec.command = template(ps, ProcessConfig::command, where, "command", false);
        spec.priority = first.priority();
        spec.autostart = first.autostart();
        spec.autorestart = first.autorestart().iniValue();
        spec.startsecs = first.startsecs();
        spec.startretries = first.startretries();
        spec.exitcodes = new ArrayList<>(first.exitcodes());
        spec.stopsignal = Objects.requireNonNullElse(ValueTypes.signalName(first.stopsignal()),
                Integer.toString(first.stopsignal()));
        spec.stopwaitsecs = first.stopwaitsecs();
        spec.stopasgroup = first.stopasgroup();
        spec.killasgroup = first.killasgroup() == first.stopasgroup() ? null : first.killasgroup();
        if (first.directory() != null) {
            spec.directory = template(ps, ProcessConfig::directory, where, "directory", false);
        }
        if (first.umask() != null) {
            spec.umask = String.format(Locale.ROOT, "%03o", first.umask());
            notes.add(where + ": umask=" + spec.umask + " is recorded but Kubernetes has no umask setting");
        }
        if (first.user() != null) {
            if (first.user().uid() != null) {
                spec.user = Integer.toString(first.user().uid());
            } else {
                spec.user = first.user().written();
                notes.add(where + ": user=" + first.user().written()
                        + " needs a numeric UID in Kubernetes; write the UID in spec.user");
            }
        }
        spec.environment = new LinkedHashMap<>();
        for (String key : first.environment().keySet()) {
            spec.environment.put(key, template(ps, p -> p.environment().get(key), where, "environment " + key, false));
        }
        spec.redirectStderr = first.redirectStderr();
        logKeys(spec, first.stdout(), first.stderr());
        if (first.serverurl() != null) {
            notes.add(where + ": serverurl has no meaning for a pod and is left out");
        }
        if (group.kind() != GroupKind.PROCESS) {
            notes.add(where + ": a " + group.kind().name().toLowerCase(Locale.ROOT)
                    + " runs as a plain program: events and sockets are not provided in operator mode");
        }
        String name = dnsName(first.programName());
        if (!name.equals(first.programName())) {
            notes.add(where + ": the resource is named " + name + " (Kubernetes names are DNS labels); "
                    + "spec.programName keeps '" + first.programName() + "'");
        }
        return new ConfigConversion(where, new SupervisedProgram(namespace, name, spec), notes);
    }

    private static void logKeys(SupervisedProgramSpec spec, LogSettings out, LogSettings err) {
        spec.stdoutLogfile = logfile(out.logfile());
        spec.stderrLogfile = logfile(err.logfile());
        if (out.logfileMaxbytes() != 50L * 1024 * 1024) {
            spec.stdoutLogfileMaxbytes = Long.toString(out.logfileMaxbytes());
        }
        if (err.logfileMaxbytes() != 50L * 1024 * 1024) {
            spec.stderrLogfileMaxbytes = Long.toString(err.logfileMaxbytes());
        }
        if (out.logfileBackups() != 10) {
            spec.stdoutLogfileBackups = out.logfileBackups();
        }
        if (err.logfileBackups() != 10) {
            spec.stderrLogfileBackups = err.logfileBackups();
        }
    }

    private static String logfile(LogFile f) {
        return switch (f) {
            case LogFile.Auto a -> null;
            case LogFile.None n -> "NONE";
            case LogFile.File file -> escape(file.path());
        };
    }

    /**
     * The template whose expansion per process gives each process's value: the value itself (escaped)
     * when all processes agree, else the first value with its process number replaced by a
     * {@code %(process_num)} conversion that reproduces every process's value.
     */
    static String template(List<ProcessConfig> ps, Function<ProcessConfig, String> value, String section,
            String key, boolean mustVary) {
        String v0 = value.apply(ps.get(0));
        boolean allSame = ps.stream().allMatch(p -> Objects.equals(value.apply(p), v0));
        if (allSame && !(mustVary && ps.size() > 1)) {
            return escape(v0);
        }
        int num0 = ps.get(0).processNum();
        for (String fmt : NUM_FORMATS) {
            String literal = format(fmt, num0);
            for (ReplaceMode mode : ReplaceMode.values()) {
                String candidate = mode.replace(escape(v0), escape(literal), fmt);
                if (candidate == null) {
                    continue;
                }
                boolean fits = ps.stream().allMatch(p ->
                        Objects.equals(unescape(candidate.replace(fmt, escape(format(fmt, p.processNum())))),
                                value.apply(p)));
                if (fits) {
                    return candidate;
                }
            }
        }
        throw new IllegalArgumentException("[" + section + "] " + key
                + ": the values of the processes differ in a way that %(process_num) cannot express: "
                + ps.stream().map(value).toList());
    }

    private enum ReplaceMode {
        ALL, LAST, FIRST;

        String replace(String s, String literal, String fmt) {
            int at = this == FIRST ? s.indexOf(literal) : s.lastIndexOf(literal);
            if (at < 0) {
                return null;
            }
            if (this == ALL) {
                return s.replace(literal, fmt);
            }
            return s.substring(0, at) + fmt + s.substring(at + literal.length());
        }
    }

    private static String format(String fmt, int num) {
        int width = fmt.endsWith("02d") ? 2 : fmt.endsWith("03d") ? 3 : fmt.endsWith("04d") ? 4 : 0;
        return width == 0 ? Integer.toString(num) : String.format(Locale.ROOT, "%0" + width + "d", num);
    }

    /** A literal value as a template: {@code %} doubled. */
    static String escape(String s) {
        return s == null ? null : s.replace("%", "%%");
    }

    private static String unescape(String s) {
        return s.replace("%%", "%");
    }

    /**
     * A Kubernetes object name (DNS-1123 label) for a supervisord name: lower case, anything outside
     * {@code [a-z0-9-]} becomes {@code -}, trimmed of leading/trailing dashes, at most 63 characters.
     */
    public static String dnsName(String name) {
        String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-").replaceAll("^-+|-+$", "");
        if (s.length() > 63) {
            s = s.substring(0, 63).replaceAll("-+$", "");
        }
        return s.isEmpty() ? "program" : s;
    }
}
