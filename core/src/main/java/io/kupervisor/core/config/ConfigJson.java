package io.kupervisor.core.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The configuration as JSON, in the shape of supervisord's own objects (the field names of its
 * ProcessConfig and of the conformance oracle), so the two parses can be compared field by field.
 * kupervisor adds what the oracle leaves out: event listener and FastCGI details, per-process
 * names, and {@code kupervisor_warnings} for what supervisord accepts silently.
 */
public final class ConfigJson {
    private ConfigJson() {
    }

    public static String write(SupervisorConfig config) {
        return JsonWriter.write(toTree(config));
    }

    public static Map<String, Object> toTree(SupervisorConfig config) {
        Map<String, Object> top = new LinkedHashMap<>();
        top.put("supervisord", supervisord(config));
        List<Object> groups = new ArrayList<>();
        for (ProcessGroupConfig g : config.groups()) {
            groups.add(group(g));
        }
        top.put("groups", groups);
        top.put("warnings", config.warnings().stream().filter(ConfigWarning::bySupervisord)
                .map(ConfigWarning::message).toList());
        KupervisorOptions k = config.kupervisor();
        Map<String, Object> kupervisor = new LinkedHashMap<>();
        kupervisor.put("health_port", k.healthEnabled() ? (k.healthHost().isEmpty() ? "*" : k.healthHost()) + ":" + k.healthPort() : null);
        kupervisor.put("exit_on_fatal", k.exitOnFatal());
        kupervisor.put("stdout_mirror", k.stdoutMirror());
        kupervisor.put("stable_auto_logs", k.stableAutoLogs());
        top.put("kupervisor", kupervisor);
        top.put("kupervisor_warnings", config.warnings().stream().filter(w -> !w.bySupervisord())
                .map(ConfigWarning::message).toList());
        return top;
    }

    private static Map<String, Object> supervisord(SupervisorConfig config) {
        SupervisordOptions s = config.supervisord();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("childlogdir", s.childlogdir());
        m.put("directory", s.directory());
        m.put("environment", s.environment());
        m.put("identifier", s.identifier());
        m.put("logfile", s.logfile());
        m.put("logfile_backups", s.logfileBackups());
        m.put("logfile_maxbytes", s.logfileMaxbytes());
        m.put("loglevel", s.loglevel().number());
        m.put("minfds", s.minfds());
        m.put("minprocs", s.minprocs());
        m.put("nocleanup", s.nocleanup());
        m.put("nodaemon", s.nodaemon());
        m.put("pidfile", s.pidfile());
        m.put("silent", s.silent());
        m.put("strip_ansi", s.stripAnsi());
        m.put("umask", s.umask());
        m.put("user", s.user());
        List<Object> servers = new ArrayList<>();
        for (ServerConfig sc : config.servers()) {
            servers.add(server(sc));
        }
        m.put("server_configs", servers);
        return m;
    }

    private static Map<String, Object> server(ServerConfig sc) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", sc.name());
        m.put("username", sc.username());
        m.put("password", sc.password());
        switch (sc) {
            case ServerConfig.Inet inet -> {
                m.put("family", 2);
                m.put("host", inet.host());
                m.put("port", inet.port());
            }
            case ServerConfig.Unix unix -> {
                m.put("family", 1);
                m.put("file", unix.file());
                m.put("chmod", unix.chmod());
                m.put("chown", List.of(id(unix.chownUser()), id(unix.chownGroup())));
            }
        }
        return m;
    }

    private static Object id(UserRef ref) {
        if (ref == null) {
            return -1;
        }
        return ref.uid() != null ? (Object) ref.uid() : ref.written();
    }

    private static Map<String, Object> group(ProcessGroupConfig g) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", g.name());
        m.put("priority", g.priority());
        m.put("kind", g.kind().supervisordClass());
        List<Object> processes = new ArrayList<>();
        for (ProcessConfig p : g.processes()) {
            processes.add(process(p));
        }
        m.put("processes", processes);
        if (g.kind() == GroupKind.EVENT_LISTENER_POOL) {
            m.put("events", g.events());
            m.put("buffer_size", g.bufferSize());
            m.put("result_handler", g.resultHandler());
        }
        if (g.socket() != null) {
            m.put("socket", g.socket().url());
        }
        return m;
    }

    private static Map<String, Object> process(ProcessConfig p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", p.name());
        m.put("namespec", p.namespec());
        m.put("uid", p.user() == null ? null : id(p.user()));
        m.put("command", p.command());
        m.put("directory", p.directory());
        m.put("umask", p.umask());
        m.put("priority", p.priority());
        m.put("autostart", p.autostart());
        m.put("autorestart", p.autorestart().iniValue());
        m.put("startsecs", p.startsecs());
        m.put("startretries", p.startretries());
        channel(m, "stdout", p.stdout());
        channel(m, "stderr", p.stderr());
        String signalName = ValueTypes.signalName(p.stopsignal());
        m.put("stopsignal", signalName != null ? signalName : (Object) p.stopsignal());
        m.put("stopwaitsecs", p.stopwaitsecs());
        m.put("stopasgroup", p.stopasgroup());
        m.put("killasgroup", p.killasgroup());
        m.put("exitcodes", p.exitcodes());
        m.put("redirect_stderr", p.redirectStderr());
        m.put("environment", p.environment());
        m.put("serverurl", p.serverurl());
        return m;
    }

    private static void channel(Map<String, Object> m, String name, LogSettings c) {
        m.put(name + "_logfile", switch (c.logfile()) {
            case LogFile.Auto a -> "AUTO";
            case LogFile.None n -> null;
            case LogFile.File f -> f.path();
        });
        m.put(name + "_logfile_maxbytes", c.logfileMaxbytes());
        m.put(name + "_logfile_backups", c.logfileBackups());
        m.put(name + "_capture_maxbytes", c.captureMaxbytes());
        m.put(name + "_events_enabled", c.eventsEnabled());
        m.put(name + "_syslog", c.syslog());
    }

    /** For {@code kupervisor check --json} on a refused config: supervisord's message and where. */
    public static String writeError(ConfigException e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", e.supervisordMessage());
        Origin o = e.origin();
        if (o != null) {
            Map<String, Object> where = new LinkedHashMap<>();
            where.put("file", o.file() == null ? null : o.file().toString());
            where.put("section", o.section());
            where.put("key", o.key());
            where.put("line", o.line() > 0 ? o.line() : null);
            m.put("where", where);
        }
        return JsonWriter.write(m);
    }
}
