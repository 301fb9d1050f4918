package io.kupervisor.cli.events;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Debian's supervisord 4.2.5 or kupervisor's daemon as it ships (the shaded jar with the
 * launchers' JVM options, or the {@code ./kupervisor} launcher itself), run as a process of its
 * own on a configuration in a directory of its own, with exactly the environment given. The tests
 * run both on the same configuration and compare what their programs and listeners saw.
 */
final class PeerDaemon implements AutoCloseable {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path SUPERVISORD = Path.of("/usr/bin/supervisord");

    enum Kind {
        SUPERVISORD, KUPERVISOR, KUPERVISOR_LAUNCHER
    }

    final Kind kind;
    final Path dir;
    private final Process process;

    private PeerDaemon(Kind kind, Path dir, Process process) {
        this.kind = kind;
        this.dir = dir;
        this.process = process;
    }

    /** A clean environment, as a container gives: PATH and HOME only. */
    static Map<String, String> cleanEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("HOME", System.getProperty("user.home"));
        return env;
    }

    static List<String> command(Kind kind, Path config) {
        List<String> cmd = new ArrayList<>();
        switch (kind) {
            case SUPERVISORD -> cmd.addAll(List.of(SUPERVISORD.toString(), "-n", "-c", config.toString()));
            case KUPERVISOR -> cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "@" + ROOT.resolve("tools/package/daemon.jvmoptions"), "-jar",
                    ROOT.resolve("cli/target/kupervisor.jar").toString(), "supervisord", "-n", "-c", config.toString()));
            case KUPERVISOR_LAUNCHER -> cmd.addAll(List.of(ROOT.resolve("kupervisor").toString(), "supervisord", "-n",
                    "-c", config.toString()));
        }
        return cmd;
    }

    /**
     * Writes {@code config} (with {@code %(here)s} for the directory) to dir/supervisord.conf and
     * starts the daemon there, behind {@code prefix} (a launcher such as {@code prlimit}; may be
     * empty), with exactly {@code env}.
     */
    static PeerDaemon start(Kind kind, Path dir, String config, List<String> prefix, Map<String, String> env)
            throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve("supervisord.conf");
        Files.writeString(file, config);
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(command(kind, file));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(dir.resolve("daemon.out").toFile())
                .redirectError(dir.resolve("daemon.err").toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        return new PeerDaemon(kind, dir, pb.start());
    }

    static PeerDaemon start(Kind kind, Path dir, String config) throws IOException {
        return start(kind, dir, config, List.of(), cleanEnv());
    }

    String log() throws IOException {
        Path log = dir.resolve("supervisord.log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    String stderr() throws IOException {
        return Files.readString(dir.resolve("daemon.err"), StandardCharsets.UTF_8);
    }

    /** Waits until {@code file} (relative to the directory) exists and its text satisfies {@code done}. */
    String awaitFile(String file, Predicate<String> done, Duration timeout) throws Exception {
        Path p = dir.resolve(file);
        long end = System.nanoTime() + timeout.toNanos();
        String text = null;
        while (System.nanoTime() < end) {
            text = Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : null;
            if (text != null && done.test(text)) {
                return text;
            }
            if (!process.isAlive()) {
                throw new AssertionError(kind + " exited " + process.exitValue() + " before " + file + " was done: "
                        + text + "\n" + stderr() + "\n" + log());
            }
            Thread.sleep(50);
        }
        throw new AssertionError(kind + ": " + file + " not done within " + timeout + ": " + text + "\nmain log:\n"
                + log());
    }

    String awaitLog(String needle, Duration timeout) throws Exception {
        return awaitFile("supervisord.log", t -> t.contains(needle), timeout);
    }

    int pid() {
        return (int) process.pid();
    }

    void signal(String name) throws Exception {
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor();
    }

    boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    int exitValue() {
        return process.exitValue();
    }

    /** SIGTERM, then the exit status once it has stopped everything. */
    int stop() throws Exception {
        signal("TERM");
        if (!awaitExit(Duration.ofSeconds(30))) {
            throw new AssertionError(kind + " did not stop on SIGTERM");
        }
        return process.exitValue();
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
        // what a killed daemon left behind: its programs' command lines name the directory
        ProcessHandle.allProcesses().forEach(ph -> {
            if (ph.info().commandLine().map(c -> c.contains(dir.toString())).orElse(false)) {
                ph.destroyForcibly();
            }
        });
    }
}
