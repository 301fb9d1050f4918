package io.kupervisor.cli.migrate;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kupervisor.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@code migrate --mode in-pod} writes as a cluster admin reads it, and what its report says. */
class InPodManifestsTest {
    @TempDir
    Path dir;

    private CliRun migrate(String config, String... more) throws IOException {
        Path conf = dir.resolve("app/supervisord.conf");
        Files.createDirectories(conf.getParent());
        Files.writeString(conf, config);
        List<String> args = new ArrayList<>(List.of("migrate", "-c", conf.toString(), "--mode", "in-pod",
                "--image", "app:1", "--report", dir.resolve("report.md").toString(), "-o", dir.resolve("out").toString()));
        args.addAll(List.of(more));
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertThat(r.exit()).as(r.err()).isZero();
        return r;
    }

    private PodSpec pod() throws IOException {
        return Serialization.unmarshal(Files.readString(dir.resolve("out/deployment.yaml")), Deployment.class)
                .getSpec().getTemplate().getSpec();
    }

    private static final String BASE = """
            [supervisord]
            logfile=/var/log/app/supervisord.log
            logfile_maxbytes=1MB
            logfile_backups=1
            [program:web]
            command=/bin/sleep 1000
            stdout_logfile=/var/log/app/web.log
            stdout_logfile_maxbytes=1MB
            stdout_logfile_backups=2
            redirect_stderr=true
            """;

    @Test
    void everyContainerRequestsResourcesAndLogVolumesHaveASizeLimit() throws IOException {
        CliRun r = migrate(BASE);
        PodSpec pod = pod();
        List<Container> all = new ArrayList<>(pod.getInitContainers());
        all.addAll(pod.getContainers());
        for (Container c : all) {
            assertThat(c.getResources().getRequests()).as(c.getName()).containsKeys("cpu", "memory");
        }
        for (Container c : pod.getInitContainers()) {
            assertThat(c.getResources().getLimits()).as(c.getName()).containsKey("memory");
        }
        // web.log: 1 MiB x 3 files, the main log 1 MiB x 2, each with a write's slack: 5.3 MiB -> 6 + 1 Mi
        Volume logs = pod.getVolumes().stream().filter(v -> v.getName().equals("logs-1")).findFirst().orElseThrow();
        assertThat(logs.getEmptyDir().getSizeLimit()).isEqualTo(new Quantity("7", "Mi"));
        assertThat(r.out()).contains("sizeLimit 7Mi").contains("--delete-emptydir-data")
                .contains("kupervisor adds 2 container(s) beside supervisord: 1 init container (kupervisor-install,"
                        + " copies the runtime, then exits) and 1 log sidecar(s)");
    }

    @Test
    void aLogNeverRotatedGetsNoLimitAndTheReportSaysSo() throws IOException {
        CliRun r = migrate(BASE.replace("stdout_logfile_maxbytes=1MB", "stdout_logfile_maxbytes=0"));
        Volume logs = pod().getVolumes().stream().filter(v -> v.getName().equals("logs-1")).findFirst().orElseThrow();
        assertThat(logs.getEmptyDir().getSizeLimit()).isNull();
        assertThat(r.out()).contains("DECIDE volumes /var/log/app: a log here has *_logfile_maxbytes=0");
    }

    @Test
    void passwordsGoIntoASecretNotTheConfigMap() throws IOException {
        Path conf = dir.resolve("app/supervisord.conf");
        Files.createDirectories(conf.getParent());
        Files.writeString(dir.resolve("app/db.conf"), """
                [program:db]
                command=/bin/sleep 1000
                environment=DB_HOST="db",DB_PASSWORD="s3cret"
                """);
        CliRun r = migrate(BASE + """
                [inet_http_server]
                port=127.0.0.1:9001
                username=admin
                password=hunter2
                [include]
                files=db.conf
                """);
        ConfigMap cm = Serialization.unmarshal(Files.readString(dir.resolve("out/configmap.yaml")), ConfigMap.class);
        Secret secret = Serialization.unmarshal(Files.readString(dir.resolve("out/secret.yaml")), Secret.class);
        assertThat(cm.getData()).isNullOrEmpty();
        assertThat(secret.getStringData()).containsOnlyKeys("supervisord.conf", "db.conf");
        assertThat(Files.readString(dir.resolve("out/configmap.yaml"))).doesNotContain("hunter2", "s3cret");
        assertThat(r.out()).contains("holds a password in [inet_http_server]: the whole file goes into Secret app-supervisor-secret")
                .contains("holds DB_PASSWORD in [program:db] environment");
        // mounted where the files were, from the Secret
        Volume config = pod().getVolumes().stream().filter(v -> v.getName().equals("config")).findFirst().orElseThrow();
        assertThat(config.getProjected().getSources()).anySatisfy(s -> assertThat(s.getSecret().getName())
                .isEqualTo("app-supervisor-secret"));
    }

    @Test
    void withANonRootUserEveryContainerIsRestricted() throws IOException {
        CliRun r = migrate(BASE, "--run-as-user", "10001");
        PodSpec pod = pod();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        List<Container> all = new ArrayList<>(pod.getInitContainers());
        all.addAll(pod.getContainers());
        for (Container c : all) {
            var sc = c.getSecurityContext();
            assertThat(sc.getRunAsNonRoot()).as(c.getName()).isTrue();
            assertThat(sc.getAllowPrivilegeEscalation()).as(c.getName()).isFalse();
            assertThat(sc.getCapabilities().getDrop()).as(c.getName()).containsExactly("ALL");
            assertThat(sc.getCapabilities().getAdd()).as(c.getName()).isNullOrEmpty();
        }
        assertThat(pod.getContainers().getFirst().getSecurityContext().getRunAsUser()).isEqualTo(10001L);
        assertThat(r.out()).doesNotContain("DECIDE");

        CliRun switching = migrate(BASE.replace("redirect_stderr=true", "redirect_stderr=true\nuser=root"));
        assertThat(switching.out()).contains("DECIDE pod securityContext: [program:web] user=root (UID 0): the daemon"
                + " must run as root with CAP_SETUID and CAP_SETGID to switch users, and user root is UID 0");
        assertThat(pod().getContainers().getFirst().getSecurityContext()).isNull();
    }

    @Test
    void withoutARunAsUserTheProgramsKeepTheImagesUserAndCapabilities() throws IOException {
        // nginx and php-fpm as root bind port 80 and switch to www-data themselves: a dropped
        // capability set made nginx exit 1 at once on a real cluster
        CliRun r = migrate(BASE);
        PodSpec pod = pod();
        Container main = pod.getContainers().getFirst();
        assertThat(main.getSecurityContext()).isNull();
        assertThat(r.out()).contains("DECIDE pod securityContext: the supervisord container runs as the image's user"
                + " with the container runtime's default capabilities");
        // kupervisor's own containers stay restricted
        for (Container c : pod.getInitContainers()) {
            assertThat(c.getSecurityContext().getCapabilities().getDrop()).as(c.getName()).containsExactly("ALL");
            assertThat(c.getSecurityContext().getRunAsNonRoot()).as(c.getName()).isTrue();
        }
    }

    @Test
    void aScriptRunFromTheConfigurationsDirectoryMustBeShipped() throws IOException {
        Path conf = dir.resolve("app/supervisord.conf");
        Files.createDirectories(conf.getParent());
        Files.writeString(dir.resolve("app/job.py"), "print('hi')\n");
        String config = BASE + """
                [program:job]
                command=python3 job.py --verbose
                directory=%(here)s
                numprocs=3
                process_name=%(program_name)s_%(process_num)d
                ; %(ENV_ONLY_IN_A_COMMENT)s is not read by supervisord
                """;
        CliRun without = migrate(config);
        assertThat(without.out()).containsOnlyOnce("DECIDE [program:job] command: runs " + dir.resolve("app/job.py")
                + ", but the ConfigMap replaces " + dir.resolve("app") + " in the container and does not hold it:"
                + " ship it with --add-file");
        assertThat(without.out()).doesNotContain("ONLY_IN_A_COMMENT");
        CliRun with = migrate(config, "--add-file", dir.resolve("app/job.py").toString());
        assertThat(with.out()).doesNotContain("DECIDE [program:job]");
        ConfigMap cm = Serialization.unmarshal(Files.readString(dir.resolve("out/configmap.yaml")), ConfigMap.class);
        assertThat(cm.getData()).containsKey("job.py");
    }

    @Test
    void portsAreDeclaredWithAService() throws IOException {
        CliRun r = migrate(BASE, "--port", "http:8080");
        Service svc = Serialization.unmarshal(Files.readString(dir.resolve("out/service.yaml")), Service.class);
        assertThat(svc.getSpec().getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getPort()).isEqualTo(8080);
            assertThat(p.getTargetPort().getStrVal()).isEqualTo("http");
        });
        assertThat(pod().getContainers().getFirst().getPorts()).anySatisfy(p -> {
            assertThat(p.getName()).isEqualTo("http");
            assertThat(p.getContainerPort()).isEqualTo(8080);
        });
        assertThat(r.out()).contains("wrote").contains("service.yaml");
        CliRun bad = CliRun.of("migrate", "-c", dir.resolve("app/supervisord.conf").toString(), "--mode", "in-pod",
                "--image", "x", "--port", "http:99999", "-o", dir.resolve("bad").toString());
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).startsWith("Error: invalid --port 'http:99999'");
    }

    @Test
    void operatorModeSaysWhichValuesOfThisMachineItWrote() throws IOException {
        Path conf = dir.resolve("app/supervisord.conf");
        Files.createDirectories(conf.getParent());
        Files.writeString(conf, """
                [supervisord]
                [program:web]
                command=/bin/sleep 1000
                directory=%(here)s
                environment=PATH="/opt/bin:%(ENV_PATH)s"
                ; %(ENV_NOT_READ)s
                """);
        CliRun r = CliRun.of("migrate", "-c", conf.toString(), "--mode", "operator", "--image", "app:1",
                "--report", dir.resolve("report.md").toString(), "-o", dir.resolve("out").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("APPROX [program:web] %(ENV_PATH)s: expanded to this machine's value, '"
                + System.getenv("PATH") + "', written into the manifest; give the old host's with --env PATH=VALUE");
        assertThat(r.out()).contains("APPROX [program:web] %(here)s: expanded to this machine's value, '"
                + dir.resolve("app") + "'");
        assertThat(r.out()).doesNotContain("NOT_READ");
        // every row of the report has a key
        try (Stream<String> lines = Files.lines(dir.resolve("report.md"))) {
            assertThat(lines.filter(l -> l.startsWith("| ") && !l.startsWith("| key"))).allSatisfy(l ->
                    assertThat(l).doesNotStartWith("|  |"));
        }
        CliRun given = CliRun.of("migrate", "-c", conf.toString(), "--mode", "operator", "--image", "app:1",
                "--env", "PATH=/usr/bin", "-o", dir.resolve("out2").toString());
        assertThat(given.out()).doesNotContain("%(ENV_PATH)s: expanded");
    }
}
