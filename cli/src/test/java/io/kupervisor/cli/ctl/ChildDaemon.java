package io.kupervisor.cli.ctl;

import io.kupervisor.supervisord.rpc.RpcClient;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A daemon under test in a process of its own: Debian's {@code /usr/bin/supervisord} or
 * {@code kupervisor supervisord} run from the test classpath. (Never in the test JVM: the daemon's
 * reaper waits for any child of its JVM, which would take the exit statuses of the
 * {@code supervisorctl} processes the tests start.)
 */
final class ChildDaemon implements AutoCloseable {
    static final Path SUPERVISORD = Path.of("/usr/bin/supervisord");
    static final Path SUPERVISORCTL = Path.of("/usr/bin/supervisorctl");

    enum Kind {
        SUPERVISORD, KUPERVISOR
    }

    final Kind kind;
    final Path dir;
    final Path config;
    final Map<String, String> env;
    private final Process process;

    private ChildDaemon(Kind kind, Path dir, Path config, Map<String, String> env, Process process) {
        this.kind = kind;
        this.dir = dir;
        this.config = config;
        this.env = env;
        this.process = process;
    }

    static boolean supervisorInstalled() {
        return Files.isExecutable(SUPERVISORD) && Files.isExecutable(SUPERVISORCTL);
    }

    /** The command that runs kupervisor from the test classpath. */
    static List<String> kupervisorCommand(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss256k",
                "-Xshare:auto", "-cp", System.getProperty("java.class.path"), "io.kupervisor.cli.Main"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Writes {@code configText} to dir/supervisord.conf and starts the daemon on it. */
    static ChildDaemon start(Kind kind, Path dir, String configText, Map<String, String> env) throws IOException {
        Path config = dir.resolve("supervisord.conf");
        Files.writeString(config, configText);
        List<String> cmd = kind == Kind.SUPERVISORD
                ? List.of(SUPERVISORD.toString(), "-n", "-c", config.toString())
                : kupervisorCommand("supervisord", "-n", "-c", config.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(dir.resolve("daemon.out").toFile())
                .redirectError(dir.resolve("daemon.err").toFile());
        pb.environment().putAll(env);
        return new ChildDaemon(kind, dir, config, env, pb.start());
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Waits until the daemon answers getState with RUNNING. */
    void awaitUp(String serverUrl, String user, String pass, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IllegalStateException(kind + " exited " + process.exitValue() + ": "
                        + Files.readString(dir.resolve("daemon.err")));
            }
            try (RpcClient c = new RpcClient(serverUrl, user, pass)) {
                Object s = c.call("supervisor.getState");
                if (s instanceof Map<?, ?> m && Integer.valueOf(1).equals(m.get("statecode"))) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(kind + " did not come up", last);
    }

    /** Waits until a process reaches a state (by name, as getProcessInfo shows it). */
    void awaitState(String serverUrl, String user, String pass, String name, String state, Duration timeout)
            throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        Object last = null;
        while (System.nanoTime() < end) {
            try (RpcClient c = new RpcClient(serverUrl, user, pass)) {
                Object info = c.call("supervisor.getProcessInfo", name);
                last = info;
                if (info instanceof Map<?, ?> m && state.equals(m.get("statename"))) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(kind + ": " + name + " did not reach " + state + ": " + last);
    }

    boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
        // children left behind by a daemon that was killed
        ProcessHandle.current().descendants().forEach(ph -> {
            if (ph.info().commandLine().map(c -> c.contains(dir.toString())).orElse(false)) {
                ph.destroyForcibly();
            }
        });
    }
}
