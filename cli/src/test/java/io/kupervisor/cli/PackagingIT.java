package io.kupervisor.cli;

import io.kupervisor.cli.migrate.InPodManifests;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Dockerfile cannot be built here (no container engine), so its steps are run as they are:
 * the runtime it builds must start and run a program from a config, and every RUN of the
 * Dockerfile must be a command this test (or the build) runs.
 */
class PackagingIT {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    record Run(int exit, String out) {
    }

    static Run run(Path cwd, List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command + "\n" + out);
        }
        return new Run(p.exitValue(), out);
    }

    @Test
    void everyDockerfileStepIsAScriptOrMavenCommandThatIsTested() throws IOException {
        List<String> runs = new ArrayList<>();
        for (String line : Files.readAllLines(ROOT.resolve("Dockerfile"))) {
            if (line.startsWith("RUN ")) {
                runs.add(line.substring(4).strip());
            }
        }
        // the Maven package step is what the build of this very test ran; dist.sh is run below;
        // init/build.sh (kupervisor-init) is run by the operator's KupervisorInitTest and
        // tail/build.sh (kupervisor-tail) by KupervisorTailTest, with the C compiler and static
        // libc that the apt-get step installs in the image (Debian's gcc, libc6-dev)
        // (binutils: dist.sh strips the native libraries' symbol tables with it; gcc and libc6-dev in
        // the build stage: the supervisord module compiles the daemon's JNI library, as it did here)
        assertThat(runs).containsExactly(
                "apt-get update && apt-get install -y --no-install-recommends binutils gcc libc6-dev && rm -rf /var/lib/apt/lists/*",
                "./mvnw -B -q -Dmaven.test.skip=true -Dmaven.main.skip=true -Dquarkus.build.skip=true package", "./mvnw -B -Dmaven.test.skip=true package",
                "tools/package/dist.sh /opt/kupervisor",
                "apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev && rm -rf /var/lib/apt/lists/*",
                "/src/init/build.sh /out/kupervisor-init", "/src/tail/build.sh /out/kupervisor-tail");
    }

    @Test
    void theRuntimeTheImageCarriesRunsProgramsWithoutAJdk() throws Exception {
        Path dist = dir.resolve("opt-kupervisor");
        Run built = run(ROOT, List.of("tools/package/dist.sh", dist.toString()), 300);
        assertThat(built.exit()).as(built.out()).isZero();
        assertThat(dist.resolve("runtime/bin/java")).isExecutable();
        assertThat(dist.resolve("runtime/jmods")).doesNotExist();
        // the daemon's AOT cache, from the training run
        assertThat(dist.resolve("lib/kupervisor.aot")).isNotEmptyFile();
        // only the modules the pod's jar uses: not java.xml (the XML-RPC codec has its own reader),
        // nor java.desktop and java.sql, which migrate's libraries (Jackson, SnakeYAML) use only when
        // they are there; and none of the files no command runs
        Run modules = run(dir, List.of(dist.resolve("runtime/bin/java").toString(), "--list-modules"), 60);
        assertThat(modules.out()).contains("java.base@", "jdk.unsupported@")
                .doesNotContain("java.xml", "java.desktop", "java.sql");
        for (String unused : List.of("lib/jrt-fs.jar", "lib/classlist", "lib/jexec", "bin/keytool")) {
            assertThat(dist.resolve("runtime").resolve(unused)).doesNotExist();
        }
        assertThat(dist.resolve("runtime/lib/jspawnhelper")).isExecutable();
        assertThat(dist.resolve("runtime/lib/libsyslookup.so")).isNotEmptyFile();
        // the daemon's POSIX calls (JNI), beside the jar, where the launcher names it
        assertThat(dist.resolve("lib/libkupervisor-posix.so")).isNotEmptyFile();
        // and migrate runs on them, in the image, as the checkout's does (examples/generate.sh)
        for (String example : List.of("timeit", "nginx-php-fpm")) {
            List<String> command = new ArrayList<>();
            String line = Files.readString(ROOT.resolve("examples/generate.sh")).replace("\\\n", " ").lines()
                    .filter(l -> l.startsWith("./kupervisor migrate -c examples/" + example + "/")).findFirst().orElseThrow();
            for (String arg : line.substring("./kupervisor ".length()).trim().split("\\s+")) {
                command.add(arg.equals("examples/" + example + "/in-pod") ? dir.resolve(example).toString() : arg);
            }
            command.addFirst(dist.resolve("bin/kupervisor").toString());
            Run migrated = run(ROOT, command, 120);
            assertThat(migrated.exit()).as("%s: %s", command, migrated.out()).isZero();
            for (String file : List.of("configmap.yaml", "deployment.yaml")) {
                assertThat(Files.readString(dir.resolve(example).resolve(file)))
                        .isEqualTo(Files.readString(ROOT.resolve("examples").resolve(example).resolve("in-pod").resolve(file)));
            }
        }

        // the init container's copy step as a pod runs it: the image's user (65532) into an
        // emptyDir (mode 0777, owned by root), twice (an init container may be restarted); then
        // the main container's command
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        dir.toFile().setExecutable(true, false);
        List<String> copy = new ArrayList<>();
        for (String arg : InPodManifests.installCommand()) {
            copy.add(arg.replaceFirst("^/opt/kupervisor", dist.toString()).replaceFirst("^/kupervisor/$", shared + "/"));
        }
        if ("root".equals(System.getProperty("user.name"))) {
            copy.addAll(0, List.of("setpriv", "--reuid=65532", "--regid=65532", "--clear-groups"));
        }
        for (int attempt = 1; attempt <= 2; attempt++) {
            Run copied = run(dir, copy, 60);
            assertThat(copied.exit()).as("attempt %d of %s: %s", attempt, copy, copied.out()).isZero();
        }

        Run version = run(dir, List.of(shared.resolve("bin/kupervisor").toString(), "--version"), 60);
        assertThat(version.exit()).isZero();
        assertThat(version.out()).contains("kupervisor");
        // the pod's copy leaves migrate's libraries out, and says so
        assertThat(shared.resolve("migrate")).doesNotExist();
        Run migrate = run(dir, List.of(shared.resolve("bin/kupervisor").toString(), "migrate", "-c", "x"), 60);
        assertThat(migrate.exit()).isEqualTo(1);
        assertThat(migrate.out()).isEqualTo("kupervisor migrate: not in this copy of kupervisor (the runtime copied"
                + " into pods leaves out its libraries): run it from the kupervisor image or a checkout\n");

        Path conf = dir.resolve("supervisord.conf");
        Files.writeString(conf, """
                [supervisord]
                nodaemon=true
                logfile=%1$s/supervisord.log
                pidfile=%1$s/supervisord.pid
                [program:hello]
                command=/bin/sh -c 'echo hello from the runtime'
                startsecs=0
                autorestart=false
                stdout_logfile=%1$s/hello.log
                [unix_http_server]
                file=%1$s/supervisor.sock
                [rpcinterface:supervisor]
                supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
                [supervisorctl]
                serverurl=unix://%1$s/supervisor.sock
                [kupervisor]
                exit_on_fatal=false
                """.formatted(dir));
        // every class the daemon loads, to show what it does not: the FFM and classes spun at run time
        // (pattern switches, proxies, the JDK's comparators), and the locale data that a DateTimeFormatter
        // of day and month names loads at the first answer (HTTP's Date header, a stop time in status)
        // each cost every pod memory (issue 18)
        Path classes = dir.resolve("classes.log");
        ProcessBuilder daemonCommand = new ProcessBuilder(shared.resolve("bin/kupervisor").toString(), "supervisord",
                "-c", conf.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("daemon.out").toFile());
        daemonCommand.environment().put("KUPERVISOR_JAVA_OPTS",
                "-Xlog:class+load=info:file=" + classes);
        Process daemon = daemonCommand.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline && !(Files.exists(dir.resolve("hello.log"))
                    && Files.readString(dir.resolve("hello.log")).contains("hello from the runtime"))) {
                Thread.sleep(100);
            }
            assertThat(Files.readString(dir.resolve("hello.log"))).isEqualTo("hello from the runtime\n");
            // ctl and the daemon speak XML-RPC on a runtime without java.xml
            Run status = run(dir, List.of(shared.resolve("bin/kupervisor").toString(), "ctl", "-c", conf.toString(),
                    "status", "hello"), 60);
            assertThat(status.out()).as(status.out()).matches("(?s)hello +(RUNNING|EXITED) .*");
            // the native library is the copy's lib/ one, as the launcher names it (not a temporary copy)
            assertThat(Files.readString(Path.of("/proc/" + daemon.pid() + "/maps")))
                    .contains(shared.resolve("lib/libkupervisor-posix.so").toString());
        } finally {
            daemon.destroy();
            assertThat(daemon.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(daemon.exitValue()).isZero();
        assertThat(Files.readString(dir.resolve("supervisord.log"))).contains("received SIGTERM indicating exit request");
        // the copied runtime's cache may not fit its new place: the JVM says nothing of it
        assertThat(Files.readString(dir.resolve("daemon.out"))).doesNotContain("[warning]", "[error]", "VM warning");
        assertThat(Files.readString(classes)).contains("io.kupervisor.supervisord.posix.Posix ")
                .doesNotContain("java.lang.foreign.Linker", "jdk.internal.foreign.abi.DowncallLinker", "$$TypeSwitch",
                        "jdk.MHProxy", "Comparator$$Lambda", "sun.util.locale.provider.LocaleResources");
    }
}
