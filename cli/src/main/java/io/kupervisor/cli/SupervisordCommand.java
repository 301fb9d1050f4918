package io.kupervisor.cli;

import io.kupervisor.core.config.ConfigDiscovery;
import io.kupervisor.core.config.ConfigException;
import io.kupervisor.core.config.HostEnvironment;
import io.kupervisor.core.config.InvalidValue;
import io.kupervisor.core.config.LogLevel;
import io.kupervisor.core.config.SupervisorConfig;
import io.kupervisor.core.config.SupervisordOptions;
import io.kupervisor.core.config.ValueTypes;
import io.kupervisor.supervisord.Supervisor;
import io.kupervisor.supervisord.posix.Posix;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code kupervisor supervisord}: supervisord's command line, running kupervisor's engine on the
 * same configuration files. The flags override the {@code [supervisord]} keys of the same names.
 */
@Command(name = "supervisord",
        mixinStandardHelpOptions = false,
        description = {
            "Run programs as supervisord 4.2.5 does, from the same configuration files.",
            "Use -n (or nodaemon=true) in containers: without it the daemon goes to the background."})
final class SupervisordCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--configuration"}, paramLabel = "FILE", description = "configuration file path")
    Path config;

    @Option(names = {"-n", "--nodaemon"}, description = "run in the foreground (same as nodaemon=true)")
    boolean nodaemon;

    @Option(names = {"-s", "--silent"}, description = "no logs to stdout (maps to silent=true)")
    boolean silent;

    @Option(names = {"-h", "-?", "--help"}, usageHelp = true, description = "print this usage message and exit")
    boolean help;

    @Option(names = {"-v", "--version"}, description = "print supervisord version number and exit")
    boolean version;

    @Option(names = {"-u", "--user"}, paramLabel = "USER", description = "run supervisord as this user")
    String user;

    @Option(names = {"-m", "--umask"}, paramLabel = "UMASK", description = "use this umask for daemon subprocess")
    String umask;

    @Option(names = {"-d", "--directory"}, paramLabel = "DIRECTORY", description = "directory to chdir to when daemonized")
    String directory;

    @Option(names = {"-l", "--logfile"}, paramLabel = "FILENAME", description = "use FILENAME as logfile path")
    String logfile;

    @Option(names = {"-y", "--logfile_maxbytes"}, paramLabel = "BYTES", description = "use BYTES to limit the max size of logfile")
    String logfileMaxbytes;

    @Option(names = {"-z", "--logfile_backups"}, paramLabel = "NUM", description = "number of backups to keep when max bytes reached")
    String logfileBackups;

    @Option(names = {"-e", "--loglevel"}, paramLabel = "LEVEL", description = "use LEVEL as log level (debug,info,warn,error,critical)")
    String loglevel;

    @Option(names = {"-j", "--pidfile"}, paramLabel = "FILENAME", description = "write a pid file for the daemon process to FILENAME")
    String pidfile;

    @Option(names = {"-i", "--identifier"}, paramLabel = "STR", description = "identifier used for this instance of supervisord")
    String identifier;

    @Option(names = {"-q", "--childlogdir"}, paramLabel = "DIRECTORY", description = "the log directory for child process logs")
    String childlogdir;

    @Option(names = {"-k", "--nocleanup"}, description = "prevent the process from performing cleanup")
    boolean nocleanup;

    @Option(names = {"-a", "--minfds"}, paramLabel = "NUM", description = "the minimum number of file descriptors for start success")
    String minfds;

    @Option(names = {"-t", "--strip_ansi"}, description = "strip ansi escape codes from process output")
    boolean stripAnsi;

    @Option(names = "--minprocs", paramLabel = "NUM", description = "the minimum number of processes available for start success")
    String minprocs;

    @Option(names = "--profile_options", paramLabel = "OPTIONS", description = "run supervisord under profiler (not supported: ignored)")
    String profileOptions;

    @Option(names = "--health-port", paramLabel = "[HOST:]PORT",
            description = "kupervisor: serve /healthz and /readyz here (overrides [kupervisor] health_port)")
    String healthPort;

    @Option(names = "--stable-auto-logs",
            description = "kupervisor: name AUTO logs without a random part, for log sidecars")
    boolean stableAutoLogs;

    @Option(names = "--daemonized", hidden = true)
    boolean daemonized;

    @Override
    public Integer call() throws Exception {
        PrintStream err = System.err;
        if (version) {
            System.out.println("4.2.5");
            return 0;
        }
        HostEnvironment host = HostEnvironment.current();
        Path file = config;
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
        } catch (InvalidValue e) {
            return usage(err, e.getMessage());
        }
        if (!parsed.supervisord().nodaemon() && !daemonized) {
            return daemonize();
        }
        if (daemonized) {
            Posix.umask(parsed.supervisord().umask());
        }
        Supervisor supervisor = new Supervisor(file, host, System.out, Clock.systemUTC());
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

    /** Command-line flags win over the file, as in supervisord. */
    private SupervisorConfig withFlags(SupervisorConfig c) throws InvalidValue {
        SupervisordOptions s = c.supervisord();
        SupervisordOptions o = new SupervisordOptions(
                logfile != null ? logfile : s.logfile(),
                logfileMaxbytes != null ? ValueTypes.byteSize(logfileMaxbytes) : s.logfileMaxbytes(),
                logfileBackups != null ? ValueTypes.intValue(logfileBackups) : s.logfileBackups(),
                loglevel != null ? ValueTypes.logLevel(loglevel) : s.loglevel(),
                pidfile != null ? pidfile : s.pidfile(),
                umask != null ? ValueTypes.octal(umask) : s.umask(),
                nodaemon || s.nodaemon(),
                silent || s.silent(),
                minfds != null ? ValueTypes.intValue(minfds) : s.minfds(),
                minprocs != null ? ValueTypes.intValue(minprocs) : s.minprocs(),
                nocleanup || s.nocleanup(),
                childlogdir != null ? childlogdir : s.childlogdir(),
                user != null ? user : s.user(),
                directory != null ? directory : s.directory(),
                stripAnsi || s.stripAnsi(),
                s.environment(),
                identifier != null ? identifier : s.identifier());
        var k = c.kupervisor();
        if (healthPort != null) {
            var address = ValueTypes.inetAddress(healthPort);
            k = k.withHealth(address.getKey(), address.getValue());
        }
        if (stableAutoLogs) {
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
    private int daemonize() throws IOException, Posix.PosixException {
        byte[] raw = Files.readAllBytes(Path.of("/proc/self/cmdline"));
        List<String> argv = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == 0) {
                argv.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        argv.add("--daemonized");
        List<String> env = new ArrayList<>();
        System.getenv().forEach((k, v) -> env.add(k + "=" + v));
        int devnull = Posix.openReadWrite("/dev/null");
        String java = ProcessHandle.current().info().command().orElse(argv.getFirst());
        Posix.spawn(java, argv, env, null, devnull, devnull, devnull);
        Posix.close(devnull);
        return 0;
    }

    @SuppressWarnings("sunapi")
    private static void installSignals(Supervisor supervisor) {
        for (String name : new String[] {"TERM", "INT", "QUIT", "HUP", "USR2"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> supervisor.signal(name));
            } catch (IllegalArgumentException e) {
                // the JVM reserves it (it should not for these): supervisord's default then applies
            }
        }
    }

}
