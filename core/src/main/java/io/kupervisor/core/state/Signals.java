package io.kupervisor.core.state;

import io.kupervisor.core.config.InvalidValue;
import io.kupervisor.core.config.ValueTypes;

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
        return ValueTypes.signalNumberOf(name);
    }

    /**
     * Parses a signal as supervisord's {@code signal_number()} does (the config reader's own
     * conversion): a number, or a name with or without {@code SIG}, any case.
     *
     * @throws IllegalArgumentException with supervisord's message, e.g.
     *     {@code value 'FOO' is not a valid signal name}
     */
    public static int parse(String value) {
        try {
            return ValueTypes.signal(value);
        } catch (InvalidValue e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    /** Whether supervisord accepts this number as a signal (0-31, 34, 64). */
    public static boolean isValidNumber(int num) {
        return (num >= 0 && num <= 31) || num == 34 || num == 64;
    }

}
