package io.kupervisor.cli.migrate;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.kupervisor.cli.migrate.MigrationReport.Status;
import io.kupervisor.core.config.GroupKind;
import io.kupervisor.core.config.LogFile;
import io.kupervisor.core.config.LogSettings;
import io.kupervisor.core.config.ProcessConfig;
import io.kupervisor.core.config.ProcessGroupConfig;
import io.kupervisor.core.config.ServerConfig;
import io.kupervisor.core.config.SupervisorConfig;
import io.kupervisor.core.config.dialect.Shlex;
import io.kupervisor.core.config.dialect.ShlexException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * In-pod mode: the user's image runs {@code kupervisor supervisord} on its unchanged
 * configuration. A ConfigMap holds the files, mounted where they were (so every path and
 * {@code %(here)s} in them stays true); an init container copies kupervisor's self-contained
 * runtime into a shared volume (the image needs no change); a log sidecar per program log file
 * ({@code kupervisor tail -F}) makes {@code kubectl logs <pod> -c <program>} show that program.
 */
public final class InPodManifests {
    static final String RUNTIME_DIR = "/kupervisor";
    static final String IMAGE_RUNTIME = "/opt/kupervisor";
    static final int HEALTH_PORT = 9100;
    private static final Pattern ENV_REF = Pattern.compile("%\\(ENV_([A-Za-z0-9_]+)\\)");

    record Result(ConfigMap configMap, Secret secret, Deployment deployment, Service service,
                  List<String> sidecarCommands) {
    }

    /** A port a program serves, from {@code --port [NAME:]PORT}. */
    record ServedPort(String name, int port) {
        static ServedPort parse(String text) {
            String[] parts = text.split(":", 2);
            String number = parts.length == 2 ? parts[1] : parts[0];
            int port;
            try {
                port = Integer.parseInt(number.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid --port '" + text + "': use PORT or NAME:PORT");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("invalid --port '" + text + "': the port must be 1..65535");
            }
            String name = parts.length == 2 ? Names.label(parts[0]) : "port-" + port;
            return new ServedPort(name.length() > 15 ? name.substring(0, 15).replaceAll("-+$", "") : name, port);
        }
    }

    /** The kupervisor image's user (Dockerfile: USER 65532), for its containers' securityContext. */
    static final long KUPERVISOR_UID = 65532;

    /**
     * Requests of the containers kupervisor adds, and their memory limits (measured: a
     * {@code kupervisor tail -F} JVM settles near 60 MiB of RSS; the copy takes a few MiB).
     */
    static final String SIDECAR_CPU = "10m";
    static final String SIDECAR_MEMORY = "64Mi";
    static final String SIDECAR_MEMORY_LIMIT = "128Mi";
    static final String INSTALL_MEMORY = "16Mi";
    static final String INSTALL_MEMORY_LIMIT = "64Mi";
    /** The daemon's own share of the main container (about 50 MiB idle with 10 programs; BENCHMARKS.md). */
    static final String MAIN_CPU = "100m";
    static final String MAIN_MEMORY = "128Mi";

    /** Names of variables that hold secrets, by the usual words. */
    private static final Pattern SECRET_NAME = Pattern.compile(
            "(?i)[A-Z0-9_]*(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?)[A-Z0-9_]*");


    /**
     * @param mountDir where the main file's directory goes in the container; null keeps it where it
     *                 was. When it moves, absolute references to the old directory in the files are
     *                 rewritten to the new one ({@code %(here)s} needs nothing).
     */
    static Result build(SupervisorConfig config, Path mainFile, String name, String namespace, String image,
                        String kupervisorImage, Map<String, String> givenEnv, Path newMountDir,
                        List<Path> extraFiles, Long runAsUser, List<ServedPort> ports, MigrationReport report)
            throws IOException {
        String app = Names.label(name);
        // insertion-ordered: Map.of's order changes from one JVM to the next, and so would the YAML
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", app);
        labels.put("app.kubernetes.io/managed-by", "kupervisor");

        // ---- the configuration files, mounted where they were ----
        List<Path> files = new ArrayList<>();
        files.add(mainFile);
        files.addAll(config.includedFiles());
        files.addAll(extraFiles);
        Path hostDir = mainFile.getParent();
        Path mountDir = newMountDir != null ? newMountDir : hostDir;
        Map<String, String> data = new LinkedHashMap<>();
        Map<String, String> secretData = new LinkedHashMap<>();
        List<KeyToPath> items = new ArrayList<>();
        List<KeyToPath> secretItems = new ArrayList<>();
        List<VolumeMount> outsideMounts = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        Set<String> envRefs = new TreeSet<>();
        String secretName = app + "-supervisor-secret";
        for (Path f : files) {
            String content = Files.readString(f);
            if (!mountDir.equals(hostDir)) {
                String moved = content.replace(hostDir + "/", mountDir + "/");
                if (!moved.equals(content)) {
                    report.add("configuration", f.toString(), Status.APPROXIMATED, "paths under " + hostDir
                            + " rewritten to " + mountDir);
                }
                content = moved;
            }
            // what a ; comment says is not read by supervisord, so it asks nothing of the pod
            Matcher m = ENV_REF.matcher(withoutComments(content));
            while (m.find()) {
                envRefs.add(m.group(1));
            }
            boolean inside = f.startsWith(hostDir);
            String rel = inside ? hostDir.relativize(f).toString() : f.toString().substring(1);
            String key = Names.configMapKey(rel);
            for (int i = 2; keys.contains(key); i++) {
                key = Names.configMapKey(rel) + "-" + i;
            }
            keys.add(key);
            List<String> secrets = secretsIn(content);
            boolean secret = !secrets.isEmpty();
            if (secret) {
                secretData.put(key, content);
                report.add("configuration", f.toString(), Status.APPROXIMATED, "holds " + String.join(", ", secrets)
                        + ": the whole file goes into Secret " + secretName + " (not the ConfigMap), mounted at the"
                        + " same path; grant read access to it as to a password");
            } else {
                data.put(key, content);
            }
            if (inside) {
                (secret ? secretItems : items).add(new KeyToPath(key, null, rel));
            } else {
                outsideMounts.add(mount(secret ? "secret-files" : "config-files", f.toString(), key));
                report.add("configuration", f.toString(), Status.MAPPED,
                        "outside " + mountDir + ": mounted at its own path from the " + (secret ? "Secret" : "ConfigMap"));
            }
        }
        report.add("configuration", mainFile.toString(), Status.MAPPED, "ConfigMap " + app
                + "-supervisor, mounted at " + mountDir + " with " + files.size() + " file(s), unchanged");
        ConfigMap configMap = new ConfigMapBuilder().withNewMetadata().withName(app + "-supervisor")
                .withNamespace(namespace).withLabels(labels).endMetadata().withData(data).build();
        Secret secretResource = secretData.isEmpty() ? null : new SecretBuilder().withNewMetadata().withName(secretName)
                .withNamespace(namespace).withLabels(labels).endMetadata().withType("Opaque")
                .withStringData(secretData).build();
        shippedPrograms(config, hostDir, mountDir, files, report);

        // ---- what the programs' environment references from the old host ----
        List<EnvVar> env = new ArrayList<>();
        for (String var : envRefs) {
            if (givenEnv.containsKey(var)) {
                // handled below
            } else if (List.of("PATH", "HOME", "HOSTNAME").contains(var)) {
                report.add("environment", "ENV_" + var, Status.APPROXIMATED, "every container has its own "
                        + var + ": the container's value is used, not the old host's");
                continue;
            }
            if (givenEnv.containsKey(var)) {
                env.add(new EnvVar(var, givenEnv.get(var), null));
                report.add("environment", "ENV_" + var, Status.MAPPED, "set in the container from --env");
            } else {
                report.add("environment", "ENV_" + var, Status.DECIDE, "%(ENV_" + var + ")s is read from the"
                        + " container's environment at start: make sure the image or the Deployment sets " + var
                        + " (or pass --env " + var + "=VALUE)");
            }
        }

        // ---- log files a sidecar follows, on volumes shared with the main container ----
        Map<String, String> logVolumes = new LinkedHashMap<>(); // directory -> volume name
        Map<String, Long> logBytes = new LinkedHashMap<>(); // directory -> most bytes its logs keep (-1: no bound)
        List<Container> sidecars = new ArrayList<>();
        List<String> sidecarCommands = new ArrayList<>();
        Set<String> containerNames = new HashSet<>(Set.of("supervisord", "kupervisor-install"));
        String childlogdir = config.supervisord().childlogdir();
        int graceSeconds = 5;
        for (ProcessGroupConfig g : config.groups()) {
            graceSeconds += g.processes().stream().mapToInt(ProcessConfig::stopwaitsecs).max().orElse(0);
            reportGroup(g, report);
            for (ProcessConfig p : g.processes()) {
                String subject = "[" + p.section() + "] " + p.namespec();
                for (String channel : new String[] {"stdout", "stderr"}) {
                    LogFile lf = channel.equals("stdout") ? p.stdout().logfile() : p.stderr().logfile();
                    if (channel.equals("stderr") && p.redirectStderr()) {
                        continue;
                    }
                    String path = switch (lf) {
                        case LogFile.None n -> null;
                        case LogFile.Auto a -> childlogdir + "/" + p.name() + "-" + channel + "---"
                                + config.supervisord().identifier() + ".log";
                        case LogFile.File f -> f.path();
                    };
                    if (path == null) {
                        report.add(subject, channel + "_logfile", Status.MAPPED, "NONE: discarded, as supervisord does");
                        continue;
                    }
                    if (path.startsWith("/dev/") || path.startsWith("/proc/")) {
                        report.add(subject, channel + "_logfile", Status.MAPPED, path
                                + ": the main container's own output (kubectl logs POD -c supervisord)");
                        continue;
                    }
                    if (!path.startsWith("/")) {
                        report.add(subject, channel + "_logfile", Status.DECIDE, "relative path " + path
                                + " resolves against the image's working directory; no sidecar was made for it");
                        continue;
                    }
                    String dir = Path.of(path).getParent().toString();
                    String volume = logVolumes.computeIfAbsent(dir, d -> "logs-" + (logVolumes.size() + 1));
                    LogSettings settings = channel.equals("stdout") ? p.stdout() : p.stderr();
                    addLogBytes(logBytes, dir, settings.logfileMaxbytes(), settings.logfileBackups());
                    String cname = Names.unique(Names.label(p.name() + (channel.equals("stderr") ? "-stderr" : "")),
                            containerNames);
                    List<String> command = List.of(IMAGE_RUNTIME + "/bin/kupervisor", "tail", "-F", "-n", "+1", path);
                    sidecars.add(new ContainerBuilder().withName(cname).withImage(kupervisorImage)
                            .withCommand(command).withRestartPolicy("Always")
                            .withResources(resources(SIDECAR_CPU, SIDECAR_MEMORY, SIDECAR_MEMORY_LIMIT))
                            .withSecurityContext(restricted(KUPERVISOR_UID))
                            .withVolumeMounts(mount(volume, dir, null)).build());
                    sidecarCommands.add(String.join(" ", command));
                    report.add(subject, channel + "_logfile", lf instanceof LogFile.Auto ? Status.APPROXIMATED
                            : Status.MAPPED, (lf instanceof LogFile.Auto ? "AUTO named " + path
                            + " (--stable-auto-logs) " : path + " ") + "followed by sidecar " + cname
                            + ": kubectl logs POD -c " + cname);
                }
            }
        }
        // the daemon's own log, when it is in one of those directories
        String mainLog = config.supervisord().logfile();
        if (mainLog != null && mainLog.startsWith("/")) {
            String dir = Path.of(mainLog).getParent().toString();
            if (logVolumes.containsKey(dir)) {
                addLogBytes(logBytes, dir, config.supervisord().logfileMaxbytes(), config.supervisord().logfileBackups());
            }
        }
        Map<String, Quantity> sizeLimits = new LinkedHashMap<>();
        for (var e : logVolumes.entrySet()) {
            long bytes = logBytes.getOrDefault(e.getKey(), 0L);
            String limit = "";
            if (bytes > 0) {
                Quantity q = sizeLimit(bytes);
                sizeLimits.put(e.getValue(), q);
                limit = "; sizeLimit " + q + " (the logs' *_logfile_maxbytes x (backups + 1), rounded up)";
            } else {
                report.add("volumes", e.getKey(), Status.DECIDE, "a log here has *_logfile_maxbytes=0 (never"
                        + " rotated): emptyDir " + e.getValue() + " gets no sizeLimit and can fill the node's disk");
            }
            report.add("volumes", e.getKey(), Status.APPROXIMATED, "an emptyDir (" + e.getValue()
                    + ") is mounted here, shared with the log sidecars; it hides what the image has in " + e.getKey()
                    + limit);
        }
        if (!logVolumes.isEmpty()) {
            report.add("pod", "kubectl drain", Status.APPROXIMATED, "the logs live in emptyDirs: kubectl drain refuses"
                    + " the pod unless given --delete-emptydir-data, which deletes them (the Deployment starts the pod"
                    + " again elsewhere with empty logs; ship logs off the node if they matter)");
        }

        // ---- the pod ----
        List<Volume> volumes = new ArrayList<>();
        volumes.add(new VolumeBuilder().withName("kupervisor-runtime").withNewEmptyDir().endEmptyDir().build());
        if (secretItems.isEmpty()) {
            volumes.add(new VolumeBuilder().withName("config").withNewConfigMap().withName(app + "-supervisor")
                    .withItems(items).endConfigMap().build());
        } else {
            // the ConfigMap's files and the Secret's, side by side in one directory
            var projected = new VolumeBuilder().withName("config").withNewProjected();
            if (!items.isEmpty()) {
                projected.addNewSource().withNewConfigMap().withName(app + "-supervisor").withItems(items)
                        .endConfigMap().endSource();
            }
            projected.addNewSource().withNewSecret().withName(secretName).withItems(secretItems).endSecret().endSource();
            volumes.add(projected.endProjected().build());
        }
        if (outsideMounts.stream().anyMatch(m -> m.getName().equals("config-files"))) {
            volumes.add(new VolumeBuilder().withName("config-files").withNewConfigMap().withName(app + "-supervisor")
                    .endConfigMap().build());
        }
        if (outsideMounts.stream().anyMatch(m -> m.getName().equals("secret-files"))) {
            volumes.add(new VolumeBuilder().withName("secret-files").withNewSecret().withSecretName(secretName)
                    .endSecret().build());
        }
        List<VolumeMount> mainMounts = new ArrayList<>();
        mainMounts.add(mount("kupervisor-runtime", RUNTIME_DIR, null));
        mainMounts.add(mount("config", mountDir.toString(), null));
        mainMounts.addAll(outsideMounts);
        logVolumes.forEach((dir, volume) -> {
            volumes.add(new VolumeBuilder().withName(volume).withNewEmptyDir().withSizeLimit(sizeLimits.get(volume))
                    .endEmptyDir().build());
            mainMounts.add(mount(volume, dir, null));
        });

        List<Container> initContainers = new ArrayList<>();
        initContainers.add(new ContainerBuilder().withName("kupervisor-install").withImage(kupervisorImage)
                .withCommand(installCommand()).withResources(resources(SIDECAR_CPU, INSTALL_MEMORY, INSTALL_MEMORY_LIMIT))
                .withSecurityContext(restricted(KUPERVISOR_UID))
                .withVolumeMounts(mount("kupervisor-runtime", RUNTIME_DIR, null)).build());
        initContainers.addAll(sidecars);

        ContainerBuilder main = new ContainerBuilder().withName("supervisord").withImage(image)
                .withCommand(mainCommand(mountDir.resolve(hostDir.relativize(mainFile)).toString())).withEnv(env).withVolumeMounts(mainMounts)
                .addNewPort().withName("health").withContainerPort(HEALTH_PORT).endPort()
                .withNewReadinessProbe().withNewHttpGet().withPath("/readyz").withPort(new IntOrString("health"))
                .endHttpGet().withPeriodSeconds(5).endReadinessProbe()
                .withNewLivenessProbe().withNewHttpGet().withPath("/healthz").withPort(new IntOrString("health"))
                .endHttpGet().withPeriodSeconds(10).withFailureThreshold(3).endLivenessProbe()
                .withResources(resources(MAIN_CPU, MAIN_MEMORY, null))
                .withSecurityContext(mainSecurity(config, runAsUser, report));
        for (ServerConfig s : config.servers()) {
            if (s instanceof ServerConfig.Inet inet) {
                main.addNewPort().withName("supervisor").withContainerPort(inet.port()).endPort();
            }
        }
        for (ServedPort p : ports) {
            main.addNewPort().withName(p.name()).withContainerPort(p.port()).endPort();
        }
        Deployment deployment = new DeploymentBuilder().withNewMetadata().withName(app).withNamespace(namespace)
                .withLabels(labels).endMetadata()
                .withNewSpec().withReplicas(1).withNewSelector().withMatchLabels(Map.of("app.kubernetes.io/name", app))
                .endSelector().withNewStrategy().withType("Recreate").endStrategy()
                .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
                .withNewSpec().withTerminationGracePeriodSeconds((long) graceSeconds)
                .withNewSecurityContext().withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .endSecurityContext()
                .withInitContainers(initContainers).withContainers(main.build()).withVolumes(volumes)
                .endSpec().endTemplate().endSpec().build();
        report.add("deployment", app, Status.MAPPED, "kupervisor supervisord runs the configuration in " + image
                + " (runtime copied from " + kupervisorImage + "); readiness /readyz, liveness /healthz on "
                + HEALTH_PORT + "; termination grace " + graceSeconds + " s (the groups' stopwaitsecs)");
        Service service = null;
        if (!ports.isEmpty()) {
            var spec = new ServiceBuilder().withNewMetadata().withName(app).withNamespace(namespace).withLabels(labels)
                    .endMetadata().withNewSpec().withSelector(Map.of("app.kubernetes.io/name", app));
            for (ServedPort p : ports) {
                spec.addNewPort().withName(p.name()).withPort(p.port()).withTargetPort(new IntOrString(p.name()))
                        .endPort();
            }
            service = spec.endSpec().build();
            report.add("service", app, Status.MAPPED, "Service " + app + " on port(s) " + ports.stream()
                    .map(p -> p.name() + " " + p.port()).reduce((a, b) -> a + ", " + b).orElse("")
                    + ": kubectl port-forward svc/" + app + " " + ports.getFirst().port() + " reaches it");
        }
        report.add("pod", "containers", sidecars.size() > 8 ? Status.DECIDE : Status.APPROXIMATED,
                "kupervisor adds " + (1 + sidecars.size()) + " container(s) beside supervisord: 1 init container"
                + " (kupervisor-install, copies the runtime, then exits) and " + sidecars.size() + " log sidecar(s),"
                + " one per log file (" + SIDECAR_MEMORY + " requested and " + SIDECAR_MEMORY_LIMIT + " limit each: "
                + mebibytes(sidecars.size(), SIDECAR_MEMORY) + " requested in all)"
                + (sidecars.size() > 8 ? "; with that many, consider [kupervisor] stdout_mirror=true and"
                + " stdout_logfile=/dev/stdout for the chatty ones instead of a sidecar each" : ""));
        report.add("pod", "resources", Status.APPROXIMATED, "every container requests CPU and memory (a"
                + " ResourceQuota admits the pod); the supervisord container requests " + MAIN_CPU + " and "
                + MAIN_MEMORY + " for the daemon, with no limit: your programs' needs are unknown, so add them (a"
                + " quota on limits.memory needs a limit there)");
        return new Result(configMap, secretResource, deployment, service, sidecarCommands);
    }

    /** A file's text without what supervisord takes for comments (whole-line, and ; or # after whitespace). */
    static String withoutComments(String content) {
        StringBuilder sb = new StringBuilder();
        for (String line : content.split("\n", -1)) {
            String t = line.strip();
            if (t.startsWith(";") || t.startsWith("#")) {
                sb.append('\n');
                continue;
            }
            Matcher inline = Pattern.compile("\\s[;#]").matcher(line);
            sb.append(inline.find() ? line.substring(0, inline.start()) : line).append('\n');
        }
        return sb.toString();
    }

    /**
     * What in a file looks like a secret: a {@code password} key (servers, [supervisorctl]) and
     * {@code environment=} variables named like one (DB_PASSWORD, API_KEY...).
     */
    static List<String> secretsIn(String content) {
        List<String> found = new ArrayList<>();
        String section = "";
        boolean inEnvironment = false;
        for (String line : withoutComments(content).split("\n")) {
            String t = line.strip();
            if (t.isEmpty()) {
                continue;
            }
            if (t.startsWith("[") && t.contains("]")) {
                section = t.substring(1, t.lastIndexOf(']'));
                inEnvironment = false;
                continue;
            }
            boolean continuation = Character.isWhitespace(line.charAt(0));
            String key = t.split("[=:]", 2)[0].strip().toLowerCase(Locale.ROOT);
            if (!continuation) {
                inEnvironment = key.equals("environment");
                if (key.equals("password")) {
                    found.add("a password in [" + section + "]");
                    continue;
                }
            }
            if (inEnvironment) {
                int separator = t.replaceFirst("[=:]", "\u0000").indexOf('\u0000');
                String value = continuation || separator < 0 ? t : t.substring(separator + 1);
                Matcher names = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\s*=").matcher(value);
                while (names.find()) {
                    if (SECRET_NAME.matcher(names.group(1)).matches()) {
                        found.add(names.group(1) + " in [" + section + "] environment");
                    }
                }
            }
        }
        return found;
    }

    /**
     * A program that runs a file from the configuration's directory: in the pod that directory is
     * the ConfigMap's, so the file is there only if it is shipped with it (--add-file).
     */
    private static void shippedPrograms(SupervisorConfig config, Path hostDir, Path mountDir, List<Path> files,
                                        MigrationReport report) {
        for (ProcessGroupConfig g : config.groups()) {
            Set<String> said = new HashSet<>();
            for (ProcessConfig p : g.processes()) {
                List<String> args;
                try {
                    args = Shlex.split(p.command());
                } catch (ShlexException e) {
                    continue;
                }
                Path cwd = p.directory() != null ? Path.of(p.directory()) : null;
                for (String arg : args) {
                    if (arg.startsWith("-")) {
                        continue;
                    }
                    Path file = arg.startsWith("/") ? Path.of(arg) : cwd == null ? null : cwd.resolve(arg);
                    if (file == null) {
                        continue;
                    }
                    file = file.normalize();
                    if (!file.startsWith(hostDir) || !Files.isRegularFile(file) || !said.add(file.toString())) {
                        continue;
                    }
                    String subject = "[" + p.section() + "]";
                    if (files.contains(file)) {
                        report.add(subject, "command", Status.MAPPED, "runs " + file.getFileName()
                                + ", shipped in the ConfigMap");
                    } else {
                        report.add(subject, "command", Status.DECIDE, "runs " + file + ", but the ConfigMap replaces "
                                + mountDir + " in the container and does not hold it: ship it with --add-file "
                                + file + " (or put the configuration elsewhere with --mount-dir)");
                    }
                }
            }
        }
    }

    private static void addLogBytes(Map<String, Long> bytes, String dir, long maxbytes, int backups) {
        long before = bytes.getOrDefault(dir, 0L);
        if (before < 0 || maxbytes <= 0) {
            bytes.put(dir, -1L); // never rotated: no bound
            return;
        }
        // supervisord rotates after the write that passes maxbytes: a file can hold one write more
        bytes.put(dir, before + (maxbytes + 64 * 1024) * (backups + 1L));
    }

    /** The bytes as whole MiB, rounded up, with a tenth more for what is not a log (a pid file, a socket). */
    static Quantity sizeLimit(long bytes) {
        long mib = (bytes + (1 << 20) - 1) >> 20;
        return new Quantity(Long.toString(mib + Math.max(1, mib / 10)), "Mi");
    }

    private static String mebibytes(int count, String each) {
        return (count * Long.parseLong(each.replace("Mi", ""))) + "Mi";
    }

    private static ResourceRequirements resources(String cpu, String memory, String memoryLimit) {
        var r = new ResourceRequirementsBuilder().addToRequests("cpu", new Quantity(cpu))
                .addToRequests("memory", new Quantity(memory));
        if (memoryLimit != null) {
            r.addToLimits("memory", new Quantity(memoryLimit));
        }
        return r.build();
    }

    /** The restricted Pod Security level's container fields, for a container that runs as {@code uid}. */
    private static SecurityContext restricted(long uid) {
        return new SecurityContextBuilder().withRunAsNonRoot(true).withRunAsUser(uid)
                .withAllowPrivilegeEscalation(false).withNewCapabilities().withDrop("ALL").endCapabilities().build();
    }

    /**
     * The supervisord container: restricted when asked for (a non-root {@code --run-as-user} and no
     * user= to switch to), else the image's own user and the runtime's default capabilities, as the
     * programs had under supervisord: an image that runs as root commonly has programs that bind
     * ports below 1024 or switch users themselves (nginx, php-fpm), which a dropped capability set
     * breaks (seen on a real cluster: nginx exited 1 at once). The report says what restricted needs.
     */
    private static SecurityContext mainSecurity(SupervisorConfig config, Long runAsUser, MigrationReport report) {
        List<String> switching = new ArrayList<>();
        if (config.supervisord().user() != null) {
            String u = config.supervisord().user();
            switching.add("[supervisord] user=" + u + (u.equals("root") || u.equals("0") ? " (UID 0)" : ""));
        }
        for (ProcessGroupConfig g : config.groups()) {
            g.processes().stream().filter(p -> p.user() != null).findFirst()
                    .ifPresent(p -> switching.add("[" + p.section() + "] user=" + p.user().written()
                            + (uidOf(p.user()) != null ? " (UID " + uidOf(p.user()) + ")" : "")));
        }
        boolean root = switching.stream().anyMatch(u -> u.contains("(UID 0)"));
        if (!switching.isEmpty()) {
            report.add("pod", "securityContext", Status.DECIDE, String.join(", ", switching) + ": the daemon must run"
                    + " as root with CAP_SETUID and CAP_SETGID to switch users" + (root ? ", and user root is UID 0" : "")
                    + ", which a namespace at the restricted Pod Security level refuses; drop user= (and give"
                    + " --run-as-user UID) to run restricted");
            return null;
        }
        if (runAsUser == null) {
            report.add("pod", "securityContext", Status.DECIDE, "the supervisord container runs as the image's user"
                    + " with the container runtime's default capabilities, as the programs ran under supervisord; a"
                    + " namespace at the restricted Pod Security level needs a non-root UID without capabilities:"
                    + " give --run-as-user UID if the programs need neither root nor ports below 1024");
            return null;
        }
        if (runAsUser == 0) {
            report.add("pod", "securityContext", Status.DECIDE, "--run-as-user 0 is root, which the restricted Pod"
                    + " Security level refuses");
            return new SecurityContextBuilder().withRunAsUser(0L).build();
        }
        report.add("pod", "securityContext", Status.MAPPED, "every container runs as a non-root user (supervisord as"
                + " UID " + runAsUser + "), without privilege escalation or capabilities, seccomp RuntimeDefault:"
                + " the restricted Pod Security level admits the pod");
        return restricted(runAsUser);
    }

    /** The UID of a user= value: the one this host knows, and root's on any host. */
    static Integer uidOf(io.kupervisor.core.config.UserRef user) {
        if (user.uid() != null) {
            return user.uid();
        }
        return user.written().equals("root") || user.written().equals("0") ? 0 : null;
    }

    /**
     * The init container's copy. It runs as the image's non-root user into an emptyDir that root
     * owns: {@code cp -a} fails there (it cannot set the directory's times), and a restarted init
     * container meets the read-only files of its first attempt, which {@code -f} replaces.
     */
    public static List<String> installCommand() {
        return List.of("cp", "-R", "-f", IMAGE_RUNTIME + "/.", RUNTIME_DIR + "/");
    }

    static List<String> mainCommand(String mainFile) {
        return List.of(RUNTIME_DIR + "/bin/kupervisor", "supervisord", "-n", "-c", mainFile,
                "--health-port", String.valueOf(HEALTH_PORT), "--stable-auto-logs");
    }

    private static void reportGroup(ProcessGroupConfig g, MigrationReport report) {
        String subject = "[" + g.section() + "]";
        if (g.kind() == GroupKind.EVENT_LISTENER_POOL) {
            report.add(subject, "events", Status.MAPPED, "the listener runs and is sent " + String.join(",", g.events())
                    + " with supervisord's protocol");
        } else if (g.kind() == GroupKind.FASTCGI) {
            report.add(subject, "socket", Status.DECIDE, "kupervisor does not create FastCGI sockets yet ("
                    + g.socket().url() + "); the processes would start without it");
        }
        // one row per section and decision, not one per process of a numprocs pool
        for (ProcessConfig p : g.processes().isEmpty() ? List.<ProcessConfig>of() : List.of(g.processes().getFirst())) {
            String ps = "[" + p.section() + "]";
            report.add(ps, "command", Status.MAPPED, "runs unchanged in the image");
            if (p.user() != null) {
                Integer uid = uidOf(p.user());
                report.add(ps, "user", uid != null ? Status.MAPPED : Status.APPROXIMATED,
                        "user " + p.user().written() + (uid != null ? " (UID " + uid + (uid == 0 ? ": root" : "")
                        + ")" : "") + " must exist in the image with that UID (the daemon runs as root to switch)");
            }
            if (p.directory() != null && !p.directory().startsWith("/")) {
                report.add(ps, "directory", Status.DECIDE, "relative directory " + p.directory()
                        + " resolves against the image's working directory");
            }
            if (p.stdout().syslog() || p.stderr().syslog()) {
                report.add(ps, "*_syslog", Status.APPROXIMATED, "no syslog in the pod: the lines stay in the log files");
            }
        }
    }

    private static VolumeMount mount(String volume, String path, String subPath) {
        VolumeMount m = new VolumeMount();
        m.setName(volume);
        m.setMountPath(path);
        m.setSubPath(subPath);
        return m;
    }
}
