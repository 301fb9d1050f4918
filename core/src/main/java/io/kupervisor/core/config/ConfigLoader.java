package io.kupervisor.core.config;

import io.kupervisor.core.config.dialect.PyPath;

import io.kupervisor.core.config.dialect.PyGlob;
import io.kupervisor.core.config.dialect.PyRepr;
import io.kupervisor.core.config.dialect.PyText;
import io.kupervisor.core.config.ini.IniDocument;
import io.kupervisor.core.config.ini.IniEntry;
import io.kupervisor.core.config.ini.IniReader;
import io.kupervisor.core.config.ini.IniSyntaxException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a supervisord configuration (main file and includes) exactly as supervisord 4.2.5's
 * {@code ServerOptions.read_config} does: same order of reads, same expansions per key, same
 * defaults, same acceptance and the same error texts, plus where each error is.
 */
public final class ConfigLoader {
    private final HostEnvironment host;

    public ConfigLoader(HostEnvironment host) {
        this.host = host;
    }

    /** Loads with this machine's environment and checks, as supervisord started here would. */
    public static SupervisorConfig load(Path configFile) throws ConfigException {
        return new ConfigLoader(HostEnvironment.current()).read(configFile);
    }

    /**
     * @param configFile the path as the user gave it (relative paths resolve against the host's
     *                   working directory); error messages quote it as given, like supervisord
     */
    public SupervisorConfig read(Path configFile) throws ConfigException {
        try {
            return new Reading(host, configFile).run();
        } catch (Fault f) {
            throw new ConfigException(f.getMessage(), f.origin);
        }
    }

    /** An error on its way out, with the origin known where it was raised. */
    static final class Fault extends RuntimeException {
        final Origin origin;

        Fault(String message, Origin origin) {
            super(message, null, false, false);
            this.origin = origin;
        }
    }

    /** One read of one configuration; holds what supervisord keeps on its options object. */
    static final class Reading {
        private final HostEnvironment host;
        private final String configDisplay;
        private final Path configPath;
        private final String here;
        private final IniDocument doc = new IniDocument();
        /** {@code environ_expansions}: ENV_* of supervisord, grown by [supervisord] environment. */
        private final Map<String, Object> environ = new LinkedHashMap<>();
        private final List<ConfigWarning> warnings = new ArrayList<>();
        private final List<Path> included = new ArrayList<>();

        Reading(HostEnvironment host, Path configFile) {
            this.host = host;
            this.configDisplay = configFile.toString();
            this.configPath = host.cwd().resolve(configFile);
            this.here = PyPath.normpath(PyPath.dirname(PyPath.normpath(configPath.toString())));
            host.env().forEach((k, v) -> environ.put("ENV_" + k, v));
        }

        SupervisorConfig run() {
            readFiles();
            if (!doc.hasSection("supervisord")) {
                throw new Fault(".ini file does not include supervisord section", Origin.ofFile(configPath));
            }
            refuseNulInSectionNames();
            SupervisordOptions supervisord = supervisordSection();
            List<RpcInterfaceConfig> rpc = rpcInterfaces();
            List<ProcessGroupConfig> groups = new ProcessSections(this).groups();
            groups = mergeEnvironment(groups, supervisord.environment());
            List<ServerConfig> servers = new ServerSections(this).servers();
            KupervisorOptions kupervisor = kupervisorSection();
            unknownKeys();
            return new SupervisorConfig(configPath, supervisord, groups, servers, rpc, included, warnings, kupervisor);
        }

        /**
         * A NUL byte in the name of a section supervisord reads ends in a traceback there (the
         * name reaches a file name); refused with the section's place instead.
         */
        private void refuseNulInSectionNames() {
            for (String section : doc.sections()) {
                if (section.indexOf('\0') >= 0 && READ_PREFIXES.stream().anyMatch(section::startsWith)) {
                    throw new Fault("embedded null byte in section name " + PyRepr.repr(section),
                            Origin.ofSection(fileOf(section), section, doc.headerLine(section)));
                }
            }
        }

        private static final List<String> READ_PREFIXES = List.of("supervisord", "supervisorctl", "program:",
                "group:", "eventlistener:", "fcgi-program:", "rpcinterface:", "unix_http_server", "inet_http_server",
                "include", "kupervisor");

        // ---- files ----

        private void readFiles() {
            if (!Files.exists(configPath)) {
                throw new Fault("could not find config file " + configDisplay, Origin.ofFile(configPath));
            }
            try {
                IniReader.readMain(doc, configPath, configDisplay);
            } catch (IOException e) {
                throw new Fault("could not read config file " + configDisplay, Origin.ofFile(configPath));
            } catch (IniSyntaxException e) {
                throw new Fault(e.getMessage(), new Origin(e.file(), null, null, e.line()));
            }
            if (!doc.hasSection("include")) {
                return;
            }
            doc.expandHere(here);
            IniEntry filesEntry = doc.get("include", "files").orElseThrow(() -> new Fault(
                    ".ini file has [include] section, but no files setting",
                    Origin.ofSection(configPath, "include", doc.headerLine("include"))));
            Map<String, Object> expansions = new LinkedHashMap<>();
            expansions.put("here", here);
            expansions.put("host_node_name", host.hostname());
            expansions.putAll(environ);
            String files = expandOrFail(filesEntry.value(), expansions, "include.files", "include", "files");
            for (String pattern : splitWhitespace(files)) {
                String absPattern = PyPath.join(here, pattern);
                List<String> matches = new ArrayList<>(PyGlob.glob(absPattern));
                if (matches.isEmpty()) {
                    warnings.add(new ConfigWarning("No file matches via include \"" + absPattern + "\"",
                            origin("include", "files")));
                    continue;
                }
                matches.sort(null);
                for (String match : matches) {
                    Path file = Path.of(match);
                    try {
                        IniReader.readIncluded(doc, file, match);
                    } catch (IOException e) {
                        continue; // RawConfigParser.read skips files it cannot open
                    } catch (IniSyntaxException e) {
                        throw new Fault(e.getMessage(), new Origin(e.file(), null, null, e.line()));
                    }
                    included.add(file);
                    doc.expandHere(PyPath.normpath(PyPath.dirname(match)));
                }
            }
        }

        /** Python's {@code str.split()}: runs of whitespace separate, none at the ends. */
        private static List<String> splitWhitespace(String s) {
            List<String> out = new ArrayList<>();
            StringBuilder word = new StringBuilder();
            s.codePoints().forEach(cp -> {
                if (PyText.isSpace(cp)) {
                    if (!word.isEmpty()) {
                        out.add(word.toString());
                        word.setLength(0);
                    }
                } else {
                    word.appendCodePoint(cp);
                }
            });
            if (!word.isEmpty()) {
                out.add(word.toString());
            }
            return out;
        }

        // ---- [supervisord] ----

        private SupervisordOptions supervisordSection() {
            String s = "supervisord";
            int minfds = toInt(s, "minfds", supervisordGet("minfds", "1024"));
            int minprocs = toInt(s, "minprocs", supervisordGet("minprocs", "200"));
            String directoryValue = supervisordGet("directory", null);
            String directory = directoryValue == null ? null
                    : check(s, "directory", () -> host.checks().existingDirectory(directoryValue, host.home()));
            String user = supervisordGet("user", null);
            int umask = convert(s, "umask", supervisordGet("umask", "022"), ValueTypes::octal);
            String logfileValue = supervisordGet("logfile", "supervisord.log");
            String logfile = check(s, "logfile", () -> host.checks().existingDirpath(logfileValue, host.home()));
            long logfileMaxbytes = convert(s, "logfile_maxbytes", supervisordGet("logfile_maxbytes", "50MB"), ValueTypes::byteSize);
            int logfileBackups = toInt(s, "logfile_backups", supervisordGet("logfile_backups", "10"));
            LogLevel loglevel = convert(s, "loglevel", supervisordGet("loglevel", "info"), ValueTypes::logLevel);
            String pidfileValue = supervisordGet("pidfile", "supervisord.pid");
            String pidfile = check(s, "pidfile", () -> host.checks().existingDirpath(pidfileValue, host.home()));
            String identifier = supervisordGet("identifier", "supervisor");
            boolean nodaemon = convert(s, "nodaemon", supervisordGet("nodaemon", "false"), ValueTypes::bool);
            boolean silent = convert(s, "silent", supervisordGet("silent", "false"), ValueTypes::bool);
            String childlogdirValue = supervisordGet("childlogdir", host.tempDir());
            String childlogdir = check(s, "childlogdir", () -> host.checks().existingDirectory(childlogdirValue, host.home()));
            boolean nocleanup = convert(s, "nocleanup", supervisordGet("nocleanup", "false"), ValueTypes::bool);
            boolean stripAnsi = convert(s, "strip_ansi", supervisordGet("strip_ansi", "false"), ValueTypes::bool);

            // expanded twice, the second time with host_node_name too (why "%%" breaks here in 4.2.5)
            String environStr = supervisordGet("environment", "");
            Map<String, Object> expansions = new LinkedHashMap<>();
            expansions.put("here", here);
            expansions.put("host_node_name", host.hostname());
            expansions.putAll(host.env().entrySet().stream().collect(LinkedHashMap::new,
                    (m, e) -> m.put("ENV_" + e.getKey(), e.getValue()), Map::putAll));
            environStr = expandOrFail(environStr, expansions, "environment", s, "environment");
            Map<String, String> environment = environmentOf(environStr, s, "environment");
            environment.forEach((k, v) -> environ.put("ENV_" + k, v));

            return new SupervisordOptions(logfile, logfileMaxbytes, logfileBackups, loglevel, pidfile, umask,
                    nodaemon, silent, minfds, minprocs, nocleanup, childlogdir, user, directory, stripAnsi,
                    environment, identifier);
        }

        private String supervisordGet(String key, String dflt) {
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("here", here);
            return get("supervisord", key, dflt, extra, true);
        }

        // ---- [kupervisor]: kupervisor's own keys, in supervisord's style ----

        private KupervisorOptions kupervisorSection() {
            String s = "kupervisor";
            if (!doc.hasSection(s)) {
                return KupervisorOptions.DEFAULTS;
            }
            try {
                Map<String, Object> here = new LinkedHashMap<>();
                here.put("here", this.here);
                String health = get(s, "health_port", null, here, true);
                String host = null;
                int port = 0;
                if (health != null) {
                    Map.Entry<String, Integer> address = convert(s, "health_port", health, ValueTypes::inetAddress);
                    host = address.getKey();
                    port = address.getValue();
                }
                boolean exitOnFatal = convert(s, "exit_on_fatal", get(s, "exit_on_fatal", "false", here, true),
                        ValueTypes::bool);
                boolean mirror = convert(s, "stdout_mirror", get(s, "stdout_mirror", "false", here, true),
                        ValueTypes::bool);
                boolean stable = convert(s, "stable_auto_logs", get(s, "stable_auto_logs", "false", here, true),
                        ValueTypes::bool);
                var known = java.util.List.of("health_port", "exit_on_fatal", "stdout_mirror", "stable_auto_logs");
                for (String key : doc.options(s)) {
                    if (!known.contains(key)) {
                        warnings.add(ConfigWarning.kupervisor("[kupervisor] has no key '" + key
                                + "' (known: " + String.join(", ", known) + ")", origin(s, key)));
                    }
                }
                return new KupervisorOptions(host, port, exitOnFatal, mirror, stable);
            } catch (Fault f) {
                throw new Fault(f.getMessage() + " in section 'kupervisor' (file: "
                        + PyRepr.repr(fileDisplayOf(s)) + ")", f.origin);
            }
        }

        /** Keys supervisord ignores without a word: almost always a typo (autostrat=true). */
        private void unknownKeys() {
            for (String section : doc.sections()) {
                var known = KnownKeys.of(section);
                if (known.isEmpty()) {
                    continue;
                }
                for (String key : doc.options(section)) {
                    if (known.get().contains(key) || doc.defaults().containsKey(key)) {
                        continue;
                    }
                    String hint = KnownKeys.closest(key, known.get()).map(k -> "; did you mean '" + k + "'?")
                            .orElse("");
                    warnings.add(ConfigWarning.kupervisor("[" + section + "] has no key '" + key
                            + "': supervisord ignores it" + hint, origin(section, key)));
                }
            }
        }

        // ---- [rpcinterface:x] ----

        private List<RpcInterfaceConfig> rpcInterfaces() {
            String factoryKey = "supervisor.rpcinterface_factory";
            List<RpcInterfaceConfig> out = new ArrayList<>();
            for (String section : doc.sections()) {
                if (!section.startsWith("rpcinterface:")) {
                    continue;
                }
                String name = section.split(":", 2)[1];
                String spec = get(section, factoryKey, null, Map.of(), true);
                if (spec == null) {
                    throw new Fault("section [" + section + "] does not specify a " + factoryKey,
                            Origin.ofSection(fileOf(section), section, doc.headerLine(section)));
                }
                if (!PyText.strip(spec).equals(RpcInterfaceConfig.MAIN_FACTORY)) {
                    // supervisord imports the factory as Python code; kupervisor has only the main one
                    throw new Fault(spec + " cannot be resolved within [" + section + "]", origin(section, factoryKey));
                }
                Map<String, String> extras = new LinkedHashMap<>();
                for (String k : doc.options(section)) {
                    if (!k.equals(factoryKey)) {
                        extras.put(k, get(section, k, null, Map.of(), true));
                    }
                }
                out.add(new RpcInterfaceConfig(name, PyText.strip(spec), extras));
            }
            return out;
        }

        private static List<ProcessGroupConfig> mergeEnvironment(List<ProcessGroupConfig> groups,
                                                                 Map<String, String> global) {
            if (global.isEmpty()) {
                return groups;
            }
            List<ProcessGroupConfig> out = new ArrayList<>();
            for (ProcessGroupConfig g : groups) {
                List<ProcessConfig> procs = new ArrayList<>();
                for (ProcessConfig p : g.processes()) {
                    Map<String, String> env = new LinkedHashMap<>(global);
                    env.putAll(p.environment());
                    procs.add(ProcessSections.withEnvironment(p, env));
                }
                out.add(new ProcessGroupConfig(g.name(), g.priority(), g.kind(), g.section(), procs, g.events(),
                        g.bufferSize(), g.resultHandler(), g.socket(), g.origin()));
            }
            return out;
        }

        // ---- shared helpers: supervisord's saneget and conversions, with origins ----

        HostEnvironment host() {
            return host;
        }

        IniDocument doc() {
            return doc;
        }

        String here() {
            return here;
        }

        Map<String, Object> environ() {
            return environ;
        }

        List<ConfigWarning> warnings() {
            return warnings;
        }

        /** supervisord's {@code saneget}: the value (or the default), %-expanded unless told not to. */
        String get(String section, String key, String dflt, Map<String, Object> expansions, boolean expand) {
            var entry = doc.get(section, key);
            if (entry.isEmpty()) {
                return dflt;
            }
            String value = entry.get().value();
            if (value.indexOf('\0') >= 0) {
                // Python reads it, then fails with a traceback where the value reaches the OS
                throw new Fault("embedded null byte in " + PyRepr.repr(value), origin(section, key));
            }
            if (!expand || value.indexOf('%') < 0) {
                return value; // nothing to expand: skip building the expansion table
            }
            Map<String, Object> combined = new LinkedHashMap<>(environ);
            combined.putAll(expansions);
            return expandOrFail(value, combined, section + "." + key, section, key);
        }

        String expandOrFail(String value, Map<String, ?> expansions, String name, String section, String key) {
            if (value.indexOf('%') < 0) {
                return value;
            }
            try {
                return Expansions.expand(value, expansions, name);
            } catch (InvalidValue e) {
                throw new Fault(e.getMessage(), origin(section, key));
            }
        }

        Map<String, String> environmentOf(String value, String section, String key) {
            try {
                var result = io.kupervisor.core.config.dialect.EnvironmentParser.parse(value);
                for (String truncation : result.truncations()) {
                    warnings.add(ConfigWarning.kupervisor("[" + section + "] " + truncation, origin(section, key)));
                }
                return new LinkedHashMap<>(result.variables());
            } catch (io.kupervisor.core.config.dialect.EnvironmentException e) {
                throw new Fault(e.getMessage(), origin(section, key));
            }
        }

        interface Conversion<T> {
            T apply(String value) throws InvalidValue;
        }

        interface Check<T> {
            T get() throws InvalidValue;
        }

        <T> T convert(String section, String key, String value, Conversion<T> conversion) {
            try {
                return conversion.apply(value);
            } catch (InvalidValue e) {
                throw new Fault(e.getMessage(), origin(section, key));
            } catch (ArithmeticException e) {
                throw new Fault("value too large: " + PyRepr.repr(value), origin(section, key));
            }
        }

        <T> T check(String section, String key, Check<T> check) {
            try {
                return check.get();
            } catch (InvalidValue e) {
                throw new Fault(e.getMessage(), origin(section, key));
            }
        }

        int toInt(String section, String key, String value) {
            return convert(section, key, value, ValueTypes::intValue);
        }

        /** Where a key is written; where the section is, when the key is absent. */
        Origin origin(String section, String key) {
            var entry = doc.get(section, key);
            if (entry.isPresent()) {
                return new Origin(entry.get().file(), section, key, entry.get().line());
            }
            return new Origin(fileOf(section), section, key, doc.headerLine(section));
        }

        Path fileOf(String section) {
            return doc.includedFileOf(section).orElse(configPath);
        }

        /** The file name supervisord quotes in "(file: ...)": the included file, or the -c path as given. */
        String fileDisplayOf(String section) {
            return doc.includedFileOf(section).map(Path::toString).orElse(configDisplay);
        }
    }
}
