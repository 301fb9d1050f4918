package io.kupervisor.cli.ctl;

import io.kupervisor.core.config.ConfigDiscovery;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One run of {@code kupervisor ctl}: options as supervisorctl's {@code realize}, then the command or the shell. */
public final class CtlSession {
    private CtlSession() {
    }

    /** Runs with this process's environment and working directory; returns the exit status. */
    public static int run(Path config, boolean interactive, String serverurl, String username, String password,
                          List<String> args, PrintWriter out, PrintWriter err, InputStream stdin) {
        return run(config, interactive, serverurl, username, password, args, out, err, stdin, System.getenv(),
                Path.of("").toAbsolutePath(), System.getProperty("user.home"), true, c -> { });
    }

    /** The same with everything given; {@code started} gets the controller before it runs (tests interrupt it). */
    public static int run(Path config, boolean interactive, String serverurl, String username, String password,
                          List<String> args, PrintWriter out, PrintWriter err, InputStream stdin,
                          Map<String, String> env, Path cwd, String home, boolean handleSignals,
                          java.util.function.Consumer<Controller> started) {
        CtlOptions options = new CtlOptions();
        try {
            Path file = config;
            if (file == null) {
                Optional<Path> found = ConfigDiscovery.find(cwd);
                file = found.orElse(null);
            }
            if (file != null) {
                options.readConfig(file, env, cwd, home);
            }
            if (serverurl != null) {
                CtlOptions.checkUrl(serverurl);
                options.serverurl = serverurl;
            }
            if (username != null) {
                options.username = username;
            }
            if (password != null) {
                options.password = password;
            }
        } catch (CtlOptions.UsageError e) {
            err.print("Error: " + e.getMessage() + "\n");
            err.print("For help, use kupervisor ctl -h\n");
            err.flush();
            return 2;
        }
        options.interactive = interactive || args.isEmpty();
        BufferedReader in = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
        Controller c = new Controller(options, out, err, in);
        if (handleSignals) {
            installInterrupt(c, options.interactive, out);
        }
        started.accept(c);
        try {
            if (!args.isEmpty()) {
                c.onecmd(String.join(" ", args));
                return c.exitstatus();
            }
            try {
                c.cmdloop();
            } catch (IOException e) {
                // stdin failed: the shell ends
            }
            return 0;
        } finally {
            c.close();
            out.flush();
        }
    }

    private static void installInterrupt(Controller c, boolean interactive, PrintWriter out) {
        // false if the JVM keeps SIGINT for itself: Ctrl-C then ends the program
        io.kupervisor.cli.common.SignalHandlers.handle("INT", () -> {
            if (c.interrupt()) {
                return;
            }
            if (interactive) {
                out.print("\n");
                out.flush();
                Runtime.getRuntime().halt(0);
            }
            out.flush();
            Runtime.getRuntime().halt(130);
        });
    }
}
