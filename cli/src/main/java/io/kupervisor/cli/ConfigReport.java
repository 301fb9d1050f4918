package io.kupervisor.cli;

import io.kupervisor.core.config.LogSettings;
import io.kupervisor.core.config.ConfigWarning;
import io.kupervisor.core.config.GroupKind;
import io.kupervisor.core.config.LogFile;
import io.kupervisor.core.config.ProcessConfig;
import io.kupervisor.core.config.ProcessGroupConfig;
import io.kupervisor.core.config.ServerConfig;
import io.kupervisor.core.config.SupervisorConfig;
import io.kupervisor.core.config.SupervisordOptions;
import io.kupervisor.core.config.UserRef;
import io.kupervisor.core.config.ValueTypes;

import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

/** The text form of {@code kupervisor check}: the configuration as supervisord would run it. */
final class ConfigReport {
    private ConfigReport() {
    }

    static String render(SupervisorConfig c) {
        StringBuilder sb = new StringBuilder();
        sb.append("configuration ").append(c.configFile()).append(": accepted\n");
        for (Path p : c.includedFiles()) {
            sb.append("  included ").append(p).append('\n');
        }

        SupervisordOptions s = c.supervisord();
        sb.append("\n[supervisord]\n");
        kv(sb, "logfile", s.logfile());
        kv(sb, "logfile_maxbytes", s.logfileMaxbytes());
        kv(sb, "logfile_backups", s.logfileBackups());
        kv(sb, "loglevel", s.loglevel().iniValue());
        kv(sb, "pidfile", s.pidfile());
        kv(sb, "umask", String.format("%03o", s.umask()));
        kv(sb, "nodaemon", s.nodaemon());
        kv(sb, "silent", s.silent());
        kv(sb, "minfds", s.minfds());
        kv(sb, "minprocs", s.minprocs());
        kv(sb, "nocleanup", s.nocleanup());
        kv(sb, "childlogdir", s.childlogdir());
        kv(sb, "user", s.user());
        kv(sb, "directory", s.directory());
        kv(sb, "strip_ansi", s.stripAnsi());
        kv(sb, "identifier", s.identifier());
        kv(sb, "environment", env(s.environment()));

        sb.append("\nservers\n");
        if (c.servers().isEmpty()) {
            sb.append("  (none: no control API, supervisorctl cannot connect)\n");
        }
        for (ServerConfig sc : c.servers()) {
            String auth = sc.username() == null ? "no authentication" : "user " + sc.username();
            switch (sc) {
                case ServerConfig.Inet i -> sb.append("  [").append(i.section()).append("] ")
                        .append(i.host().isEmpty() ? "*" : i.host()).append(':').append(i.port())
                        .append(", ").append(auth).append('\n');
                case ServerConfig.Unix u -> sb.append("  [").append(u.section()).append("] ").append(u.file())
                        .append(String.format(", chmod %04o", u.chmod()))
                        .append(u.chownUser() == null ? "" : ", chown " + u.chownUser().written()
                                + (u.chownGroup() == null ? "" : ":" + u.chownGroup().written()))
                        .append(", ").append(auth).append('\n');
            }
        }

        sb.append("\ngroups, in start order\n");
        if (c.groups().isEmpty()) {
            sb.append("  (none)\n");
        }
        for (ProcessGroupConfig g : c.groups()) {
            sb.append("  ").append(g.name()).append("  (").append(kind(g)).append(", priority ")
                    .append(g.priority()).append(", from [").append(g.section()).append("])\n");
            if (g.kind() == GroupKind.EVENT_LISTENER_POOL) {
                sb.append("    events ").append(String.join(", ", g.events()))
                        .append(", buffer_size ").append(g.bufferSize()).append('\n');
            }
            if (g.socket() != null) {
                sb.append("    socket ").append(g.socket().url()).append('\n');
            }
            for (ProcessConfig p : g.processes()) {
                process(sb, p);
            }
        }

        if (!c.warnings().isEmpty()) {
            sb.append("\nwarnings\n");
            for (ConfigWarning w : c.warnings()) {
                sb.append("  ").append(w.bySupervisord() ? "WARN " : "kupervisor: ").append(w.message());
                String where = w.origin() == null ? "" : w.origin().describe();
                if (!where.isEmpty()) {
                    sb.append("\n    at ").append(where);
                }
                sb.append('\n');
            }
        }
        return sb.toString().stripTrailing();
    }

    private static String kind(ProcessGroupConfig g) {
        return switch (g.kind()) {
            case PROCESS -> g.section().startsWith("group:") ? "group" : "program";
            case EVENT_LISTENER_POOL -> "event listener pool";
            case FASTCGI -> "fcgi-program";
        };
    }

    private static void process(StringBuilder sb, ProcessConfig p) {
        sb.append("    ").append(p.namespec()).append('\n');
        String in = "      ";
        kv(sb, in, "command", p.command());
        kv(sb, in, "directory", p.directory());
        kv(sb, in, "environment", env(p.environment()));
        kv(sb, in, "user", user(p.user()));
        kv(sb, in, "umask", p.umask() == null ? null : String.format("%03o", p.umask()));
        kv(sb, in, "priority", p.priority());
        kv(sb, in, "autostart", p.autostart());
        kv(sb, in, "autorestart", p.autorestart().iniValue());
        kv(sb, in, "startsecs", p.startsecs());
        kv(sb, in, "startretries", p.startretries());
        kv(sb, in, "exitcodes", p.exitcodes().stream().map(String::valueOf).collect(Collectors.joining(",")));
        String sig = ValueTypes.signalName(p.stopsignal());
        kv(sb, in, "stopsignal", sig != null ? sig : String.valueOf(p.stopsignal()));
        kv(sb, in, "stopwaitsecs", p.stopwaitsecs());
        kv(sb, in, "stopasgroup", p.stopasgroup());
        kv(sb, in, "killasgroup", p.killasgroup());
        kv(sb, in, "redirect_stderr", p.redirectStderr());
        kv(sb, in, "stdout", channel(p.stdout()));
        kv(sb, in, "stderr", channel(p.stderr()));
        kv(sb, in, "serverurl", p.serverurl() == null ? "AUTO" : p.serverurl());
    }

    private static String channel(LogSettings c) {
        String file = switch (c.logfile()) {
            case LogFile.Auto a -> "AUTO";
            case LogFile.None n -> "NONE";
            case LogFile.File f -> f.path();
        };
        return file + " (maxbytes " + c.logfileMaxbytes() + ", backups " + c.logfileBackups()
                + (c.syslog() ? ", syslog" : "") + (c.captureMaxbytes() > 0 ? ", capture " + c.captureMaxbytes() : "")
                + (c.eventsEnabled() ? ", events" : "") + ")";
    }

    private static String user(UserRef u) {
        if (u == null) {
            return null;
        }
        return u.uid() == null ? u.written() + " (uid unknown on this host)"
                : u.written().equals(String.valueOf(u.uid())) ? u.written() : u.written() + " (uid " + u.uid() + ")";
    }

    private static String env(Map<String, String> env) {
        if (env.isEmpty()) {
            return null;
        }
        return env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    }

    private static void kv(StringBuilder sb, String key, Object value) {
        kv(sb, "  ", key, value);
    }

    private static void kv(StringBuilder sb, String indent, String key, Object value) {
        if (value == null) {
            return;
        }
        sb.append(indent).append(String.format("%-17s", key)).append(value).append('\n');
    }
}
