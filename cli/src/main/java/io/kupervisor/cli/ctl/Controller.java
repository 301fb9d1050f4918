package io.kupervisor.cli.ctl;

import io.kupervisor.core.config.Namespec;
import io.kupervisor.supervisord.rpc.Faults;
import io.kupervisor.supervisord.rpc.RpcClient;
import io.kupervisor.supervisord.rpc.RpcFault;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * supervisorctl's {@code Controller} and its {@code DefaultControllerPlugin} (supervisor 4.2.5):
 * the same commands with the same words, the same order of calls and the same exit statuses
 * (LSB-flavoured and inconsistent as they are, since scripts test them).
 */
public final class Controller {
    // LSBInitExitStatuses
    static final int SUCCESS = 0;
    static final int GENERIC = 1;
    static final int INVALID_ARGS = 2;
    static final int UNIMPLEMENTED_FEATURE = 3;
    static final int INSUFFICIENT_PRIVILEGES = 4;
    static final int NOT_INSTALLED = 5;
    static final int NOT_RUNNING = 7;
    // LSBStatusExitStatuses
    static final int STATUS_NOT_RUNNING = 3;
    static final int STATUS_UNKNOWN = 4;

    private static final List<String> COMMANDS = List.of("add", "avail", "clear", "exit", "fg", "maintail", "open",
            "pid", "quit", "reload", "remove", "reread", "restart", "shutdown", "signal", "start", "status", "stop",
            "tail", "update", "version");

    private final CtlOptions options;
    private final PrintWriter out;
    private final PrintWriter err;
    private final BufferedReader in;
    private RpcClient client;
    private String clientKey;
    int exitstatus = SUCCESS;

    /** Signals a Ctrl-C to a command that streams ({@code tail -f}). */
    private final AtomicBoolean interrupted = new AtomicBoolean();
    private volatile Thread streaming;

    public Controller(CtlOptions options, PrintWriter out, PrintWriter err, BufferedReader in) {
        this.options = options;
        this.out = out;
        this.err = err;
        this.in = in;
    }

    public int exitstatus() {
        return exitstatus;
    }

    /** Ctrl-C: a streaming command stops (and prints an empty line); true if one was running. */
    public boolean interrupt() {
        Thread t = streaming;
        if (t != null) {
            interrupted.set(true);
            t.interrupt();
            return true;
        }
        return false;
    }

    void output(String message) {
        out.print(message + "\n");
        out.flush();
    }

    private RpcClient supervisor() {
        String key = options.serverurl + "\0" + options.username + "\0" + options.password;
        if (client == null || !key.equals(clientKey)) {
            if (client != null) {
                client.close();
            }
            client = new RpcClient(options.serverurl, options.username, options.password);
            clientKey = key;
        }
        return client;
    }

    public void close() {
        if (client != null) {
            client.close();
        }
    }

    // ---- the command loop ----

    /** The interactive shell: {@code status} first, then commands until EOF or quit. */
    public void cmdloop() throws IOException {
        List<String> queue = new ArrayList<>(List.of("status"));
        while (true) {
            String line;
            if (!queue.isEmpty()) {
                line = queue.removeFirst();
            } else {
                out.print(options.prompt + "> ");
                out.flush();
                line = in.readLine();
                if (line == null) {
                    line = "EOF";
                }
            }
            if (onecmd(line)) {
                return;
            }
        }
    }

    /** Runs one command line; true when it asks the shell to end. */
    public boolean onecmd(String raw) {
        String line = raw.strip();
        if (line.isEmpty()) {
            return false;
        }
        if (line.charAt(0) == '?') {
            line = "help " + line.substring(1);
        } else if (line.charAt(0) == '!') {
            defaultCmd(line);
            return false;
        }
        int i = 0;
        while (i < line.length() && isIdentChar(line.charAt(i))) {
            i++;
        }
        String cmd = line.substring(0, i);
        String arg = line.substring(i).strip();
        if (cmd.isEmpty() || !(cmd.equals("help") || cmd.equals("EOF") || COMMANDS.contains(cmd))) {
            defaultCmd(line);
            return false;
        }
        String fullLine = line;
        try {
            try {
                return dispatch(cmd, arg);
            } catch (RpcClient.ProtocolError e) {
                if (e.status() == 401) {
                    if (options.interactive) {
                        output("Server requires authentication");
                        out.print("Username:");
                        out.flush();
                        String user = readLine();
                        out.print("Password:");
                        out.flush();
                        String pass = readPassword();
                        output("");
                        options.username = user;
                        options.password = pass;
                        return onecmd(fullLine);
                    }
                    output("Server requires authentication");
                    exitstatus = GENERIC;
                } else {
                    exitstatus = GENERIC;
                    throw e;
                }
            }
            dispatch(cmd, arg);
        } catch (Exception e) {
            output("error: " + describe(e));
            exitstatus = GENERIC;
        }
        return false;
    }

    private String readPassword() throws IOException {
        java.io.Console console = System.console();
        if (console != null && console.isTerminal()) {
            char[] p = console.readPassword();
            return p == null ? "" : new String(p);
        }
        return readLine();
    }

    /** Python's {@code input()}: EOFError at the end of stdin. */
    private String readLine() throws IOException {
        String line = in.readLine();
        if (line == null) {
            throw new InputEnded();
        }
        return line;
    }

    /** stdin ended where an answer was expected (Python's EOFError). */
    static final class InputEnded extends IOException {
        InputEnded() {
            super("EOF when reading a line");
        }
    }

    /** An uncaught exception as supervisorctl prints it (without Python's file and line). */
    static String describe(Exception e) {
        return switch (e) {
            case RpcFault f -> "<class 'xmlrpc.client.Fault'>, <Fault " + f.code() + ": "
                    + io.kupervisor.core.config.dialect.PyRepr.repr(f.text()) + ">";
            case RpcClient.ProtocolError p -> "<class 'xmlrpc.client.ProtocolError'>, " + p.getMessage();
            case RpcClient.ConnectFailed c -> "<class '" + c.pythonClass() + "'>, " + c.pythonText();
            case RpcClient.BadResponse b -> "<class 'xml.parsers.expat.ExpatError'>, " + b.getMessage();
            case InputEnded ie -> "<class 'EOFError'>, EOF when reading a line";
            case java.io.EOFException eof -> "<class 'http.client.RemoteDisconnected'>, "
                    + "Remote end closed connection without response";
            case IOException io -> "<class 'OSError'>, " + io.getMessage();
            default -> "<class '" + e.getClass().getName() + "'>, " + e.getMessage();
        };
    }

    private static boolean isIdentChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }

    private void defaultCmd(String line) {
        output("*** Unknown syntax: " + line);
        exitstatus = GENERIC;
    }

    private boolean dispatch(String cmd, String arg) throws IOException {
        switch (cmd) {
            case "help" -> doHelp(arg);
            case "EOF", "quit", "exit" -> {
                output("");
                return true;
            }
            case "tail" -> doTail(arg);
            case "maintail" -> doMaintail(arg);
            case "status" -> doStatus(arg);
            case "pid" -> doPid(arg);
            case "start" -> doStart(arg);
            case "stop" -> doStop(arg);
            case "signal" -> doSignal(arg);
            case "restart" -> doRestart(arg);
            case "shutdown" -> doShutdown(arg);
            case "reload" -> doReload(arg);
            case "avail" -> doAvail(arg);
            case "reread" -> doReread(arg);
            case "add" -> doAdd(arg);
            case "remove" -> doRemove(arg);
            case "update" -> doUpdate(arg);
            case "clear" -> doClear(arg);
            case "open" -> doOpen(arg);
            case "version" -> doVersion(arg);
            case "fg" -> doFg(arg);
            default -> defaultCmd(cmd + (arg.isEmpty() ? "" : " " + arg));
        }
        return false;
    }

    private static List<String> split(String arg) {
        String s = arg.strip();
        return s.isEmpty() ? List.of() : Arrays.asList(s.split("\\s+"));
    }

    private void setExitstatusFromFault(int code, Integer ignored) {
        if ((ignored != null && code == ignored) || code == Faults.SUCCESS) {
            return;
        }
        if (code == Faults.SPAWN_ERROR || code == Faults.ABNORMAL_TERMINATION || code == Faults.NOT_RUNNING) {
            exitstatus = NOT_RUNNING;
        } else {
            exitstatus = GENERIC;
        }
    }

    /** supervisorctl's {@code upcheck}: false (and a message and status) when the server cannot be used. */
    boolean upcheck() throws IOException {
        try {
            Object api = supervisor().call("supervisor.getVersion");
            if (!"3.0".equals(api)) {
                output("Sorry, this version of supervisorctl expects to talk to a server with API version 3.0, "
                        + "but the remote version is " + api + ".");
                exitstatus = NOT_INSTALLED;
                return false;
            }
        } catch (RpcFault f) {
            if (f.code() == Faults.UNKNOWN_METHOD) {
                output("Sorry, supervisord responded but did not recognize the supervisor namespace commands that "
                        + "supervisorctl uses to control it.  Please check that the [rpcinterface:supervisor] "
                        + "section is enabled in the configuration file (see sample.conf).");
                exitstatus = UNIMPLEMENTED_FEATURE;
                return false;
            }
            exitstatus = GENERIC;
            throw f;
        } catch (RpcClient.ConnectFailed e) {
            if (e.kind() == RpcClient.ConnectFailed.Kind.REFUSED) {
                output(options.serverurl + " refused connection");
                exitstatus = INSUFFICIENT_PRIVILEGES;
                return false;
            }
            if (e.kind() == RpcClient.ConnectFailed.Kind.NO_FILE) {
                output(options.serverurl + " no such file");
                exitstatus = NOT_RUNNING;
                return false;
            }
            exitstatus = GENERIC;
            throw e;
        }
        return true;
    }

    private static String namespec(String group, String name) {
        return Namespec.of(group, name).toString();
    }


    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> structs(Object o) {
        return (List<Map<String, Object>>) o;
    }

    private static int intOf(Object o) {
        return o instanceof Integer i ? i : o instanceof Long l ? (int) (long) l : 0;
    }

    // ---- tail, maintail ----

    private void tailf(String path) throws IOException {
        output("==> Press Ctrl-C to exit <==");
        String url = options.serverurl + path;
        RpcClient c = new RpcClient(options.serverurl, options.username, options.password);
        java.nio.charset.CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        streaming = Thread.currentThread();
        interrupted.set(false);
        try {
            int status = c.stream(path, (data, off, len) -> {
                String s;
                try {
                    s = decoder.decode(java.nio.ByteBuffer.wrap(data, off, len)).toString();
                } catch (CharacterCodingException e) {
                    s = "Undecodable: " + bytesRepr(data, off, len);
                }
                out.print(s);
                out.flush();
            });
            if (status != 200) {
                err.print(url + " Cannot read, status code " + status + "\n");
                err.flush();
            }
        } catch (RpcClient.ConnectFailed e) {
            err.print(url + " Cannot connect, error: <class '" + e.pythonClass() + "'> (" + e.pythonText() + ")\n");
            err.flush();
        } catch (IOException e) {
            if (interrupted.get() || Thread.currentThread().isInterrupted()) {
                Thread.interrupted();
                output("");
                return;
            }
            err.print(url + " Cannot connect, error: <class 'OSError'> (" + e.getMessage() + ")\n");
            err.flush();
        } finally {
            streaming = null;
            Thread.interrupted();
        }
    }

    private static String bytesRepr(byte[] data, int off, int len) {
        StringBuilder sb = new StringBuilder("b'");
        for (int i = off; i < off + len; i++) {
            int b = data[i] & 0xff;
            if (b == '\\' || b == '\'') {
                sb.append('\\').append((char) b);
            } else if (b == '\n') {
                sb.append("\\n");
            } else if (b == '\r') {
                sb.append("\\r");
            } else if (b == '\t') {
                sb.append("\\t");
            } else if (b < 0x20 || b >= 0x7f) {
                sb.append(String.format(Locale.ROOT, "\\x%02x", b));
            } else {
                sb.append((char) b);
            }
        }
        return sb.append('\'').toString();
    }

    private void doTail(String arg) throws IOException {
        if (!upcheck()) {
            return;
        }
        List<String> args = new ArrayList<>(split(arg));
        if (args.isEmpty()) {
            output("Error: too few arguments");
            exitstatus = GENERIC;
            helpTail();
            return;
        }
        if (args.size() > 3) {
            output("Error: too many arguments");
            exitstatus = GENERIC;
            helpTail();
            return;
        }
        String modifier = null;
        if (args.getFirst().startsWith("-")) {
            modifier = args.removeFirst();
        }
        String name;
        String channel;
        if (args.size() == 1) {
            name = args.getLast();
            channel = "stdout";
        } else if (!args.isEmpty()) {
            name = args.getFirst();
            channel = args.getLast().toLowerCase(Locale.ROOT);
            if (!channel.equals("stderr") && !channel.equals("stdout")) {
                output("Error: bad channel " + io.kupervisor.core.config.dialect.PyRepr.repr(channel));
                exitstatus = GENERIC;
                return;
            }
        } else {
            output("Error: tail requires process name");
            exitstatus = GENERIC;
            return;
        }
        Long bytes = 1600L;
        if (modifier != null) {
            String what = modifier.substring(1);
            if (what.equals("f")) {
                bytes = null;
            } else {
                try {
                    bytes = io.kupervisor.core.config.dialect.PyInt.parse(what);
                } catch (IllegalArgumentException e) {
                    output("Error: bad argument " + modifier);
                    exitstatus = GENERIC;
                    return;
                }
            }
        }
        if (bytes == null) {
            tailf("/logtail/" + name + "/" + channel);
            return;
        }
        try {
            Object o = supervisor().call(channel.equals("stdout") ? "supervisor.readProcessStdoutLog"
                    : "supervisor.readProcessStderrLog", name, (int) -bytes, 0);
            output(String.valueOf(o));
        } catch (RpcFault f) {
            exitstatus = GENERIC;
            switch (f.code()) {
                case Faults.NO_FILE -> output(name + ": ERROR (no log file)");
                case Faults.FAILED -> output(name + ": ERROR (unknown error reading log)");
                case Faults.BAD_NAME -> output(name + ": ERROR (no such process name)");
                default -> throw f;
            }
        }
    }

    private void helpTail() {
        output("tail [-f] <name> [stdout|stderr] (default stdout)\nEx:\ntail -f <name>\t\tContinuous tail of named "
                + "process stdout\n\t\t\tCtrl-C to exit.\ntail -100 <name>\tlast 100 *bytes* of process stdout\n"
                + "tail <name> stderr\tlast 1600 *bytes* of process stderr");
    }

    private void doMaintail(String arg) throws IOException {
        if (!upcheck()) {
            return;
        }
        List<String> args = split(arg);
        long bytes;
        if (args.size() > 1) {
            output("Error: too many arguments");
            exitstatus = GENERIC;
            helpMaintail();
            return;
        } else if (args.size() == 1) {
            if (args.getFirst().startsWith("-")) {
                String what = args.getFirst().substring(1);
                if (what.equals("f")) {
                    tailf("/mainlogtail");
                    return;
                }
                try {
                    bytes = io.kupervisor.core.config.dialect.PyInt.parse(what);
                } catch (IllegalArgumentException e) {
                    output("Error: bad argument " + args.getFirst());
                    exitstatus = GENERIC;
                    return;
                }
            } else {
                output("Error: bad argument " + args.getFirst());
                exitstatus = GENERIC;
                return;
            }
        } else {
            bytes = 1600;
        }
        try {
            output(String.valueOf(supervisor().call("supervisor.readLog", (int) -bytes, 0)));
        } catch (RpcFault f) {
            exitstatus = GENERIC;
            switch (f.code()) {
                case Faults.NO_FILE -> output("supervisord: ERROR (no log file)");
                case Faults.FAILED -> output("supervisord: ERROR (unknown error reading log)");
                default -> throw f;
            }
        }
    }

    private void helpMaintail() {
        output("maintail -f \tContinuous tail of supervisor main log file (Ctrl-C to exit)\n"
                + "maintail -100\tlast 100 *bytes* of supervisord main log file\n"
                + "maintail\tlast 1600 *bytes* of supervisor main log file\n");
    }

    // ---- status, pid ----

    private void showStatuses(List<Map<String, Object>> infos) {
        List<String> specs = new ArrayList<>();
        int maxlen = 30;
        for (Map<String, Object> info : infos) {
            String spec = namespec(String.valueOf(info.get("group")), String.valueOf(info.get("name")));
            specs.add(spec);
            maxlen = Math.max(maxlen, spec.length());
        }
        for (int i = 0; i < infos.size(); i++) {
            Map<String, Object> info = infos.get(i);
            output(pad(specs.get(i), maxlen + 3) + pad(String.valueOf(info.get("statename")), 10)
                    + info.get("description"));
        }
    }

    private static String pad(String s, int width) {
        int len = s.codePointCount(0, s.length());
        return len >= width ? s : s + " ".repeat(width - len);
    }

    private void doStatus(String arg) throws IOException {
        if (!upcheck()) {
            exitstatus = STATUS_UNKNOWN;
            return;
        }
        List<Map<String, Object>> all = structs(supervisor().call("supervisor.getAllProcessInfo"));
        List<String> names = split(arg);
        List<Map<String, Object>> matching;
        if (names.isEmpty() || names.contains("all")) {
            matching = all;
        } else {
            matching = new ArrayList<>();
            for (String name : names) {
                boolean bad = true;
                Namespec gp = Namespec.parse(name);
                for (Map<String, Object> info : all) {
                    boolean matched = gp.group().equals(info.get("group"));
                    if (gp.process() != null) {
                        matched = matched && gp.process().equals(info.get("name"));
                    }
                    if (matched) {
                        bad = false;
                        matching.add(info);
                    }
                }
                if (bad) {
                    output(gp.process() == null ? gp.group() + ": ERROR (no such group)" : name + ": ERROR (no such process)");
                    exitstatus = STATUS_UNKNOWN;
                }
            }
        }
        showStatuses(matching);
        for (Map<String, Object> info : matching) {
            int state = intOf(info.get("state"));
            if (state == 0 || state == 100 || state == 200 || state == 1000) {
                exitstatus = STATUS_NOT_RUNNING;
            }
        }
    }

    private void doPid(String arg) throws IOException {
        RpcClient s = supervisor();
        if (!upcheck()) {
            return;
        }
        List<String> names = split(arg);
        if (names.isEmpty()) {
            output(String.valueOf(s.call("supervisor.getPID")));
        } else if (names.contains("all")) {
            for (Map<String, Object> info : structs(s.call("supervisor.getAllProcessInfo"))) {
                output(String.valueOf(info.get("pid")));
            }
        } else {
            for (String name : names) {
                Map<String, Object> info;
                try {
                    info = structs(List.of(s.call("supervisor.getProcessInfo", name))).getFirst();
                } catch (RpcFault f) {
                    exitstatus = GENERIC;
                    if (f.code() == Faults.BAD_NAME) {
                        output("No such process " + name);
                        continue;
                    }
                    throw f;
                }
                int pid = intOf(info.get("pid"));
                output(String.valueOf(pid));
                if (pid == 0) {
                    exitstatus = NOT_RUNNING;
                }
            }
        }
    }

    // ---- start, stop, restart, signal ----

    private static String startResult(Map<String, Object> r) {
        String name = namespec(String.valueOf(r.get("group")), String.valueOf(r.get("name")));
        int code = intOf(r.get("status"));
        return switch (code) {
            case Faults.BAD_NAME -> name + ": ERROR (no such process)";
            case Faults.NO_FILE -> name + ": ERROR (no such file)";
            case Faults.NOT_EXECUTABLE -> name + ": ERROR (file is not executable)";
            case Faults.ALREADY_STARTED -> name + ": ERROR (already started)";
            case Faults.SPAWN_ERROR -> name + ": ERROR (spawn error)";
            case Faults.ABNORMAL_TERMINATION -> name + ": ERROR (abnormal termination)";
            case Faults.SUCCESS -> name + ": started";
            default -> throw new IllegalArgumentException("Unknown result code " + code + " for " + name);
        };
    }

    private static Map<String, Object> faultResult(RpcFault f, String group, String name) {
        Map<String, Object> r = new java.util.LinkedHashMap<>();
        r.put("status", f.code());
        r.put("name", name);
        r.put("group", group);
        r.put("description", f.text());
        return r;
    }

    private void doStart(String arg) throws IOException {
        if (!upcheck()) {
            return;
        }
        List<String> names = split(arg);
        RpcClient s = supervisor();
        if (names.isEmpty()) {
            output("Error: start requires a process name");
            exitstatus = INVALID_ARGS;
            helpStart();
            return;
        }
        if (names.contains("all")) {
            for (Map<String, Object> r : structs(s.call("supervisor.startAllProcesses"))) {
                output(startResult(r));
                setExitstatusFromFault(intOf(r.get("status")), Faults.ALREADY_STARTED);
            }
            return;
        }
        for (String name : names) {
            Namespec gp = Namespec.parse(name);
            if (gp.process() == null) {
                try {
                    for (Map<String, Object> r : structs(s.call("supervisor.startProcessGroup", gp.group()))) {
                        output(startResult(r));
                        setExitstatusFromFault(intOf(r.get("status")), Faults.ALREADY_STARTED);
                    }
                } catch (RpcFault f) {
                    if (f.code() == Faults.BAD_NAME) {
                        output(gp.group() + ": ERROR (no such group)");
                        exitstatus = INVALID_ARGS;
                    } else {
                        exitstatus = GENERIC;
                        throw f;
                    }
                }
            } else {
                try {
                    s.call("supervisor.startProcess", name);
                    output(namespec(gp.group(), gp.process()) + ": started");
                } catch (RpcFault f) {
                    output(startResult(faultResult(f, gp.group(), gp.process())));
                    setExitstatusFromFault(f.code(), Faults.ALREADY_STARTED);
                }
            }
        }
    }

    private void helpStart() {
        output("start <name>\t\tStart a process");
        output("start <gname>:*\t\tStart all processes in a group");
        output("start <name> <name>\tStart multiple processes or groups");
        output("start all\t\tStart all processes");
    }

    private static String signalResult(Map<String, Object> r, String success) {
        String name = namespec(String.valueOf(r.get("group")), String.valueOf(r.get("name")));
        int code = intOf(r.get("status"));
        return switch (code) {
            case Faults.BAD_NAME -> name + ": ERROR (no such process)";
            case Faults.BAD_SIGNAL -> name + ": ERROR (bad signal name)";
            case Faults.NOT_RUNNING -> name + ": ERROR (not running)";
            case Faults.SUCCESS -> name + ": " + success;
            case Faults.FAILED -> String.valueOf(r.get("description"));
            default -> throw new IllegalArgumentException("Unknown result code " + code + " for " + name);
        };
    }

    private void doStop(String arg) throws IOException {
        if (!upcheck()) {
            return;
        }
        List<String> names = split(arg);
        RpcClient s = supervisor();
        if (names.isEmpty()) {
            output("Error: stop requires a process name");
            exitstatus = GENERIC;
            helpStop();
            return;
        }
        if (names.contains("all")) {
            for (Map<String, Object> r : structs(s.call("supervisor.stopAllProcesses"))) {
                output(signalResult(r, "stopped"));
                setExitstatusFromFault(intOf(r.get("status")), Faults.NOT_RUNNING);
            }
            return;
        }
        for (String name : names) {
            Namespec gp = Namespec.parse(name);
            if (gp.process() == null) {
                try {
                    for (Map<String, Object> r : structs(s.call("supervisor.stopProcessGroup", gp.group()))) {
                        output(signalResult(r, "stopped"));
                        setExitstatusFromFault(intOf(r.get("status")), Faults.NOT_RUNNING);
                    }
                } catch (RpcFault f) {
                    exitstatus = GENERIC;
                    if (f.code() == Faults.BAD_NAME) {
                        output(gp.group() + ": ERROR (no such group)");
                    } else {
                        throw f;
                    }
                }
            } else {
                try {
                    s.call("supervisor.stopProcess", name);
                    output(namespec(gp.group(), gp.process()) + ": stopped");
                } catch (RpcFault f) {
                    output(signalResult(faultResult(f, gp.group(), gp.process()), "stopped"));
                    setExitstatusFromFault(f.code(), Faults.NOT_RUNNING);
                }
            }
        }
    }

    private void helpStop() {
        output("stop <name>\t\tStop a process");
        output("stop <gname>:*\t\tStop all processes in a group");
        output("stop <name> <name>\tStop multiple processes or groups");
        output("stop all\t\tStop all processes");
    }

    private void doSignal(String arg) throws IOException {
        if (!upcheck()) {
            return;
        }
        List<String> args = split(arg);
        if (args.size() < 2) {
            output("Error: signal requires a signal name and a process name");
            helpSignal();
            exitstatus = GENERIC;
            return;
        }
        String sig = args.getFirst();
        List<String> names = args.subList(1, args.size());
        RpcClient s = supervisor();
        if (names.contains("all")) {
            for (Map<String, Object> r : structs(s.call("supervisor.signalAllProcesses", sig))) {
                output(signalResult(r, "signalled"));
                setExitstatusFromFault(intOf(r.get("status")), null);
            }
            return;
        }
        for (String name : names) {
            Namespec gp = Namespec.parse(name);
            if (gp.process() == null) {
                try {
                    for (Map<String, Object> r : structs(s.call("supervisor.signalProcessGroup", gp.group(), sig))) {
                        output(signalResult(r, "signalled"));
                        setExitstatusFromFault(intOf(r.get("status")), null);
                    }
                } catch (RpcFault f) {
                    if (f.code() == Faults.BAD_NAME) {
                        output(gp.group() + ": ERROR (no such group)");
                        exitstatus = GENERIC;
                    } else {
                        throw f;
                    }
                }
            } else {
                try {
                    s.call("supervisor.signalProcess", name, sig);
                    output(namespec(gp.group(), gp.process()) + ": signalled");
                } catch (RpcFault f) {
                    output(signalResult(faultResult(f, gp.group(), gp.process()), "signalled"));
                    setExitstatusFromFault(f.code(), null);
                }
            }
        }
    }

    private void helpSignal() {
        output("signal <signal name> <name>\t\tSignal a process");
        output("signal <signal name> <gname>:*\t\tSignal all processes in a group");
        output("signal <signal name> <name> <name>\tSignal multiple processes or groups");
        output("signal <signal name> all\t\tSignal all processes");
    }

    private void doRestart(String arg) throws IOException {
        if (!upcheck()) {
            return;
        }
        if (split(arg).isEmpty()) {
            output("Error: restart requires a process name");
            exitstatus = GENERIC;
            helpRestart();
            return;
        }
        doStop(arg);
        doStart(arg);
    }

    private void helpRestart() {
        output("restart <name>\t\tRestart a process");
        output("restart <gname>:*\tRestart all processes in a group");
        output("restart <name> <name>\tRestart multiple processes or groups");
        output("restart all\t\tRestart all processes");
        output("Note: restart does not reread config files. For that, see reread and update.");
    }

    // ---- shutdown, reload ----

    private boolean confirm(String question) throws IOException {
        if (!options.interactive) {
            return true;
        }
        out.print(question);
        out.flush();
        return readLine().toLowerCase(Locale.ROOT).startsWith("y");
    }

    private void doShutdown(String arg) throws IOException {
        if (!arg.isEmpty()) {
            output("Error: shutdown accepts no arguments");
            exitstatus = GENERIC;
            output("shutdown \tShut the remote supervisord down.");
            return;
        }
        if (!confirm("Really shut the remote supervisord process down y/N? ")) {
            return;
        }
        try {
            supervisor().call("supervisor.shutdown");
            output("Shut down");
        } catch (RpcFault f) {
            if (f.code() == Faults.SHUTDOWN_STATE) {
                output("ERROR: already shutting down");
            } else {
                exitstatus = GENERIC;
                throw f;
            }
        } catch (RpcClient.ConnectFailed e) {
            exitstatus = GENERIC;
            switch (e.kind()) {
                case REFUSED -> output("ERROR: " + options.serverurl + " refused connection (already shut down?)");
                case NO_FILE -> output("ERROR: " + options.serverurl + " no such file (already shut down?)");
                default -> throw e;
            }
        }
    }

    private void doReload(String arg) throws IOException {
        if (!arg.isEmpty()) {
            output("Error: reload accepts no arguments");
            exitstatus = GENERIC;
            output("reload \t\tRestart the remote supervisord.");
            return;
        }
        if (!confirm("Really restart the remote supervisord process y/N? ")) {
            return;
        }
        try {
            supervisor().call("supervisor.restart");
            output("Restarted supervisord");
        } catch (RpcFault f) {
            exitstatus = GENERIC;
            if (f.code() == Faults.SHUTDOWN_STATE) {
                output("ERROR: already shutting down");
            } else {
                throw f;
            }
        }
    }

    // ---- configuration: avail, reread, add, remove, update ----

    private void doAvail(String arg) throws IOException {
        if (!arg.isEmpty()) {
            output("Error: avail accepts no arguments");
            exitstatus = GENERIC;
            output("avail\t\t\tDisplay all configured processes");
            return;
        }
        List<Map<String, Object>> infos;
        try {
            infos = structs(supervisor().call("supervisor.getAllConfigInfo"));
        } catch (RpcFault f) {
            exitstatus = GENERIC;
            if (f.code() == Faults.SHUTDOWN_STATE) {
                output("ERROR: supervisor shutting down");
                return;
            }
            throw f;
        }
        for (Map<String, Object> c : infos) {
            String name = namespec(String.valueOf(c.get("group")), String.valueOf(c.get("name")));
            String inuse = Boolean.TRUE.equals(c.get("inuse")) ? "in use" : "avail";
            String auto = Boolean.TRUE.equals(c.get("autostart")) ? "auto" : "manual";
            String prio = c.get("group_prio") + ":" + c.get("process_prio");
            output(pad(name, 32) + " " + pad(inuse, 9) + " " + pad(auto, 9) + " " + prio);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<List<String>> changes(Object result) {
        List<Object> outer = (List<Object>) result;
        List<Object> triple = (List<Object>) outer.getFirst();
        List<List<String>> out = new ArrayList<>();
        for (Object o : triple) {
            List<String> names = new ArrayList<>();
            for (Object n : (List<Object>) o) {
                names.add(String.valueOf(n));
            }
            out.add(names);
        }
        return out;
    }

    private void doReread(String arg) throws IOException {
        if (!arg.isEmpty()) {
            output("Error: reread accepts no arguments");
            exitstatus = GENERIC;
            output("reread \t\t\tReload the daemon's configuration files without add/remove");
            return;
        }
        List<List<String>> c;
        try {
            c = changes(supervisor().call("supervisor.reloadConfig"));
        } catch (RpcFault f) {
            exitstatus = GENERIC;
            if (f.code() == Faults.SHUTDOWN_STATE) {
                output("ERROR: supervisor shutting down");
                return;
            }
            if (f.code() == Faults.CANT_REREAD) {
                output("ERROR: " + f.text());
                return;
            }
            throw f;
        }
        Map<String, String> changedict = new TreeMap<>();
        c.get(0).forEach(n -> changedict.put(n, "available"));
        c.get(1).forEach(n -> changedict.put(n, "changed"));
        c.get(2).forEach(n -> changedict.put(n, "disappeared"));
        if (changedict.isEmpty()) {
            output("No config updates to processes");
        } else {
            changedict.forEach((n, what) -> output(n + ": " + what));
        }
    }

    private void doAdd(String arg) throws IOException {
        RpcClient s = supervisor();
        for (String name : split(arg)) {
            try {
                s.call("supervisor.addProcessGroup", name);
                output(name + ": added process group");
            } catch (RpcFault f) {
                switch (f.code()) {
                    case Faults.SHUTDOWN_STATE -> {
                        output("ERROR: shutting down");
                        exitstatus = GENERIC;
                    }
                    case Faults.ALREADY_ADDED -> output("ERROR: process group already active");
                    case Faults.BAD_NAME -> {
                        output("ERROR: no such process/group: " + name);
                        exitstatus = GENERIC;
                    }
                    default -> {
                        exitstatus = GENERIC;
                        throw f;
                    }
                }
            }
        }
    }

    private void doRemove(String arg) throws IOException {
        RpcClient s = supervisor();
        for (String name : split(arg)) {
            try {
                s.call("supervisor.removeProcessGroup", name);
                output(name + ": removed process group");
            } catch (RpcFault f) {
                exitstatus = GENERIC;
                switch (f.code()) {
                    case Faults.STILL_RUNNING -> output("ERROR: process/group still running: " + name);
                    case Faults.BAD_NAME -> output("ERROR: no such process/group: " + name);
                    default -> throw f;
                }
            }
        }
    }

    private void doUpdate(String arg) throws IOException {
        RpcClient s = supervisor();
        List<List<String>> c;
        try {
            c = changes(s.call("supervisor.reloadConfig"));
        } catch (RpcFault f) {
            exitstatus = GENERIC;
            if (f.code() == Faults.SHUTDOWN_STATE) {
                output("ERROR: already shutting down");
                return;
            }
            throw f;
        }
        List<String> added = c.get(0);
        List<String> changed = c.get(1);
        List<String> removed = c.get(2);
        Set<String> valid = new LinkedHashSet<>(split(arg));
        if (valid.contains("all")) {
            valid.clear();
        }
        if (!valid.isEmpty()) {
            Set<String> groups = new java.util.HashSet<>();
            for (Map<String, Object> info : structs(s.call("supervisor.getAllProcessInfo"))) {
                groups.add(String.valueOf(info.get("group")));
            }
            groups.addAll(added);
            // Python iterates a set: the order of several unknown names is not defined; sorted here
            for (String g : new java.util.TreeSet<>(valid)) {
                if (!groups.contains(g)) {
                    output("ERROR: no such group: " + g);
                    exitstatus = GENERIC;
                }
            }
        }
        for (String g : removed) {
            if (!valid.isEmpty() && !valid.contains(g)) {
                continue;
            }
            List<Map<String, Object>> results = structs(s.call("supervisor.stopProcessGroup", g));
            output(g + ": stopped");
            if (results.stream().anyMatch(r -> intOf(r.get("status")) == Faults.FAILED)) {
                output(g + ": has problems; not removing");
                exitstatus = GENERIC;
                continue;
            }
            s.call("supervisor.removeProcessGroup", g);
            output(g + ": removed process group");
        }
        for (String g : changed) {
            if (!valid.isEmpty() && !valid.contains(g)) {
                continue;
            }
            s.call("supervisor.stopProcessGroup", g);
            output(g + ": stopped");
            s.call("supervisor.removeProcessGroup", g);
            s.call("supervisor.addProcessGroup", g);
            output(g + ": updated process group");
        }
        for (String g : added) {
            if (!valid.isEmpty() && !valid.contains(g)) {
                continue;
            }
            s.call("supervisor.addProcessGroup", g);
            output(g + ": added process group");
        }
    }

    // ---- clear, open, version, fg ----

    private static String clearResult(Map<String, Object> r) {
        String name = namespec(String.valueOf(r.get("group")), String.valueOf(r.get("name")));
        int code = intOf(r.get("status"));
        return switch (code) {
            case Faults.BAD_NAME -> name + ": ERROR (no such process)";
            case Faults.FAILED -> name + ": ERROR (failed)";
            case Faults.SUCCESS -> name + ": cleared";
            default -> throw new IllegalArgumentException("Unknown result code " + code + " for " + name);
        };
    }

    private void doClear(String arg) throws IOException {
        if (!upcheck()) {
            return;
        }
        List<String> names = split(arg);
        if (names.isEmpty()) {
            output("Error: clear requires a process name");
            exitstatus = GENERIC;
            output("clear <name>\t\tClear a process' log files.");
            output("clear <name> <name>\tClear multiple process' log files");
            output("clear all\t\tClear all process' log files");
            return;
        }
        RpcClient s = supervisor();
        if (names.contains("all")) {
            for (Map<String, Object> r : structs(s.call("supervisor.clearAllProcessLogs"))) {
                output(clearResult(r));
                setExitstatusFromFault(intOf(r.get("status")), null);
            }
            return;
        }
        for (String name : names) {
            Namespec gp = Namespec.parse(name);
            try {
                s.call("supervisor.clearProcessLogs", name);
                output(namespec(gp.group(), gp.process() == null ? "None" : gp.process()) + ": cleared");
            } catch (RpcFault f) {
                Map<String, Object> r = faultResult(f, gp.group(), gp.process() == null ? "None" : gp.process());
                output(clearResult(r));
                setExitstatusFromFault(f.code(), null);
            }
        }
    }

    private void doOpen(String arg) throws IOException {
        String url = arg.strip();
        String scheme = url.contains(":") ? url.substring(0, url.indexOf(':')).toLowerCase(Locale.ROOT) : "";
        if (!scheme.equals("unix") && !scheme.equals("http")) {
            output("ERROR: url must be http:// or unix://");
            exitstatus = GENERIC;
            return;
        }
        options.serverurl = url;
        int old = exitstatus;
        doStatus("");
        exitstatus = old;
    }

    private void doVersion(String arg) throws IOException {
        if (!arg.isEmpty()) {
            output("Error: version accepts no arguments");
            exitstatus = GENERIC;
            output("version\t\t\tShow the version of the remote supervisord process");
            return;
        }
        if (!upcheck()) {
            return;
        }
        output(String.valueOf(supervisor().call("supervisor.getSupervisorVersion")));
    }

    private void doFg(String arg) throws IOException {
        if (!upcheck()) {
            return;
        }
        List<String> names = split(arg);
        if (names.isEmpty()) {
            output("ERROR: no process name supplied");
            exitstatus = GENERIC;
            output("fg <process>\tConnect to a process in foreground mode");
            output("\t\tCtrl-C to exit");
            return;
        }
        if (names.size() > 1) {
            output("ERROR: too many process names supplied");
            exitstatus = GENERIC;
            return;
        }
        String name = names.getFirst();
        RpcClient s = supervisor();
        Map<String, Object> info;
        try {
            info = structs(List.of(s.call("supervisor.getProcessInfo", name))).getFirst();
        } catch (RpcFault f) {
            if (f.code() == Faults.BAD_NAME) {
                output("ERROR: bad process name supplied");
                exitstatus = GENERIC;
            } else {
                output("ERROR: <Fault " + f.code() + ": " + io.kupervisor.core.config.dialect.PyRepr.repr(f.text())
                        + ">");
            }
            return;
        }
        if (intOf(info.get("state")) != 20) {
            output("ERROR: process not running");
            exitstatus = GENERIC;
            return;
        }
        output("==> Press Ctrl-C to exit <==");
        List<Thread> tails = new ArrayList<>();
        for (String ch : List.of("stdout", "stderr")) {
            tails.add(Thread.ofVirtual().start(() -> {
                try (RpcClient c = new RpcClient(options.serverurl, options.username, options.password)) {
                    c.stream("/logtail/" + name + "/" + ch, (d, off, len) -> {
                        synchronized (out) {
                            out.print(new String(d, off, len, StandardCharsets.UTF_8));
                            out.flush();
                        }
                    });
                } catch (IOException e) {
                    // ends with fg
                }
            }));
        }
        try {
            while (true) {
                String line = in.readLine();
                if (line == null) {
                    output("Exiting foreground");
                    return;
                }
                try {
                    s.call("supervisor.sendProcessStdin", name, line + "\n");
                } catch (RpcFault f) {
                    output(f.code() == Faults.NOT_RUNNING ? "Process got killed"
                            : "ERROR: <Fault " + f.code() + ": " + f.text() + ">");
                    output("Exiting foreground");
                    return;
                }
                Map<String, Object> now = structs(List.of(s.call("supervisor.getProcessInfo", name))).getFirst();
                if (intOf(now.get("state")) != 20) {
                    output("Process got killed");
                    output("Exiting foreground");
                    return;
                }
            }
        } finally {
            tails.forEach(Thread::interrupt);
        }
    }

    // ---- help ----

    private void doHelp(String arg) {
        String a = arg.strip();
        if (a.equals("help")) {
            output("help\t\tPrint a list of available actions");
            output("help <action>\tPrint help for <action>");
            return;
        }
        if (a.isEmpty()) {
            output("");
            output("default commands (type help <topic>):");
            output("=====================================");
            output("add    exit      open  reload  restart   start   tail   ");
            output("avail  fg        pid   remove  shutdown  status  update ");
            output("clear  maintail  quit  reread  signal    stop    version");
            output("");
            return;
        }
        switch (a) {
            case "add" -> output("add <name> [...]\tActivates any updates in config for process/group");
            case "avail" -> output("avail\t\t\tDisplay all configured processes");
            case "clear" -> {
                output("clear <name>\t\tClear a process' log files.");
                output("clear <name> <name>\tClear multiple process' log files");
                output("clear all\t\tClear all process' log files");
            }
            case "exit" -> output("exit\tExit the supervisor shell.");
            case "quit" -> output("quit\tExit the supervisor shell.");
            case "fg" -> {
                output("fg <process>\tConnect to a process in foreground mode");
                output("\t\tCtrl-C to exit");
            }
            case "maintail" -> helpMaintail();
            case "open" -> {
                output("open <url>\tConnect to a remote supervisord process.");
                output("\t\t(for UNIX domain socket, use unix:///socket/path)");
            }
            case "pid" -> {
                output("pid\t\t\tGet the PID of supervisord.");
                output("pid <name>\t\tGet the PID of a single child process by name.");
                output("pid all\t\t\tGet the PID of every child process, one per line.");
            }
            case "reload" -> output("reload \t\tRestart the remote supervisord.");
            case "remove" -> output("remove <name> [...]\tRemoves process/group from active config");
            case "reread" -> output("reread \t\t\tReload the daemon's configuration files without add/remove");
            case "restart" -> helpRestart();
            case "shutdown" -> output("shutdown \tShut the remote supervisord down.");
            case "signal" -> helpSignal();
            case "start" -> helpStart();
            case "status" -> {
                output("status <name>\t\tGet status for a single process");
                output("status <gname>:*\tGet status for all processes in a group");
                output("status <name> <name>\tGet status for multiple named processes");
                output("status\t\t\tGet all process status info");
            }
            case "stop" -> helpStop();
            case "tail" -> helpTail();
            case "update" -> {
                output("update\t\t\tReload config and add/remove as necessary, and will restart affected programs");
                output("update all\t\tReload config and add/remove as necessary, and will restart affected "
                        + "programs");
                output("update <gname> [...]\tUpdate specific groups");
            }
            case "version" -> output("version\t\t\tShow the version of the remote supervisord process");
            default -> output("*** No help on " + a);
        }
    }
}
