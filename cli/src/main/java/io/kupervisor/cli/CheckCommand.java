package io.kupervisor.cli;

import io.kupervisor.core.config.ConfigDiscovery;
import io.kupervisor.core.config.ConfigException;
import io.kupervisor.core.config.ConfigJson;
import io.kupervisor.core.config.ConfigLoader;
import io.kupervisor.core.config.HostEnvironment;
import io.kupervisor.core.config.SupervisorConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code kupervisor check}: read a configuration as supervisord would and show the result. */
@Command(name = "check",
        mixinStandardHelpOptions = true,
        description = {
            "Read a supervisord configuration (with its includes) exactly as supervisord 4.2.5 does and",
            "print the effective configuration: servers, groups and every resolved key of every process.",
            "Exits 0 when supervisord would accept it, 2 (with supervisord's message and the file, section,",
            "key and line) when it would refuse it."})
final class CheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--configuration"}, paramLabel = "FILE",
            description = "The configuration file (default: supervisord's search path).")
    Path config;

    @Option(names = "--json", description = "Print JSON (supervisord's field names) instead of text.")
    boolean json;

    @Option(names = "--relaxed", description = {
        "Skip the checks against this machine (directories of log files, users), for a configuration",
        "written for another host."})
    boolean relaxed;

    @Option(names = "--env", paramLabel = "KEY=VALUE",
            description = "Set an environment variable for %(ENV_KEY)s expansions (repeatable).")
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
            out.println(json ? ConfigJson.write(parsed) : ConfigReport.render(parsed));
            out.flush();
            return 0;
        } catch (ConfigException e) {
            if (json) {
                out.println(ConfigJson.writeError(e));
                out.flush();
            }
            err.println(e.describe());
            err.flush();
            return 2;
        }
    }
}
