package io.kupervisor.supervisord.process;

import io.kupervisor.supervisord.posix.Posix;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a child inherits from the daemon, made the same as what supervisord's children inherit
 * from the Python daemon:
 * <ul>
 *   <li>SIGPIPE and SIGXFSZ ignored (Python ignores both at start-up and exec keeps that), so
 *       {@code yes | head} or a server writing to a closed socket gets EPIPE, not death;
 *   <li>signals the daemon's own launcher left ignored stay ignored (a {@code nohup}'s HUP
 *       excepted: supervisord handles TERM, INT, QUIT, HUP, CHLD and USR2, so its children get
 *       those at their default), every other signal at its default, glibc's internal 32 and 33
 *       included (posix_spawn would leave those ignored);
 *   <li>the signal mask the daemon was started with.
 * </ul>
 * The daemon itself must handle TERM, INT, QUIT, HUP and USR2 even if its launcher ignored them
 * (the JVM leaves an ignored signal ignored when asked to handle it) and must not ignore CHLD
 * (the kernel would then reap children before the reaper sees them): {@link #prepareDaemon()}
 * resets those to their default first.
 */
public final class ChildInheritance {
    private ChildInheritance() {
    }

    static final int SIGHUP = 1;
    static final int SIGINT = 2;
    static final int SIGQUIT = 3;
    static final int SIGUSR2 = 12;
    static final int SIGPIPE = 13;
    static final int SIGTERM = 15;
    static final int SIGCHLD = 17;
    static final int SIGXFSZ = 25;

    /** Signals supervisord installs handlers for: never ignored in its children. */
    static final long SUPERVISORD_HANDLED = bit(SIGTERM) | bit(SIGINT) | bit(SIGQUIT) | bit(SIGHUP) | bit(SIGCHLD)
            | bit(SIGUSR2);
    /** Signals Python ignores at start-up. */
    static final long PYTHON_IGNORED = bit(SIGPIPE) | bit(SIGXFSZ);

    private static boolean prepared;

    static long bit(int signal) {
        return 1L << (signal - 1);
    }

    /**
     * Once per process, before the daemon installs its signal handlers and before the first
     * spawn: reads what the launcher gave (ignored signals, the start-up mask), sets this
     * process's dispositions and tells {@link Posix#spawn} what children start with.
     */
    public static synchronized void prepareDaemon() {
        if (prepared) {
            return;
        }
        prepared = true;
        long launcherIgnored = statusMask(Path.of("/proc/self/status"), "SigIgn:");
        // glibc's internal 32 and 33 come ignored together (from a posix_spawn in a threaded
        // parent, a JVM's ProcessBuilder for one); by now the JVM handles 33, so 32 tells for both
        if ((launcherIgnored & bit(32)) != 0) {
            launcherIgnored |= bit(33);
        }
        // the JVM's primordial thread keeps the mask the process was started with
        long startMask = statusMask(Path.of("/proc/self/task/" + Posix.getpid() + "/status"), "SigBlk:");
        long childIgnored = childIgnored(launcherIgnored);
        try {
            for (int sig : new int[] {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR2, SIGCHLD}) {
                if (Posix.signalIgnored(sig)) {
                    Posix.signalDisposition(sig, false);
                }
            }
            // the JVM's own handlers for these only ignore them; SIG_IGN is what children inherit
            Posix.signalDisposition(SIGPIPE, true);
            Posix.signalDisposition(SIGXFSZ, true);
        } catch (Posix.PosixException e) {
            // a libc without these calls: children get every signal at its default, as before
            return;
        }
        Posix.childSignals(~childIgnored, startMask);
    }

    /** What supervisord's children have ignored, given what its launcher had ignored. */
    static long childIgnored(long launcherIgnored) {
        return (launcherIgnored & ~SUPERVISORD_HANDLED) | PYTHON_IGNORED;
    }

    /** A hexadecimal signal set from /proc (SigIgn, SigBlk); 0 when it cannot be read. */
    static long statusMask(Path status, String field) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith(field)) {
                    return Long.parseUnsignedLong(line.substring(field.length()).strip(), 16);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux's /proc: nothing known
        }
        return 0;
    }
}
