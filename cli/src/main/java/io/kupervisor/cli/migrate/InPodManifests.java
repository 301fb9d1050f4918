package io.kupervisor.cli.migrate;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.kupervisor.cli.migrate.MigrationReport.Status;
import io.kupervisor.core.config.GroupKind;
import io.kupervisor.core.config.LogFile;
import io.kupervisor.core.config.ProcessConfig;
import io.kupervisor.core.config.ProcessGroupConfig;
import io.kupervisor.core.config.ServerConfig;
import io.kupervisor.core.config.SupervisorConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
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

    record Result(ConfigMap configMap, Deployment deployment, List<String> sidecarCommands) {
        List<HasMetadata> resources() {
            return List.of(configMap, deployment);
        }
    }

    /**
     * @param mountDir where the main file's directory goes in the container; null keeps it where it
     *                 was. When it moves, absolute references to the old directory in the files are
     *                 rewritten to the new one ({@code %(here)s} needs nothing).
     */
    static Result build(SupervisorConfig config, Path mainFile, String name, String namespace, String image,
                        String kupervisorImage, Map<String, String> givenEnv, Path newMountDir,
                        List<Path> extraFiles, MigrationReport report) throws IOException {
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
        List<KeyToPath> items = new ArrayList<>();
        List<VolumeMount> outsideMounts = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        Set<String> envRefs = new TreeSet<>();
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
            Matcher m = ENV_REF.matcher(content);
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
            data.put(key, content);
            if (inside) {
                items.add(new KeyToPath(key, null, rel));
            } else {
                outsideMounts.add(mount("config-files", f.toString(), key));
                report.add("configuration", f.toString(), Status.MAPPED,
                        "outside " + mountDir + ": mounted at its own path from the ConfigMap");
            }
        }
        report.add("configuration", mainFile.toString(), Status.MAPPED, "ConfigMap " + app
                + "-supervisor, mounted at " + mountDir + " with " + files.size() + " file(s), unchanged");
        ConfigMap configMap = new ConfigMapBuilder().withNewMetadata().withName(app + "-supervisor")
                .withNamespace(namespace).withLabels(labels).endMetadata().withData(data).build();

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
                    String cname = Names.unique(Names.label(p.name() + (channel.equals("stderr") ? "-stderr" : "")),
                            containerNames);
                    List<String> command = List.of(IMAGE_RUNTIME + "/bin/kupervisor", "tail", "-F", "-n", "+1", path);
                    sidecars.add(new ContainerBuilder().withName(cname).withImage(kupervisorImage)
                            .withCommand(command).withRestartPolicy("Always")
                            .withVolumeMounts(mount(volume, dir, null)).build());
                    sidecarCommands.add(String.join(" ", command));
                    report.add(subject, channel + "_logfile", lf instanceof LogFile.Auto ? Status.APPROXIMATED
                            : Status.MAPPED, (lf instanceof LogFile.Auto ? "AUTO named " + path
                            + " (--stable-auto-logs) " : path + " ") + "followed by sidecar " + cname
                            + ": kubectl logs POD -c " + cname);
                }
            }
        }
        for (var e : logVolumes.entrySet()) {
            report.add("volumes", e.getKey(), Status.APPROXIMATED, "an emptyDir (" + e.getValue()
                    + ") is mounted here, shared with the log sidecars; it hides what the image has in " + e.getKey());
        }

        // ---- the pod ----
        List<Volume> volumes = new ArrayList<>();
        volumes.add(new VolumeBuilder().withName("kupervisor-runtime").withNewEmptyDir().endEmptyDir().build());
        volumes.add(new VolumeBuilder().withName("config").withNewConfigMap().withName(app + "-supervisor")
                .withItems(items).endConfigMap().build());
        if (!outsideMounts.isEmpty()) {
            volumes.add(new VolumeBuilder().withName("config-files").withNewConfigMap().withName(app + "-supervisor")
                    .endConfigMap().build());
        }
        List<VolumeMount> mainMounts = new ArrayList<>();
        mainMounts.add(mount("kupervisor-runtime", RUNTIME_DIR, null));
        mainMounts.add(mount("config", mountDir.toString(), null));
        mainMounts.addAll(outsideMounts);
        logVolumes.forEach((dir, volume) -> {
            volumes.add(new VolumeBuilder().withName(volume).withNewEmptyDir().endEmptyDir().build());
            mainMounts.add(mount(volume, dir, null));
        });

        List<Container> initContainers = new ArrayList<>();
        initContainers.add(new ContainerBuilder().withName("kupervisor-install").withImage(kupervisorImage)
                .withCommand(installCommand()).withVolumeMounts(mount("kupervisor-runtime", RUNTIME_DIR, null)).build());
        initContainers.addAll(sidecars);

        ContainerBuilder main = new ContainerBuilder().withName("supervisord").withImage(image)
                .withCommand(mainCommand(mountDir.resolve(hostDir.relativize(mainFile)).toString())).withEnv(env).withVolumeMounts(mainMounts)
                .addNewPort().withName("health").withContainerPort(HEALTH_PORT).endPort()
                .withNewReadinessProbe().withNewHttpGet().withPath("/readyz").withPort(new IntOrString("health"))
                .endHttpGet().withPeriodSeconds(5).endReadinessProbe()
                .withNewLivenessProbe().withNewHttpGet().withPath("/healthz").withPort(new IntOrString("health"))
                .endHttpGet().withPeriodSeconds(10).withFailureThreshold(3).endLivenessProbe();
        for (ServerConfig s : config.servers()) {
            if (s instanceof ServerConfig.Inet inet) {
                main.addNewPort().withName("supervisor").withContainerPort(inet.port()).endPort();
            }
        }
        Deployment deployment = new DeploymentBuilder().withNewMetadata().withName(app).withNamespace(namespace)
                .withLabels(labels).endMetadata()
                .withNewSpec().withReplicas(1).withNewSelector().withMatchLabels(Map.of("app.kubernetes.io/name", app))
                .endSelector().withNewStrategy().withType("Recreate").endStrategy()
                .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
                .withNewSpec().withTerminationGracePeriodSeconds((long) graceSeconds)
                .withInitContainers(initContainers).withContainers(main.build()).withVolumes(volumes)
                .endSpec().endTemplate().endSpec().build();
        report.add("deployment", app, Status.MAPPED, "kupervisor supervisord runs the configuration in " + image
                + " (runtime copied from " + kupervisorImage + "); readiness /readyz, liveness /healthz on "
                + HEALTH_PORT + "; termination grace " + graceSeconds + " s (the groups' stopwaitsecs)");
        return new Result(configMap, deployment, sidecarCommands);
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
        for (ProcessConfig p : g.processes()) {
            String ps = "[" + p.section() + "] " + p.namespec();
            report.add(ps, "command", Status.MAPPED, "runs unchanged in the image");
            if (p.user() != null) {
                report.add(ps, "user", p.user().uid() != null ? Status.MAPPED : Status.APPROXIMATED,
                        "user " + p.user().written() + " must exist in the image (the daemon runs as root to switch)");
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
