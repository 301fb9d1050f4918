package io.kupervisor.cli;

import io.kupervisor.core.config.ConfigDiscovery;
import io.kupervisor.core.config.ConfigException;
import io.kupervisor.core.config.HostEnvironment;
import io.kupervisor.core.config.InvalidValue;
import io.kupervisor.core.config.SupervisorConfig;
import io.kupervisor.core.config.SupervisordOptions;
import io.kupervisor.core.config.ValueTypes;
import io.kupervisor.core.config.dialect.PyRepr;
import io.kupervisor.supervisord.Supervisor;
import io.kupervisor.supervisord.posix.Posix;
import io.kupervisor.supervisord.process.ChildInheritance;
import io.kupervisor.supervisord.process.DaemonLimits;
import io.kupervisor.supervisord.server.ControlPlane;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code kupervisor supervisord}: supervisord's command line, running kupervisor's engine on the
 * same configuration files. Flags override the {@code [supervisord]} keys of the same names.
 *
 * <p>The command line is read as supervisord reads it (Python's getopt, the same options, the same
 * errors), and without picocli: the daemon lives long, and what it loads at start it keeps
 * (picocli's classes, its reflection) for good.
 */
final class SupervisordMain {

    static final String USAGE = """
            kupervisor supervisord -- run a set of applications as daemons (supervisord 4.2.5's engine).

            Usage: kupervisor supervisord [options]

            Options:
            -c/--configuration FILENAME -- configuration file path (searches if not given)
            -n/--nodaemon -- run in the foreground (same as 'nodaemon=true' in config file)
            -s/--silent -- no logs to stdout (maps to 'silent=true' in config file)
            -h/--help -- print this usage message and exit
            -v/--version -- print supervisord version number and exit
            -u/--user USER -- run supervisord as this user (or numeric uid)
            -m/--umask UMASK -- use this umask for daemon subprocess (default is 022)
            -d/--directory DIRECTORY -- directory to chdir to when daemonized
            -l/--logfile FILENAME -- use FILENAME as logfile path
            -y/--logfile_maxbytes BYTES -- use BYTES to limit the max size of logfile
            -z/--logfile_backups NUM -- number of backups to keep when max bytes reached
            -e/--loglevel LEVEL -- use LEVEL as log level (debug,info,warn,error,critical)
            -j/--pidfile FILENAME -- write a pid file for the daemon process to FILENAME
            -i/--identifier STR -- identifier used for this instance of supervisord
            -q/--childlogdir DIRECTORY -- the log directory for child process logs
            -k/--nocleanup --  prevent the process from performing cleanup (removal of
                               old automatic child log files) at startup.
            -a/--minfds NUM -- the minimum number of file descriptors for start success
            -t/--strip_ansi -- strip ansi escape codes from process output
            --minprocs NUM  -- the minimum number of processes available for start success
            --profile_options OPTIONS -- accepted and ignored (no profiler here)

            kupervisor's own (spelled out in full):
            --health-port [HOST:]PORT -- serve /healthz and /readyz here
                                         (overrides [kupervisor] health_port)
            --stable-auto-logs -- name AUTO logs without a random part, for log sidecars
            """;

    private static final Getopt GETOPT = new Getopt("h?c:vnu:m:d:l:y:z:e:j:i:q:a:kts",
            List.of("help", "configuration=", "version", "nodaemon", "user=", "umask=", "directory=", "logfile=",
                    "logfile_maxbytes=", "logfile_backups=", "loglevel=", "pidfile=", "identifier=", "childlogdir=",
                    "minfds=", "minprocs=", "nocleanup", "strip_ansi", "profile_options=", "silent",
                    "health-port=", "stable-auto-logs", "daemonized"),
            Set.of("health-port", "stable-auto-logs", "daemonized"));

    /** Short spellings to the option's name, as supervisord's options_map. */
    private static final Map<String, String> SHORT = Map.ofEntries(
            Map.entry("h", "help"), Map.entry("?", "help"), Map.entry("c", "configuration"), Map.entry("v", "version"),
            Map.entry("n", "nodaemon"), Map.entry("u", "user"), Map.entry("m", "umask"), Map.entry("d", "directory"),
            Map.entry("l", "logfile"), Map.entry("y", "logfile_maxbytes"), Map.entry("z", "logfile_backups"),
            Map.entry("e", "loglevel"), Map.entry("j", "pidfile"), Map.entry("i", "identifier"),
            Map.entry("q", "childlogdir"), Map.entry("a", "minfds"), Map.entry("k", "nocleanup"),
            Map.entry("t", "strip_ansi"), Map.entry("s", "silent"));

    /** A usage error: supervisord prints "Error: ..." and exits 2. */
    private static final class Usage extends Exception {
        Usage(String message) {
            super(message);
        }
    }

    /** A request answered on stdout (-h, -v): exit 0. */
    private static final class Answered extends Exception {
        Answered() {
            super(null, null, false, false);
        }
    }

    private final PrintStream out;
    private final PrintStream err;
    private final HostEnvironment host;
    /** The options given, converted, by name; a flag maps to Boolean.TRUE. */
    private final Map<String, Object> given = new HashMap<>();

    private SupervisordMain(PrintStream out, PrintStream err, HostEnvironment host) {
        this.out = out;
        this.err = err;
        this.host = host;
    }

    /** Runs the daemon with supervisord's arguments; returns the exit code. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        SupervisordMain main = new SupervisordMain(out, err, HostEnvironment.current());
        try {
            main.read(Arrays.asList(args));
            return main.runDaemon(args);
        } catch (Usage e) {
            return usage(err, e.getMessage());
        } catch (Answered e) {
            return 0;
        } catch (IOException | Posix.PosixException e) {
            return usage(err, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private void read(List<String> args) throws Usage, Answered {
        Getopt.Result parsed;
        try {
            parsed = GETOPT.parse(args);
        } catch (Getopt.GetoptError e) {
            throw new Usage(e.getMessage());
        }
        if (!parsed.positional().isEmpty()) {
            throw new Usage("positional arguments are not supported: " + PyRepr.reprList(parsed.positional()));
        }
        for (Getopt.Option o : parsed.options()) {
            String name = SHORT.getOrDefault(o.name(), o.name());
            Object value;
            try {
                value = convert(name, o.value());
            } catch (InvalidValue e) {
                throw new Usage("invalid value for " + o.given() + " " + PyRepr.repr(o.value()) + ": " + e.getMessage());
            }
            if (given.put(name, value) != null) {
                throw new Usage("conflicting command line option " + PyRepr.repr(o.given()));
            }
        }
    }

    /** supervisord's handler for each option; -h and -v answer at once, in their turn, as there. */
    private Object convert(String name, String value) throws InvalidValue, Answered {
        String home = host.home();
        return switch (name) {
            case "help" -> {
                out.print(USAGE);
                throw new Answered();
            }
            case "version" -> {
                out.println("4.2.5");
                throw new Answered();
            }
            case "umask" -> ValueTypes.octal(value);
            case "directory", "childlogdir" -> host.checks().existingDirectory(value, home);
            case "logfile", "pidfile" -> host.checks().existingDirpath(value, home);
            case "logfile_maxbytes" -> ValueTypes.byteSize(value);
            case "logfile_backups", "minfds", "minprocs" -> ValueTypes.intValue(value);
            case "loglevel" -> ValueTypes.logLevel(value);
            case "health-port" -> ValueTypes.inetAddress(value);
            case "nodaemon", "nocleanup", "strip_ansi", "silent", "stable-auto-logs", "daemonized" -> Boolean.TRUE;
            default -> value;
        };
    }

    private int runDaemon(String[] args) throws IOException, Posix.PosixException, InterruptedException {
        Path file = given.containsKey("configuration") ? Path.of((String) given.get("configuration")) : null;
        if (file == null) {
            var found = ConfigDiscovery.find(host.cwd());
            if (found.isEmpty()) {
                return usage(err, ConfigDiscovery.notFoundMessage(host.cwd()));
            }
            file = found.get();
        }
        SupervisorConfig parsed;
        try {
            parsed = withFlags(Supervisor.readConfig(file, host));
        } catch (ConfigException e) {
            err.println(e.describe());
            err.println("For help, use kupervisor supervisord -h");
            return 2;
        }
        // what children inherit, and signals the launcher ignored, before anything else is set up
        ChildInheritance.prepareDaemon();
        List<String> limitNotes;
        try {
            limitNotes = DaemonLimits.raise(parsed.supervisord().minfds(), parsed.supervisord().minprocs());
        } catch (DaemonLimits.Refused e) {
            return usage(err, e.getMessage());
        }
        boolean daemonized = given.containsKey("daemonized");
        if (!parsed.supervisord().nodaemon() && !daemonized) {
            return daemonize(args);
        }
        if (daemonized) {
            Posix.umask(parsed.supervisord().umask());
        }
        Supervisor supervisor = new Supervisor(file, host, out, Clock.systemUTC(), ControlPlane::new);
        supervisor.startupNotes(limitNotes);
        installSignals(supervisor);
        try {
            supervisor.start(parsed);
        } catch (IOException e) {
            return usage(err, e.getMessage());
        }
        return supervisor.awaitExit();
    }

    private static int usage(PrintStream err, String message) {
        err.println("Error: " + message);
        err.println("For help, use kupervisor supervisord -h");
        return 2;
    }

    @SuppressWarnings("unchecked")
    private <T> T flag(String name, T fromFile) {
        return given.containsKey(name) ? (T) given.get(name) : fromFile;
    }

    /** Command-line flags win over the file, as in supervisord. */
    @SuppressWarnings("unchecked")
    private SupervisorConfig withFlags(SupervisorConfig c) {
        SupervisordOptions s = c.supervisord();
        SupervisordOptions o = new SupervisordOptions(
                flag("logfile", s.logfile()),
                flag("logfile_maxbytes", s.logfileMaxbytes()),
                flag("logfile_backups", s.logfileBackups()),
                flag("loglevel", s.loglevel()),
                flag("pidfile", s.pidfile()),
                flag("umask", s.umask()),
                flag("nodaemon", s.nodaemon()),
                flag("silent", s.silent()),
                flag("minfds", s.minfds()),
                flag("minprocs", s.minprocs()),
                flag("nocleanup", s.nocleanup()),
                flag("childlogdir", s.childlogdir()),
                flag("user", s.user()),
                flag("directory", s.directory()),
                flag("strip_ansi", s.stripAnsi()),
                s.environment(),
                flag("identifier", s.identifier()));
        var k = c.kupervisor();
        if (given.containsKey("health-port")) {
            var address = (Map.Entry<String, Integer>) given.get("health-port");
            k = k.withHealth(address.getKey(), address.getValue());
        }
        if (given.containsKey("stable-auto-logs")) {
            k = k.withStableAutoLogs(true);
        }
        return new SupervisorConfig(c.configFile(), o, c.groups(), c.servers(), c.rpcInterfaces(), c.includedFiles(),
                c.warnings(), k);
    }

    /**
     * supervisord forks into the background when nodaemon is false. A JVM cannot fork, so the
     * same command is started again in its own session with {@code --daemonized}, and this one
     * exits 0 as supervisord's parent does.
     */
    private static int daemonize(String[] args) throws IOException, Posix.PosixException {
        byte[] raw = Files.readAllBytes(Path.of("/proc/self/cmdline"));
        List<String> argv = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == 0) {
                argv.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        // just before this command's own arguments: a "--" among them would make it positional
        argv.add(argv.size() - args.length, "--daemonized");
        List<String> env = new ArrayList<>();
        System.getenv().forEach((k, v) -> env.add(k + "=" + v));
        int devnull = Posix.openReadWrite("/dev/null");
        String java = ProcessHandle.current().info().command().orElse(argv.getFirst());
        Posix.spawn(java, argv, env, null, devnull, devnull, devnull);
        Posix.close(devnull);
        return 0;
    }

    private static void installSignals(Supervisor supervisor) {
        for (String name : new String[] {"TERM", "INT", "QUIT", "HUP", "USR2"}) {
            // false if the JVM reserves it (it should not for these): supervisord's default then applies
            io.kupervisor.cli.common.SignalHandlers.handle(name, () -> supervisor.signal(name));
        }
    }

}
