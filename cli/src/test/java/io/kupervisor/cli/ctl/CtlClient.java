package io.kupervisor.cli.ctl;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** A supervisorctl to drive a daemon with: Debian's, or kupervisor's {@code ctl} in this JVM. */
interface CtlClient {

    /** What one command printed and its exit status. */
    record Result(String stdout, String stderr, int exit) {
    }

    /**
     * Runs {@code supervisorctl -c config [options...] args...}; with {@code interruptAfter}, sends
     * Ctrl-C once the client follows the log (for {@code tail -f}; see {@link #awaitFollowing}).
     */
    Result run(Path config, Map<String, String> env, List<String> args, String stdin, Duration interruptAfter)
            throws Exception;

    String name();

    /** /usr/bin/supervisorctl in a child process. */
    final class Supervisorctl implements CtlClient {
        @Override
        public String name() {
            return "supervisorctl";
        }

        @Override
        public Result run(Path config, Map<String, String> env, List<String> args, String stdin,
                          Duration interruptAfter) throws Exception {
            // SIGINT as a terminal gives it (Python keeps an INT ignored by whoever started the tests: Ctrl-C
            // would never end tail -f)
            List<String> cmd = new ArrayList<>(List.of("env", "--default-signal=INT", ChildDaemon.SUPERVISORCTL.toString()));
            if (config != null && !args.contains("-c")) {
                cmd.addAll(List.of("-c", config.toString()));
            }
            cmd.addAll(args);
            Path out = Files.createTempFile("ctl", ".out");
            Path err = Files.createTempFile("ctl", ".err");
            try {
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
                if (config != null) {
                    pb.directory(config.getParent().toFile());
                }
                pb.environment().putAll(env);
                pb.environment().put("PYTHONUNBUFFERED", "1");
                Process p = pb.start();
                try (var in = p.getOutputStream()) {
                    if (stdin != null) {
                        in.write(stdin.getBytes(StandardCharsets.UTF_8));
                    }
                }
                if (interruptAfter != null) {
                    // Ctrl-C once supervisorctl is following (its banner is out), not while Python still
                    // imports on a loaded machine; a command that ends by itself is not interrupted
                    awaitFollowing(() -> read(out), () -> !p.isAlive(), interruptAfter);
                    if (p.isAlive()) {
                        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
                    }
                }
                if (!p.waitFor(90, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("supervisorctl " + args + " did not finish");
                }
                return new Result(Files.readString(out), Files.readString(err), p.exitValue());
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        }
    }

    /** kupervisor ctl, in this JVM. */
    final class Kctl implements CtlClient {
        @Override
        public String name() {
            return "kupervisor-ctl";
        }

        @Override
        public Result run(Path config, Map<String, String> env, List<String> args, String stdin,
                          Duration interruptAfter) throws Exception {
            // the options before the command, as picocli would split them
            Path cfg = config;
            boolean interactive = false;
            String serverurl = null;
            String user = null;
            String pass = null;
            int i = 0;
            while (i < args.size() && args.get(i).startsWith("-")) {
                switch (args.get(i)) {
                    case "-i" -> interactive = true;
                    case "-s" -> serverurl = args.get(++i);
                    case "-u" -> user = args.get(++i);
                    case "-p" -> pass = args.get(++i);
                    case "-c" -> cfg = Path.of(args.get(++i));
                    default -> throw new IllegalArgumentException("option " + args.get(i));
                }
                i++;
            }
            List<String> rest = args.subList(i, args.size());
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            AtomicReference<Controller> controller = new AtomicReference<>();
            Thread interrupter = null;
            if (interruptAfter != null) {
                interrupter = Thread.ofVirtual().start(() -> {
                    try {
                        awaitFollowing(out::toString, () -> false, interruptAfter);
                        for (int k = 0; k < 200; k++) {
                            Controller c = controller.get();
                            if (c != null && c.interrupt()) {
                                return;
                            }
                            Thread.sleep(20);
                        }
                    } catch (InterruptedException e) {
                        // the command ended first
                    }
                });
            }
            Path cwd = cfg != null ? cfg.toAbsolutePath().getParent() : Path.of("").toAbsolutePath();
            int exit = CtlSession.run(cfg, interactive, serverurl, user, pass, rest, new PrintWriter(out),
                    new PrintWriter(err), new ByteArrayInputStream(stdin == null ? new byte[0]
                            : stdin.getBytes(StandardCharsets.UTF_8)), env, cwd, System.getProperty("user.home"),
                    false, controller::set);
            if (interrupter != null) {
                interrupter.interrupt();
            }
            return new Result(out.toString(), err.toString(), exit);
        }
    }

    /** What a client prints when it starts to follow a log ({@code tail -f}, {@code maintail -f}). */
    String FOLLOWING = "==> Press Ctrl-C to exit <==";

    /**
     * Waits until a {@code tail -f} client follows the log and has printed what it read first:
     * its banner, then more output (the log's end), or {@code settle} after the banner when nothing
     * more comes (an empty log, an error on stderr). Interrupting earlier would catch a Python
     * supervisorctl still importing its modules on a loaded machine (a KeyboardInterrupt
     * traceback instead of the tail). Returns early when the client ended by itself.
     */
    static void awaitFollowing(java.util.function.Supplier<String> stdout, java.util.function.BooleanSupplier ended,
                               Duration settle) throws InterruptedException {
        long startLimit = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int banner;
        while ((banner = stdout.get().indexOf(FOLLOWING)) < 0) {
            if (ended.getAsBoolean() || System.nanoTime() > startLimit) {
                return;
            }
            Thread.sleep(10);
        }
        int afterBanner = banner + FOLLOWING.length() + 1;
        long settleLimit = System.nanoTime() + settle.toNanos();
        while (stdout.get().length() <= afterBanner && System.nanoTime() < settleLimit && !ended.getAsBoolean()) {
            Thread.sleep(10);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    static String describe(Result r) throws IOException {
        return r.stdout() + (r.stderr().isEmpty() ? "" : "[stderr] " + r.stderr()) + "[exit " + r.exit() + "]";
    }
}
