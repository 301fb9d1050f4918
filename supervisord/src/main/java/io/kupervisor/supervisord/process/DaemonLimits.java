package io.kupervisor.supervisord.process;

import io.kupervisor.supervisord.posix.Posix;

import java.util.ArrayList;
import java.util.List;

/**
 * supervisord's {@code set_rlimits_or_exit}: at start, the soft limits of open files and of
 * processes are raised to {@code minfds} and {@code minprocs} when they are lower (the hard limit
 * too when it is lower, which only root may do), and the daemon refuses to start, with
 * supervisord's words, when that is not allowed. Children inherit the limits the daemon has then,
 * as supervisord's do (the daemon's launchers keep the JVM from raising its own first).
 */
public final class DaemonLimits {
    private DaemonLimits() {
    }

    /** A limit that could not be raised: supervisord's usage message. */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    private record Limit(int resource, String name, long min, String message) {
    }

    /**
     * Raises the limits as supervisord does.
     *
     * @return supervisord's INFO lines ({@code Increased RLIMIT_NOFILE limit to 1024}) for the main log
     * @throws Refused with supervisord's message when a limit cannot be raised
     */
    public static List<String> raise(int minfds, int minprocs) throws Refused {
        List<Limit> limits = List.of(
                new Limit(Posix.RLIMIT_NOFILE, "RLIMIT_NOFILE", minfds, "The minimum number of file descriptors"
                        + " required to run this process is %(min_limit)s as per the \"minfds\" command-line argument"
                        + " or config file setting. The current environment will only allow you to open %(hard)s"
                        + " file descriptors.  Either raise the number of usable file descriptors in your"
                        + " environment (see README.rst) or lower the minfds setting in the config file to allow"
                        + " the process to start."),
                new Limit(Posix.RLIMIT_NPROC, "RLIMIT_NPROC", minprocs, "The minimum number of available processes"
                        + " required to run this program is %(min_limit)s as per the \"minprocs\" command-line"
                        + " argument or config file setting. The current environment will only allow you to open"
                        + " %(hard)s processes.  Either raise the number of usable processes in your environment"
                        + " (see README.rst) or lower the minprocs setting in the config file to allow the program"
                        + " to start."));
        List<String> infos = new ArrayList<>();
        for (Limit l : limits) {
            long[] current;
            try {
                current = Posix.getrlimit(l.resource());
            } catch (Posix.PosixException e) {
                continue; // supervisord skips what its platform does not have
            }
            long soft = current[0];
            long hard = current[1];
            if (soft < l.min() && soft != Posix.RLIM_INFINITY) {
                if (hard < l.min() && hard != Posix.RLIM_INFINITY) {
                    hard = l.min(); // only root may; otherwise setrlimit refuses and so does the daemon
                }
                try {
                    Posix.setrlimit(l.resource(), l.min(), hard);
                    infos.add("Increased " + l.name() + " limit to " + l.min());
                } catch (Posix.PosixException e) {
                    throw new Refused(l.message().replace("%(min_limit)s", Long.toString(l.min()))
                            .replace("%(hard)s", Long.toString(hard)));
                }
            }
        }
        return infos;
    }
}
