package io.kupervisor.core.config;

import io.kupervisor.core.config.dialect.PyPath;

import io.kupervisor.core.config.ConfigLoader.Fault;
import io.kupervisor.core.config.ConfigLoader.Reading;
import io.kupervisor.core.config.dialect.PyRepr;
import io.kupervisor.core.config.dialect.PyText;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The process groups of a configuration: supervisord's {@code process_groups_from_parser} and
 * {@code processes_from_section}, read in the same order so that the first error reported is the
 * one supervisord reports.
 */
final class ProcessSections {
    /** supervisord's {@code EventTypes}: what {@code events=} may name. */
    static final Set<String> EVENT_TYPES = Set.of(
            "EVENT", "PROCESS_STATE", "PROCESS_STATE_STOPPED", "PROCESS_STATE_EXITED", "PROCESS_STATE_STARTING",
            "PROCESS_STATE_STOPPING", "PROCESS_STATE_BACKOFF", "PROCESS_STATE_FATAL", "PROCESS_STATE_RUNNING",
            "PROCESS_STATE_UNKNOWN", "PROCESS_COMMUNICATION", "PROCESS_COMMUNICATION_STDOUT",
            "PROCESS_COMMUNICATION_STDERR", "PROCESS_LOG", "PROCESS_LOG_STDOUT", "PROCESS_LOG_STDERR",
            "REMOTE_COMMUNICATION", "SUPERVISOR_STATE_CHANGE", "SUPERVISOR_STATE_CHANGE_RUNNING",
            "SUPERVISOR_STATE_CHANGE_STOPPING", "TICK", "TICK_5", "TICK_60", "TICK_3600", "PROCESS_GROUP",
            "PROCESS_GROUP_ADDED", "PROCESS_GROUP_REMOVED");
    /**
     * The most processes one program may have. supervisord has no bound and runs out of memory
     * somewhere around a million; each process costs the daemon pipes, logs and state, and a
     * program of more than this many is a typo or a fork bomb.
     */
    static final int MAX_NUMPROCS = 10_000;
    static final String DEFAULT_RESULT_HANDLER = "supervisor.dispatchers:default_handler";
    private static final Pattern TCP_SOCKET = Pattern.compile("tcp://([^\\s:]+):(\\d+)");

    private final Reading r;

    ProcessSections(Reading reading) {
        this.r = reading;
    }

    List<ProcessGroupConfig> groups() {
        List<ProcessGroupConfig> groups = new ArrayList<>();
        List<String> all = r.doc().sections();
        Set<String> homogeneousExclude = new LinkedHashSet<>();

        // [group:x] first: their programs stop being groups of their own
        for (String section : all) {
            if (!section.startsWith("group:")) {
                continue;
            }
            String groupName = name(section, section.split(":", 2)[1]);
            List<String> programs = ValueTypes.strings(groupGet(section, "programs", null));
            int priority = r.toInt(section, "priority", groupGet(section, "priority", "999"));
            List<ProcessConfig> processes = new ArrayList<>();
            // supervisord reuses this variable for the member's section: its "unknown program"
            // error names the previous member's section (a 4.2.5 quirk kept for identical messages)
            String named = section;
            for (String program : programs) {
                String programSection = "program:" + program;
                String fcgiSection = "fcgi-program:" + program;
                boolean isProgram = all.contains(programSection);
                boolean isFcgi = all.contains(fcgiSection);
                if (!isProgram && !isFcgi) {
                    throw new Fault("[" + named + "] names unknown program or fcgi-program " + program,
                            r.origin(section, "programs"));
                }
                if (isProgram && isFcgi) {
                    throw new Fault("[" + named + "] name " + program
                            + " is ambiguous (exists as program and fcgi-program)", r.origin(section, "programs"));
                }
                named = isProgram ? programSection : fcgiSection;
                homogeneousExclude.add(named);
                processes.addAll(processesFromSection(named, groupName));
            }
            groups.add(new ProcessGroupConfig(groupName, priority, GroupKind.PROCESS, section, processes,
                    List.of(), 0, null, null, sectionOrigin(section)));
        }

        for (String section : all) {
            if (!section.startsWith("program:") || homogeneousExclude.contains(section)) {
                continue;
            }
            String programName = name(section, section.split(":", 2)[1]);
            int priority = r.toInt(section, "priority", groupGet(section, "priority", "999"));
            List<ProcessConfig> processes = processesFromSection(section, programName);
            groups.add(new ProcessGroupConfig(programName, priority, GroupKind.PROCESS, section, processes,
                    List.of(), 0, null, null, sectionOrigin(section)));
        }

        for (String section : all) {
            if (!section.startsWith("eventlistener:")) {
                continue;
            }
            groups.add(eventListenerPool(section));
        }

        for (String section : all) {
            if (!section.startsWith("fcgi-program:") || homogeneousExclude.contains(section)) {
                continue;
            }
            groups.add(fcgiGroup(section));
        }

        // one lambda of ours, not Comparator's combinators: theirs are spun at run time (issue 18)
        groups.sort((a, b) -> a.priority() != b.priority()
                ? Integer.compare(a.priority(), b.priority()) : a.name().compareTo(b.name()));
        return groups;
    }

    private ProcessGroupConfig eventListenerPool(String section) {
        String poolName = section.split(":", 2)[1];
        int priority = r.toInt(section, "priority", groupGet(section, "priority", "-1"));
        int bufferSize = r.toInt(section, "buffer_size", groupGet(section, "buffer_size", "10"));
        if (bufferSize < 1) {
            throw new Fault("[" + section + "] section sets invalid buffer_size (" + bufferSize + ")",
                    r.origin(section, "buffer_size"));
        }
        String resultHandler = groupGet(section, "result_handler", DEFAULT_RESULT_HANDLER);
        if (!PyText.strip(resultHandler).equals(DEFAULT_RESULT_HANDLER)) {
            throw new Fault(resultHandler + " cannot be resolved within [" + section + "]",
                    r.origin(section, "result_handler"));
        }
        Set<String> events = new LinkedHashSet<>();
        for (String e : ValueTypes.strings(groupGet(section, "events", ""))) {
            events.add(e.toUpperCase(Locale.ROOT));
        }
        if (events.isEmpty()) {
            throw new Fault("[" + section + "] section requires an \"events\" line", r.origin(section, "events"));
        }
        for (String e : events) {
            if (!EVENT_TYPES.contains(e)) {
                throw new Fault("Unknown event type " + e + " in [" + section + "] events", r.origin(section, "events"));
            }
        }
        boolean redirect = r.convert(section, "redirect_stderr", groupGet(section, "redirect_stderr", "false"),
                ValueTypes::bool);
        if (redirect) {
            throw new Fault("[" + section + "] section sets redirect_stderr=true but this is not allowed because it"
                    + " will interfere with the eventlistener protocol", r.origin(section, "redirect_stderr"));
        }
        List<ProcessConfig> processes = processesFromSection(section, poolName);
        return new ProcessGroupConfig(poolName, priority, GroupKind.EVENT_LISTENER_POOL, section, processes,
                List.copyOf(events), bufferSize, PyText.strip(resultHandler), null, sectionOrigin(section));
    }

    private ProcessGroupConfig fcgiGroup(String section) {
        String programName = name(section, section.split(":", 2)[1]);
        int priority = r.toInt(section, "priority", groupGet(section, "priority", "999"));
        String procUser = groupGet(section, "user", null);
        UserRef procUid = procUser == null ? null
                : r.check(section, "user", () -> r.host().checks().nameToUid(procUser));
        String backlogValue = groupGet(section, "socket_backlog", null);
        Integer backlog = null;
        if (backlogValue != null) {
            backlog = r.toInt(section, "socket_backlog", backlogValue);
            if (backlog < 1 || backlog > 65535) {
                throw new Fault("Invalid socket_backlog value " + backlog, r.origin(section, "socket_backlog"));
            }
        }
        String owner = groupGet(section, "socket_owner", null);
        if (owner != null) {
            try {
                userGroup(owner);
            } catch (InvalidValue e) {
                throw new Fault("Invalid socket_owner value " + owner, r.origin(section, "socket_owner"));
            }
        }
        String modeValue = groupGet(section, "socket_mode", null);
        Integer mode = null;
        if (modeValue != null) {
            try {
                mode = ValueTypes.octal(modeValue);
            } catch (InvalidValue e) {
                throw new Fault("Invalid socket_mode value " + modeValue, r.origin(section, "socket_mode"));
            }
        }
        Map<String, Object> fcgiExpansions = new LinkedHashMap<>();
        fcgiExpansions.put("here", r.here());
        fcgiExpansions.put("program_name", programName);
        String socket = r.get(section, "socket", null, fcgiExpansions, true);
        if (socket == null || socket.isEmpty()) {
            throw new Fault("[" + section + "] section requires a \"socket\" line", r.origin(section, "socket"));
        }
        FcgiSocket socketConfig = fcgiSocket(section, socket, procUid, owner, mode, backlog);
        List<ProcessConfig> processes = processesFromSection(section, programName);
        return new ProcessGroupConfig(programName, priority, GroupKind.FASTCGI, section, processes,
                List.of(), 0, null, socketConfig, sectionOrigin(section));
    }

    /** supervisord's parse_fcgi_socket, with its tuple-shaped messages ("('Bad socket format %s', 'x')"). */
    private FcgiSocket fcgiSocket(String section, String sock, UserRef procUid, String owner, Integer mode,
                                  Integer backlog) {
        String suffix = " in [" + section + "] socket";
        if (sock.startsWith("unix://")) {
            String path = sock.substring(7);
            if (!PyPath.isAbs(path)) {
                throw new Fault("('Unix socket path %s is not an absolute path', " + PyRepr.repr(path) + ")" + suffix,
                        r.origin(section, "socket"));
            }
            path = PyPath.normalize(path, r.host().cwd().toString(), r.host().home());
            String effectiveOwner = owner != null ? owner : (procUid != null ? procUid.written() : null);
            return new FcgiSocket.Unix(path, effectiveOwner, mode != null ? mode : 0700, backlog);
        }
        if (owner != null || mode != null) {
            throw new Fault("socket_owner and socket_mode params should only be used with a Unix domain socket"
                    + suffix, r.origin(section, "socket"));
        }
        Matcher m = TCP_SOCKET.matcher(sock);
        if (m.matches()) {
            int port;
            try {
                port = ValueTypes.portNumber(m.group(2));
            } catch (InvalidValue e) {
                throw new Fault(e.getMessage() + suffix, r.origin(section, "socket"));
            }
            return new FcgiSocket.Tcp(PyText.lower(m.group(1)), port, backlog);
        }
        throw new Fault("('Bad socket format %s', " + PyRepr.repr(sock) + ")" + suffix, r.origin(section, "socket"));
    }

    private void userGroup(String value) throws InvalidValue {
        try {
            String[] parts = value.split(":", 2);
            r.host().checks().nameToUid(parts[0]);
            if (parts.length == 2) {
                r.host().checks().nameToGid(parts[1]);
            }
        } catch (InvalidValue e) {
            throw new InvalidValue("Invalid user:group definition " + value);
        }
    }

    /** supervisord's processes_from_section: any error gets " in section 'x' (file: 'y')". */
    private List<ProcessConfig> processesFromSection(String section, String groupName) {
        try {
            return new ProgramSection(section, groupName).processes();
        } catch (Fault f) {
            throw new Fault(f.getMessage() + " in section " + PyRepr.repr(section) + " (file: "
                    + PyRepr.repr(r.fileDisplayOf(section)) + ")", f.origin);
        }
    }

    /** The group-level get of process_groups_from_parser: ENV_* and here only. */
    private String groupGet(String section, String key, String dflt) {
        Map<String, Object> expansions = new LinkedHashMap<>();
        expansions.put("here", r.here());
        return r.get(section, key, dflt, expansions, true);
    }

    private String name(String section, String value) {
        try {
            return ValueTypes.processOrGroupName(value);
        } catch (InvalidValue e) {
            throw new Fault(e.getMessage(), sectionOrigin(section));
        }
    }

    private Origin sectionOrigin(String section) {
        return Origin.ofSection(r.fileOf(section), section, r.doc().headerLine(section));
    }

    static ProcessConfig withEnvironment(ProcessConfig p, Map<String, String> env) {
        return new ProcessConfig(p.name(), p.groupName(), p.programName(), p.section(), p.processNum(),
                p.numprocs(), p.command(), p.directory(), p.umask(), p.priority(), p.autostart(), p.autorestart(),
                p.startsecs(), p.startretries(), p.user(), p.stdout(), p.stderr(), p.stopsignal(), p.stopwaitsecs(),
                p.stopasgroup(), p.killasgroup(), p.exitcodes(), p.redirectStderr(), env, p.serverurl(), p.origin());
    }

    /** One [program:x]-like section turned into its processes (supervisord's _processes_from_section). */
    private final class ProgramSection {
        private final String section;
        private final String groupName;
        /** supervisord's common_expansions: grows with process_num, ENV_* and the program's own variables. */
        private final Map<String, Object> common = new LinkedHashMap<>();

        ProgramSection(String section, String groupName) {
            this.section = section;
            this.groupName = groupName;
        }

        private String get(String key, String dflt) {
            return r.get(section, key, dflt, common, true);
        }

        private String raw(String key, String dflt) {
            return r.get(section, key, dflt, common, false);
        }

        List<ProcessConfig> processes() {
            String programName = name(section, section.split(":", 2)[1]);
            common.put("here", r.here());
            common.put("program_name", programName);
            common.put("host_node_name", r.host().hostname());
            common.put("group_name", groupName);

            int priority = r.toInt(section, "priority", get("priority", "999"));
            boolean autostart = r.convert(section, "autostart", get("autostart", "true"), ValueTypes::bool);
            AutoRestart autorestart = r.convert(section, "autorestart", get("autorestart", "unexpected"),
                    ValueTypes::autoRestart);
            int startsecs = r.toInt(section, "startsecs", get("startsecs", "1"));
            int startretries = r.toInt(section, "startretries", get("startretries", "3"));
            int stopsignal = r.convert(section, "stopsignal", get("stopsignal", "TERM"), ValueTypes::signal);
            int stopwaitsecs = r.toInt(section, "stopwaitsecs", get("stopwaitsecs", "10"));
            boolean stopasgroup = r.convert(section, "stopasgroup", get("stopasgroup", "false"), ValueTypes::bool);
            boolean killasgroup = r.convert(section, "killasgroup",
                    get("killasgroup", stopasgroup ? "true" : "false"), ValueTypes::bool);
            List<Integer> exitcodes = r.convert(section, "exitcodes", get("exitcodes", "0"), ValueTypes::exitCodes);
            boolean redirectStderr = r.convert(section, "redirect_stderr", get("redirect_stderr", "false"),
                    ValueTypes::bool);
            int numprocs = r.toInt(section, "numprocs", get("numprocs", "1"));
            int numprocsStart = r.toInt(section, "numprocs_start", get("numprocs_start", "0"));
            String environmentStr = raw("environment", "");
            long stdoutCapture = r.convert(section, "stdout_capture_maxbytes", get("stdout_capture_maxbytes", "0"),
                    ValueTypes::byteSize);
            boolean stdoutEvents = r.convert(section, "stdout_events_enabled", get("stdout_events_enabled", "false"),
                    ValueTypes::bool);
            long stderrCapture = r.convert(section, "stderr_capture_maxbytes", get("stderr_capture_maxbytes", "0"),
                    ValueTypes::byteSize);
            boolean stderrEvents = r.convert(section, "stderr_events_enabled", get("stderr_events_enabled", "false"),
                    ValueTypes::bool);
            String serverurl = get("serverurl", null);
            if (serverurl != null && PyText.strip(serverurl).toUpperCase(Locale.ROOT).equals("AUTO")) {
                serverurl = null;
            }
            String userValue = get("user", null);
            UserRef user = userValue == null ? null
                    : r.check(section, "user", () -> r.host().checks().nameToUid(userValue));
            String umaskValue = get("umask", null);
            Integer umask = umaskValue == null ? null : r.convert(section, "umask", umaskValue, ValueTypes::octal);
            String processName = r.convert(section, "process_name", raw("process_name", "%(program_name)s"),
                    ValueTypes::processOrGroupName);

            if (numprocs > MAX_NUMPROCS) {
                throw new Fault("numprocs " + numprocs + " is more than kupervisor runs in one program (at most "
                        + MAX_NUMPROCS + ")", r.origin(section, "numprocs"));
            }
            if (numprocs > 1 && !processName.contains("%(process_num)")) {
                throw new Fault("%(process_num) must be present within process_name when numprocs > 1",
                        r.origin(section, r.doc().get(section, "process_name").isPresent() ? "process_name" : "numprocs"));
            }
            if (stopasgroup && !killasgroup) {
                throw new Fault("Cannot set stopasgroup=true and killasgroup=false", r.origin(section, "killasgroup"));
            }

            List<ProcessConfig> processes = new ArrayList<>();
            for (long num = numprocsStart; num < (long) numprocs + numprocsStart; num++) {
                int processNum = (int) num;
                common.put("process_num", processNum);
                common.put("numprocs", numprocs);
                common.putAll(r.environ());

                String envExpanded = r.expandOrFail(environmentStr, common, "environment", section, "environment");
                Map<String, String> environment = r.environmentOf(envExpanded, section, "environment");
                // the program's own variables become ENV_* names for its later keys (4.2.2+)
                environment.forEach((k, v) -> common.put("ENV_" + k, v));

                String directory = get("directory", null);
                LogSettings stdout = channel("stdout", stdoutCapture, stdoutEvents);
                LogSettings stderr = channel("stderr", stderrCapture, stderrEvents);
                if (redirectStderr) {
                    if (stderr.logfile() instanceof LogFile.File) {
                        r.warnings().add(new ConfigWarning("For [" + section + "], redirect_stderr=true but "
                                + "stderr_logfile has also been set to a filename, the filename has been ignored",
                                r.origin(section, "stderr_logfile")));
                    }
                    stderr = new LogSettings(LogFile.NONE, stderr.logfileMaxbytes(), stderr.logfileBackups(),
                            stderr.captureMaxbytes(), stderr.eventsEnabled(), stderr.syslog());
                }
                String command = r.get(section, "command", null, common, true);
                if (command == null) {
                    throw new Fault("program section " + section + " does not specify a command",
                            Origin.ofSection(r.fileOf(section), section, r.doc().headerLine(section)));
                }
                String name = r.expandOrFail(processName, common, "process_name", section, "process_name");
                processes.add(new ProcessConfig(name, groupName, programName, section, processNum, numprocs,
                        command, directory, umask, priority, autostart, autorestart, startsecs, startretries, user,
                        stdout, stderr, stopsignal, stopwaitsecs, stopasgroup, killasgroup, exitcodes,
                        redirectStderr, environment, serverurl,
                        Origin.ofSection(r.fileOf(section), section, r.doc().headerLine(section))));
            }
            processes.sort((a, b) -> a.priority() != b.priority()
                    ? Integer.compare(a.priority(), b.priority()) : a.name().compareTo(b.name()));
            return processes;
        }

        private LogSettings channel(String channel, long captureMaxbytes, boolean eventsEnabled) {
            String lfKey = channel + "_logfile";
            String lfValue = get(lfKey, null);
            LogFile logfile;
            boolean syslogMagic = false;
            if (lfValue == null) {
                logfile = LogFile.AUTO;
            } else {
                // log file names are expanded twice
                String expanded = r.expandOrFail(lfValue, common, lfKey, section, lfKey);
                String lower = PyText.lower(expanded);
                if (lower.equals("none") || lower.equals("off")) {
                    logfile = LogFile.NONE;
                } else if (lower.equals("auto")) {
                    logfile = LogFile.AUTO;
                } else if (lower.equals("syslog")) {
                    logfile = LogFile.NONE;
                    syslogMagic = true;
                } else {
                    logfile = LogFile.path(r.check(section, lfKey,
                            () -> r.host().checks().existingDirpath(expanded, r.host().home())));
                }
            }
            String buKey = channel + "_logfile_backups";
            int backups = r.toInt(section, buKey, get(buKey, "10"));
            String mbKey = channel + "_logfile_maxbytes";
            long maxbytes = r.convert(section, mbKey, get(mbKey, "50MB"), ValueTypes::byteSize);
            String syKey = channel + "_syslog";
            boolean syslog = r.convert(section, syKey, get(syKey, "false"), ValueTypes::bool);
            if (syslogMagic) {
                r.warnings().add(new ConfigWarning("For [" + section + "], " + lfKey + "=syslog but this is "
                        + "deprecated and will be removed.  Use " + syKey + "=true to enable syslog instead.",
                        r.origin(section, lfKey)));
                syslog = true;
            }
            if (logfile instanceof LogFile.Auto && maxbytes == 0) {
                r.warnings().add(new ConfigWarning("For [" + section + "], AUTO logging used for " + lfKey
                        + " without rollover, set maxbytes > 0 to avoid filling up filesystem unintentionally",
                        r.origin(section, mbKey)));
            }
            return new LogSettings(logfile, maxbytes, backups, captureMaxbytes, eventsEnabled, syslog);
        }
    }
}
