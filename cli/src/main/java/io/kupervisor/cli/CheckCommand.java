package io.kupervisor.cli;

import io.kupervisor.core.config.ConfigDiscovery;
import io.kupervisor.core.config.ConfigException;
import io.kupervisor.core.config.ConfigJson;
import io.kupervisor.core.config.ConfigLoader;
import io.kupervisor.core.config.ConfigWarning;
import io.kupervisor.core.config.ProcessConfig;
import io.kupervisor.core.config.ProcessGroupConfig;
import io.kupervisor.supervisord.process.ExecResolver;
import io.kupervisor.core.config.HostEnvironment;
import io.kupervisor.core.config.SupervisorConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code kupervisor check}: read a configuration as supervisord would and show the result. */
@Command(name = "check",
        mixinStandardHelpOptions = true,
        versionProvider = io.kupervisor.cli.common.Version.class,
        header = "Read a configuration as supervisord 4.2.5 does and print what it would run.",
        description = {
            "Reads a supervisord configuration (with its includes) exactly as supervisord 4.2.5 does and "
                + "prints the effective configuration: servers, groups and every resolved key of every process. "
                + "Warns on stderr about what supervisord accepts silently but is almost surely a mistake "
                + "(an unknown key, a command not found on this host).",
            "",
            "Exit status: 0 when supervisord would accept the configuration; 2, with supervisord's message and "
                + "the file, section, key and line, when it would refuse it."})
final class CheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--configuration"}, paramLabel = "FILE",
            description = "The configuration file (default: supervisord's search path).")
    Path config;

    @Option(names = "--json", description = "Print JSON (supervisord's field names) instead of text; warnings are in it too.")
    boolean json;

    @Option(names = "--relaxed", description = "Skip the checks against this machine (directories of log files, "
            + "users, commands), for a configuration written for another host.")
    boolean relaxed;

    @Option(names = "--env", paramLabel = "KEY=VALUE",
            description = "A value for %%(ENV_KEY)s expansions, as the host the configuration is for "
                    + "has it (repeatable).")
    Map<String, String> env = new LinkedHashMap<>();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        HostEnvironment host = HostEnvironment.current();
        if (!env.isEmpty()) {
            Map<String, String> merged = new LinkedHashMap<>(host.env());
            merged.putAll(env);
            host = new HostEnvironment(merged, host.hostname(), host.cwd(), host.checks());
        }
        if (relaxed) {
            host = host.relaxed();
        }
        Path file = config;
        if (file == null) {
            var found = ConfigDiscovery.find(host.cwd());
            if (found.isEmpty()) {
                err.println("Error: " + ConfigDiscovery.notFoundMessage(host.cwd()));
                err.flush();
                return 2;
            }
            file = found.get();
        }
        try {
            SupervisorConfig parsed = new ConfigLoader(host).read(file);
            if (!relaxed) {
                parsed = withCommandWarnings(parsed, host);
            }
            out.println(json ? ConfigJson.write(parsed) : ConfigReport.render(parsed));
            out.flush();
            // kupervisor's warnings also on stderr, where a script or a person running check sees them
            for (ConfigWarning w : parsed.warnings()) {
                if (!w.bySupervisord()) {
                    String where = w.origin() == null ? "" : w.origin().describe();
                    err.println("kupervisor: warning: " + w.message() + (where.isEmpty() ? "" : "\n  at " + where));
                }
            }
            err.flush();
            return 0;
        } catch (ConfigException e) {
            if (json) {
                out.println(ConfigJson.writeError(e));
                out.flush();
            }
            err.println(e.describe());
            for (String name : e.unsetEnvironment()) {
                err.println("  (a variable of the host the configuration is for? give its value: --env " + name + "=VALUE)");
            }
            err.flush();
            return 2;
        }
    }

    /**
     * supervisord finds a program's command only when it spawns it; a command this host does not
     * have is a spawn error then, FATAL after the retries. Said now, unless --relaxed (another host).
     */
    static SupervisorConfig withCommandWarnings(SupervisorConfig c, HostEnvironment host) {
        List<ConfigWarning> warnings = new ArrayList<>(c.warnings());
        Set<String> seen = new HashSet<>();
        for (ProcessGroupConfig g : c.groups()) {
            for (ProcessConfig p : g.processes()) {
                try {
                    ExecResolver.resolve(p.command(), p.environment(), host.env(), host.cwd());
                } catch (ExecResolver.SpawnError e) {
                    // one warning per section and message: numprocs copies share the command
                    if (seen.add(p.section() + "\0" + e.getMessage())) {
                        warnings.add(ConfigWarning.kupervisor("[" + p.section() + "] command: " + e.getMessage()
                                + " on this host (a spawn error when it starts; --relaxed for a configuration"
                                + " meant for another host)", p.origin()));
                    }
                }
            }
        }
        return new SupervisorConfig(c.configFile(), c.supervisord(), c.groups(), c.servers(), c.rpcInterfaces(),
                c.includedFiles(), warnings, c.kupervisor());
    }
}
