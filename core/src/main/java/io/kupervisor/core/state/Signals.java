package io.kupervisor.core.state;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Linux x86_64 signal numbers and names, as supervisord (Python's {@code signal} module) knows
 * them. Used for log texts ({@code terminated by SIGKILL}) and for parsing {@code stopsignal=} or
 * the {@code signal} command.
 */
public final class Signals {
    public static final int SIGHUP = 1;
    public static final int SIGINT = 2;
    public static final int SIGQUIT = 3;
    public static final int SIGABRT = 6;
    public static final int SIGKILL = 9;
    public static final int SIGUSR1 = 10;
    public static final int SIGUSR2 = 12;
    public static final int SIGTERM = 15;
    public static final int SIGCHLD = 17;
    public static final int SIGCONT = 18;
    public static final int SIGSTOP = 19;

    /** The names supervisord's {@code signame()} prints, indexed by number (null: no name). */
    private static final String[] NAMES = new String[65];

    /** Every accepted name (without the SIG prefix), aliases included. */
    private static final Map<String, Integer> BY_NAME = Map.ofEntries(
            Map.entry("HUP", 1), Map.entry("INT", 2), Map.entry("QUIT", 3), Map.entry("ILL", 4),
            Map.entry("TRAP", 5), Map.entry("ABRT", 6), Map.entry("IOT", 6), Map.entry("BUS", 7),
            Map.entry("FPE", 8), Map.entry("KILL", 9), Map.entry("USR1", 10), Map.entry("SEGV", 11),
            Map.entry("USR2", 12), Map.entry("PIPE", 13), Map.entry("ALRM", 14), Map.entry("TERM", 15),
            Map.entry("STKFLT", 16), Map.entry("CHLD", 17), Map.entry("CLD", 17), Map.entry("CONT", 18),
            Map.entry("STOP", 19), Map.entry("TSTP", 20), Map.entry("TTIN", 21), Map.entry("TTOU", 22),
            Map.entry("URG", 23), Map.entry("XCPU", 24), Map.entry("XFSZ", 25), Map.entry("VTALRM", 26),
            Map.entry("PROF", 27), Map.entry("WINCH", 28), Map.entry("IO", 29), Map.entry("POLL", 29),
            Map.entry("PWR", 30), Map.entry("SYS", 31), Map.entry("RTMIN", 34), Map.entry("RTMAX", 64));

    static {
        String[] canonical = {
            null, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV",
            "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU",
            "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "POLL", "PWR", "SYS"
        };
        for (int i = 1; i < canonical.length; i++) {
            NAMES[i] = "SIG" + canonical[i];
        }
        NAMES[34] = "SIGRTMIN";
        NAMES[64] = "SIGRTMAX";
    }

    private Signals() {
    }

    /**
     * supervisord's {@code signame(n)}: {@code SIGTERM} for 15, {@code signal 32} for a number
     * without a name. 29 is {@code SIGPOLL} and 6 {@code SIGABRT}, as Python 3.11 prints them.
     */
    public static String name(int signal) {
        if (signal > 0 && signal < NAMES.length && NAMES[signal] != null) {
            return NAMES[signal];
        }
        return "signal " + signal;
    }

    /** The number of a signal name ({@code TERM}, {@code SIGTERM}, {@code sigterm}), if known. */
    public static OptionalInt numberOf(String name) {
        String n = name.strip().toUpperCase(Locale.ROOT);
        if (n.startsWith("SIG")) {
            n = n.substring(3);
        }
        Integer num = BY_NAME.get(n);
        return num == null ? OptionalInt.empty() : OptionalInt.of(num);
    }

    /**
     * Parses a signal as supervisord's {@code signal_number()} does: a number, or a name with or
     * without {@code SIG}, any case, surrounding blanks ignored. Valid numbers are those Python's
     * {@code signal} module names on Linux: 0-31, 34 and 64.
     *
     * @throws IllegalArgumentException with supervisord's message, e.g.
     *     {@code value 'FOO' is not a valid signal name}
     */
    public static int parse(String value) {
        int num;
        Optional<Integer> asInt = parseInt(value);
        if (asInt.isPresent()) {
            num = asInt.get();
        } else {
            OptionalInt byName = numberOf(value);
            if (byName.isEmpty()) {
                throw new IllegalArgumentException("value '" + value + "' is not a valid signal name");
            }
            num = byName.getAsInt();
        }
        if (!isValidNumber(num)) {
            throw new IllegalArgumentException("value '" + value + "' is not a valid signal number");
        }
        return num;
    }

    /** Whether supervisord accepts this number as a signal (0-31, 34, 64). */
    public static boolean isValidNumber(int num) {
        return (num >= 0 && num <= 31) || num == 34 || num == 64;
    }

    private static Optional<Integer> parseInt(String value) {
        try {
            return Optional.of(Integer.parseInt(value.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
