package io.kupervisor.core.config;

import io.kupervisor.core.config.dialect.PyInt;
import io.kupervisor.core.config.dialect.PyRepr;
import io.kupervisor.core.config.dialect.PyText;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * supervisord's {@code datatypes}: the conversions every key goes through, with the exact
 * acceptance rules and error texts of 4.2.5.
 */
public final class ValueTypes {
    private ValueTypes() {
    }

    private static final List<String> TRUTHY = List.of("yes", "true", "on", "1");
    private static final List<String> FALSY = List.of("no", "false", "off", "0");

    /** Python's int() as supervisord's {@code integer} uses it. */
    public static long integer(String value) throws InvalidValue {
        try {
            return PyInt.parse(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidValue(e.getMessage());
        }
    }

    /** An integer that must also fit the Java field it lands in. */
    public static int intValue(String value) throws InvalidValue {
        long v = integer(value);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new InvalidValue("integer value too large: " + PyRepr.repr(value));
        }
        return (int) v;
    }

    public static boolean bool(String value) throws InvalidValue {
        String s = PyText.lower(value);
        if (TRUTHY.contains(s)) {
            return true;
        }
        if (FALSY.contains(s)) {
            return false;
        }
        throw new InvalidValue("not a valid boolean value: " + PyRepr.repr(value));
    }

    /** {@code byte_size}: an integer with an optional KB/MB/GB suffix, any case. */
    public static long byteSize(String value) throws InvalidValue {
        String v = PyText.lower(value);
        Map<String, Long> suffixes = Map.of("kb", 1024L, "mb", 1024L * 1024, "gb", 1024L * 1024 * 1024);
        String tail = v.length() >= 2 ? v.substring(v.length() - 2) : v;
        Long multiplier = suffixes.get(tail);
        if (multiplier != null) {
            return Math.multiplyExact(integer(v.substring(0, v.length() - 2)), multiplier);
        }
        return integer(v);
    }

    /** {@code list_of_exitcodes}: comma-separated ints in 0..255; empty gives none. */
    public static List<Integer> exitCodes(String value) throws InvalidValue {
        List<Integer> codes = new ArrayList<>();
        if (value.isEmpty()) {
            return codes;
        }
        try {
            for (String part : value.split(",", -1)) {
                long code = PyInt.parse(part);
                if (code < 0 || code > 255) {
                    throw new IllegalArgumentException("Invalid exit code \"" + code + "\"");
                }
                codes.add((int) code);
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidValue("not a valid list of exit codes: " + PyRepr.repr(value));
        }
        return codes;
    }

    /** {@code list_of_strings}: comma-separated, each stripped; empty gives none. */
    public static List<String> strings(String value) {
        List<String> out = new ArrayList<>();
        if (value == null || value.isEmpty()) {
            return out;
        }
        for (String part : value.split(",", -1)) {
            out.add(PyText.strip(part));
        }
        return out;
    }

    public static AutoRestart autoRestart(String value) throws InvalidValue {
        String v = PyText.lower(value);
        if (TRUTHY.contains(v)) {
            return AutoRestart.TRUE;
        }
        if (FALSY.contains(v)) {
            return AutoRestart.FALSE;
        }
        if (v.equals("unexpected")) {
            return AutoRestart.UNEXPECTED;
        }
        throw new InvalidValue("invalid 'autorestart' value " + PyRepr.repr(v));
    }

    /** {@code octal_type}: Python's int(v, 8). */
    public static int octal(String value) throws InvalidValue {
        String s = PyText.strip(value);
        boolean negative = false;
        if (s.startsWith("+") || s.startsWith("-")) {
            negative = s.startsWith("-");
            s = s.substring(1);
        }
        if (s.startsWith("0o") || s.startsWith("0O")) {
            s = s.substring(2);
            if (s.startsWith("_")) {
                s = s.substring(1);
            }
        }
        boolean ok = !s.isEmpty() && !s.startsWith("_") && !s.endsWith("_") && !s.contains("__");
        long result = 0;
        for (int i = 0; ok && i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '_') {
                continue;
            }
            int d = Character.digit(c, 10);
            if (d < 0 || d > 7) {
                ok = false;
            } else {
                result = result * 8 + d;
                ok = result <= Integer.MAX_VALUE;
            }
        }
        if (!ok) {
            throw new InvalidValue(value + " can not be converted to an octal type");
        }
        return (int) (negative ? -result : result);
    }

    public static LogLevel logLevel(String value) throws InvalidValue {
        return LogLevel.byDescription(value)
                .orElseThrow(() -> new InvalidValue("bad logging level name " + PyRepr.repr(value)));
    }

    /** {@code process_or_group_name}: stripped, and no space, ':' or '/'. */
    public static String processOrGroupName(String name) throws InvalidValue {
        String s = PyText.strip(name);
        for (String c : new String[] {" ", ":", "/"}) {
            if (s.contains(c)) {
                throw new InvalidValue("Invalid name: " + PyRepr.repr(name) + " because of character: " + PyRepr.repr(c));
            }
        }
        return s;
    }

    /** {@code signal_number}: a name with or without SIG, any case, or a number Python's signal module knows. */
    public static int signal(String value) throws InvalidValue {
        Integer num;
        try {
            num = (int) PyInt.parse(value);
        } catch (IllegalArgumentException e) {
            String name = PyText.strip(value).toUpperCase(Locale.ROOT);
            if (!name.startsWith("SIG")) {
                name = "SIG" + name;
            }
            num = PYTHON_SIGNAL_NAMES.get(name);
            if (num == null) {
                throw new InvalidValue("value " + PyRepr.repr(value) + " is not a valid signal name");
            }
        }
        if (!PYTHON_SIGNAL_NAMES.containsValue(num)) {
            throw new InvalidValue("value " + PyRepr.repr(value) + " is not a valid signal number");
        }
        return num;
    }

    /** The number of a signal name with or without SIG, any case, if Python's signal module has it. */
    public static java.util.OptionalInt signalNumberOf(String name) {
        String n = PyText.strip(name).toUpperCase(Locale.ROOT);
        Integer num = PYTHON_SIGNAL_NAMES.get(n.startsWith("SIG") ? n : "SIG" + n);
        return num == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(num);
    }

    /**
     * The signal module's names on Linux, SIG_DFL and friends included because supervisord's lookup
     * accepts them too (SIG_IGN is 1: "stopsignal=_IGN" means HUP).
     */
    static final Map<String, Integer> PYTHON_SIGNAL_NAMES = new TreeMap<>(Map.ofEntries(
            Map.entry("SIGABRT", 6), Map.entry("SIGALRM", 14), Map.entry("SIGBUS", 7), Map.entry("SIGCHLD", 17),
            Map.entry("SIGCLD", 17), Map.entry("SIGCONT", 18), Map.entry("SIGFPE", 8), Map.entry("SIGHUP", 1),
            Map.entry("SIGILL", 4), Map.entry("SIGINT", 2), Map.entry("SIGIO", 29), Map.entry("SIGIOT", 6),
            Map.entry("SIGKILL", 9), Map.entry("SIGPIPE", 13), Map.entry("SIGPOLL", 29), Map.entry("SIGPROF", 27),
            Map.entry("SIGPWR", 30), Map.entry("SIGQUIT", 3), Map.entry("SIGRTMAX", 64), Map.entry("SIGRTMIN", 34),
            Map.entry("SIGSEGV", 11), Map.entry("SIGSTKFLT", 16), Map.entry("SIGSTOP", 19), Map.entry("SIGSYS", 31),
            Map.entry("SIGTERM", 15), Map.entry("SIGTRAP", 5), Map.entry("SIGTSTP", 20), Map.entry("SIGTTIN", 21),
            Map.entry("SIGTTOU", 22), Map.entry("SIGURG", 23), Map.entry("SIGUSR1", 10), Map.entry("SIGUSR2", 12),
            Map.entry("SIGVTALRM", 26), Map.entry("SIGWINCH", 28), Map.entry("SIGXCPU", 24), Map.entry("SIGXFSZ", 25),
            Map.entry("SIG_BLOCK", 0), Map.entry("SIG_DFL", 0), Map.entry("SIG_IGN", 1), Map.entry("SIG_SETMASK", 2),
            Map.entry("SIG_UNBLOCK", 1)));

    /**
     * The name supervisord's tools print for a number: the last real signal name in alphabetical
     * order (ABRT and IOT are both 6: "IOT"), or null for 0.
     */
    public static String signalName(int number) {
        String found = null;
        for (Map.Entry<String, Integer> e : PYTHON_SIGNAL_NAMES.entrySet()) {
            if (e.getValue() == number && !e.getKey().startsWith("SIG_")) {
                found = e.getKey().substring(3);
            }
        }
        return found;
    }

    /** {@code inet_address}: host:port, *:port, :port or a bare port; host "" means every interface. */
    public static Map.Entry<String, Integer> inetAddress(String s) throws InvalidValue {
        String host = "";
        int port;
        int colon = s.lastIndexOf(':');
        if (colon >= 0) {
            host = s.substring(0, colon);
            String p = s.substring(colon + 1);
            if (p.isEmpty()) {
                throw new InvalidValue("no port number specified in " + PyRepr.repr(p));
            }
            port = portNumber(p);
            host = PyText.lower(host);
        } else {
            try {
                port = portNumber(s);
            } catch (InvalidValue e) {
                throw new InvalidValue("not a valid port number: " + PyRepr.repr(s) + " ");
            }
        }
        if (host.isEmpty() || host.equals("*")) {
            host = "";
        }
        return Map.entry(host, port);
    }

    static int portNumber(String s) throws InvalidValue {
        long v = integer(s);
        if (v < 1) {
            throw new InvalidValue(v + " is below lower bound (1)");
        }
        if (v > 0xffff) {
            throw new InvalidValue(v + " is above upper bound (65535)");
        }
        return (int) v;
    }
}
