package io.kupervisor.cli.migrate;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kupervisor.api.convert.ConfigConversion;
import io.kupervisor.api.convert.ProgramConverter;
import io.kupervisor.cli.migrate.MigrationReport.Status;
import io.kupervisor.core.config.ConfigDiscovery;
import io.kupervisor.core.config.ConfigException;
import io.kupervisor.core.config.ConfigLoader;
import io.kupervisor.core.config.ConfigWarning;
import io.kupervisor.core.config.GroupKind;
import io.kupervisor.core.config.HostEnvironment;
import io.kupervisor.core.config.ProcessConfig;
import io.kupervisor.core.config.ProcessGroupConfig;
import io.kupervisor.core.config.SupervisorConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code kupervisor migrate}: a supervisord configuration to manifests for either mode. */
@Command(name = "migrate",
        mixinStandardHelpOptions = true,
        versionProvider = io.kupervisor.cli.common.Version.class,
        header = "Turn a supervisord configuration into Kubernetes manifests (operator or in-pod mode).",
        description = {
            "Reads a supervisord configuration (with its includes) as supervisord would and writes YAML that "
                + "'kubectl apply -f DIR' accepts: one SupervisedProgram per program (--mode operator), or a "
                + "ConfigMap and a Deployment running kupervisor supervisord in your image with a log sidecar per "
                + "program log (--mode in-pod). Prints what maps exactly, approximately, or needs a decision.",
            "",
            "Exit status: 0 written; 2 a usage error or a configuration supervisord would refuse (nothing is "
                + "written)."})
public final class MigrateCommand implements Callable<Integer> {
    public enum Mode { operator, in_pod }

    @Option(names = {"-c", "--configuration"}, paramLabel = "FILE", description = "The main configuration file (default: supervisord's search path).")
    Path config;

    @Option(names = "--mode", required = true, paramLabel = "operator|in-pod",
            converter = ModeConverter.class,
            description = "operator: SupervisedPrograms for the operator; in-pod: kupervisor supervisord in your pod.")
    Mode mode;

    @Option(names = "--image", required = true, paramLabel = "IMAGE", description = "The image that holds the programs.")
    String image;

    @Option(names = "--kupervisor-image", paramLabel = "IMAGE", defaultValue = "kupervisor/kupervisor:0.1.0",
            description = "In-pod: the kupervisor image (runtime copier, log sidecars; default: ${DEFAULT-VALUE}).")
    String kupervisorImage;

    @Option(names = "--namespace", paramLabel = "NS", description = "The namespace of the resources (default: none, kubectl's at apply).")
    String namespace;

    @Option(names = "--name", paramLabel = "NAME", description = "In-pod: the name of the Deployment (default: the name of the configuration's directory).")
    String name;

    @Option(names = "--mount-dir", paramLabel = "DIR",
            description = "In-pod: where the configuration's directory goes in the container (default: where it is now).")
    Path mountDir;

    @Option(names = "--add-file", paramLabel = "FILE",
            description = "In-pod: also ship FILE (a script beside the configuration, say) in the ConfigMap (repeatable).")
    List<Path> addFiles = new ArrayList<>();

    @Option(names = "--env", paramLabel = "KEY=VALUE", description = "A value the old host had for %%(ENV_KEY)s (repeatable).")
    Map<String, String> env = new LinkedHashMap<>();

    @Option(names = "--env-file", paramLabel = "FILE", description = "A file of KEY=VALUE lines, read as --env.")
    Path envFile;

    @Option(names = "--run-as-user", paramLabel = "UID",
            description = "In-pod: run supervisord as this non-root UID, so that a namespace at the restricted Pod "
                    + "Security level admits the pod (not with user= in the configuration).")
    Long runAsUser;

    @Option(names = "--port", paramLabel = "[NAME:]PORT",
            description = "In-pod: a port the programs serve (repeatable): declared on the container, with a Service "
                    + "for it.")
    List<String> ports = new ArrayList<>();

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "The directory the YAML is written to.")
    Path output;

    @Option(names = "--report", paramLabel = "FILE", description = "Also write the report to FILE, as Markdown.")
    Path reportFile;

    static final class ModeConverter implements picocli.CommandLine.ITypeConverter<Mode> {
        @Override
        public Mode convert(String value) {
            return switch (value) {
                case "operator" -> Mode.operator;
                case "in-pod", "inpod", "in_pod" -> Mode.in_pod;
                default -> throw new picocli.CommandLine.TypeConversionException(
                        "invalid mode '" + value + "': use operator or in-pod");
            };
        }
    }

    /**
     * Operator mode writes values, not the config: what supervisord would expand from this machine
     * ({@code %(ENV_X)s}, {@code %(here)s}, {@code %(host_node_name)s}) is baked into the manifests
     * as this machine has it. Say so, value by value, per section.
     */
    private static void hostValues(SupervisorConfig parsed, Path main, Map<String, String> given,
                                   HostEnvironment current, MigrationReport report) throws IOException {
        List<Path> files = new ArrayList<>();
        files.add(main);
        files.addAll(parsed.includedFiles());
        java.util.regex.Pattern ref = java.util.regex.Pattern.compile("%\\((ENV_[A-Za-z0-9_]+|here|host_node_name)\\)");
        for (Path f : files) {
            String section = null;
            for (String line : InPodManifests.withoutComments(Files.readString(f)).split("\n")) {
                String t = line.strip();
                if (t.startsWith("[") && t.contains("]")) {
                    section = t.substring(1, t.lastIndexOf(']'));
                    continue;
                }
                if (section == null || !(section.startsWith("program:") || section.startsWith("supervisord")
                        || section.startsWith("eventlistener:") || section.startsWith("fcgi-program:"))) {
                    continue;
                }
                java.util.regex.Matcher m = ref.matcher(line);
                while (m.find()) {
                    String name = m.group(1);
                    String subject = "[" + section + "]";
                    if (name.startsWith("ENV_") && given.containsKey(name.substring(4))) {
                        report.add(subject, "%(" + name + ")s", Status.MAPPED, "the value given with --env");
                        continue;
                    }
                    String value = switch (name) {
                        case "here" -> f.getParent().toString();
                        case "host_node_name" -> current.hostname();
                        default -> current.env().get(name.substring(4));
                    };
                    report.add(subject, "%(" + name + ")s", Status.APPROXIMATED, "expanded to this machine's value, "
                            + (value == null ? "(unset)" : "'" + value + "'") + ", written into the manifest"
                            + (name.startsWith("ENV_") ? "; give the old host's with --env " + name.substring(4) + "=VALUE"
                            : name.equals("here") ? ": this checkout's directory, which the image may not have"
                            : ": a pod's node name differs"));
                }
            }
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        PrintStream err = System.err;
        HostEnvironment current = HostEnvironment.current();
        Map<String, String> given = new LinkedHashMap<>();
        if (envFile != null) {
            for (String line : Files.readAllLines(envFile)) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                int eq = l.indexOf('=');
                if (eq <= 0) {
                    err.println("Error: " + envFile + ": not KEY=VALUE: " + line);
                    return 2;
                }
                given.put(l.substring(0, eq).strip(), l.substring(eq + 1).strip());
            }
        }
        given.putAll(env);
        Map<String, String> hostEnv = new LinkedHashMap<>(current.env());
        hostEnv.putAll(given);
        // read as supervisord would on the old host: its checks belong to that host, not this one
        HostEnvironment host = new HostEnvironment(hostEnv, current.hostname(), current.cwd(), current.checks()).relaxed();
        Path file = config;
        if (file == null) {
            var found = ConfigDiscovery.find(host.cwd());
            if (found.isEmpty()) {
                err.println("Error: " + ConfigDiscovery.notFoundMessage(host.cwd()));
                return 2;
            }
            file = found.get();
        }
        SupervisorConfig parsed;
        try {
            parsed = new ConfigLoader(host).read(file);
        } catch (ConfigException e) {
            err.println(e.describe());
            err.println("Nothing was written.");
            return 2;
        }
        MigrationReport report = new MigrationReport(mode == Mode.operator ? "operator" : "in-pod");
        for (ConfigWarning w : parsed.warnings()) {
            report.add("configuration", "warning", Status.APPROXIMATED, w.message());
        }
        List<InPodManifests.ServedPort> served = new ArrayList<>();
        try {
            ports.forEach(p -> served.add(InPodManifests.ServedPort.parse(p)));
        } catch (IllegalArgumentException e) {
            err.println("Error: " + e.getMessage());
            err.println("Nothing was written.");
            return 2;
        }
        Map<String, List<HasMetadata>> files = new LinkedHashMap<>();
        Path main = host.cwd().resolve(file).toAbsolutePath().normalize();
        if (mode == Mode.in_pod) {
            String appName = name != null ? name : main.getParent().getFileName() == null ? "supervisord"
                    : main.getParent().getFileName().toString();
            InPodManifests.Result r = InPodManifests.build(parsed, main, appName, namespace, image, kupervisorImage,
                    given, mountDir == null ? null : mountDir.toAbsolutePath().normalize(),
                    addFiles.stream().map(f -> host.cwd().resolve(f).toAbsolutePath().normalize()).toList(),
                    runAsUser, served, report);
            files.put("configmap.yaml", List.of(r.configMap()));
            if (r.secret() != null) {
                files.put("secret.yaml", List.of(r.secret()));
            }
            files.put("deployment.yaml", List.of(r.deployment()));
            if (r.service() != null) {
                files.put("service.yaml", List.of(r.service()));
            }
        } else {
            hostValues(parsed, main, given, current, report);
            for (ProcessGroupConfig g : parsed.groups()) {
                if (g.kind() != GroupKind.PROCESS) {
                    report.add("[" + g.section() + "]", "section", Status.DECIDE, g.kind() == GroupKind.EVENT_LISTENER_POOL
                            ? ListenerAdvice.operatorMode(g)
                            : "fcgi-program sockets have no operator-mode equivalent (use a Service); not converted");
                    continue;
                }
                List<ConfigConversion> conversions;
                try {
                    conversions = ProgramConverter.convert(g, namespace, image);
                } catch (IllegalArgumentException e) {
                    err.println("Error: " + e.getMessage());
                    err.println("Nothing was written.");
                    return 2;
                }
                for (ConfigConversion c : conversions) {
                    String resource = c.program().getMetadata().getName();
                    files.put(resource + ".yaml", List.of(c.program()));
                    String subject = "[" + c.section() + "]";
                    report.add(subject, "section", Status.MAPPED, "SupervisedProgram " + resource + " (group " + g.name() + ")");
                    for (String note : c.notes()) {
                        report.add(subject, "note", note.contains("needs") || note.contains("decide")
                                ? Status.DECIDE : Status.APPROXIMATED, note);
                    }
                    for (ProcessConfig p : g.processes()) {
                        if (p.section().equals(c.section()) && p.user() != null && p.user().uid() == null) {
                            report.add(subject, "user", Status.DECIDE, "user " + p.user().written()
                                    + " has no known UID: set spec.user to a number (runAsUser)");
                            break;
                        }
                    }
                }
            }
        }
        // everything is built: only now write
        Files.createDirectories(output);
        List<String> written = new ArrayList<>();
        for (var e : files.entrySet()) {
            StringBuilder yaml = new StringBuilder();
            for (HasMetadata r : e.getValue()) {
                yaml.append(Serialization.asYaml(r));
            }
            Files.writeString(output.resolve(e.getKey()), yaml);
            written.add(output.resolve(e.getKey()).toString());
        }
        if (reportFile != null) {
            Files.writeString(reportFile, report.markdown());
        }
        out.print(report.text());
        out.println("wrote " + String.join(", ", written));
        out.println("next: kubectl apply -f " + output);
        return 0;
    }

}
