package io.kupervisor.core.status;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;

import io.kupervisor.core.state.ProcessSnapshot;
import io.kupervisor.core.state.ProcessState;

/**
 * The {@code description} of {@code getProcessInfo} and the last column of
 * {@code supervisorctl status}, exactly as supervisord 4.2.5's {@code _interpretProcessInfo}
 * renders it. Pure formatting: all inputs, including the time zone, are passed in.
 */
public final class ProcessDescription {

    private ProcessDescription() {
    }

    /**
     * The description from {@code getProcessInfo}'s fields.
     *
     * @param state    the process state
     * @param name     the process name (for {@code unknown error (try "tail name")})
     * @param pid      the pid, shown for RUNNING
     * @param start    epoch seconds of the last start, 0 if never started
     * @param stop     epoch seconds of the last exit, 0 if none
     * @param now      epoch seconds now
     * @param spawnerr the spawn error, {@code ""} or null if none
     * @param zone     the local time zone for stop times
     */
    public static String describe(ProcessState state, String name, long pid, long start, long stop, long now,
            String spawnerr, ZoneId zone) {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(zone, "zone");
        return switch (state) {
            case RUNNING -> "pid " + pid + ", uptime " + uptime(now - start);
            case FATAL, BACKOFF -> spawnerr == null || spawnerr.isEmpty()
                    ? "unknown error (try \"tail " + name + "\")"
                    : spawnerr;
            // like supervisord, a process started but never exited (e.g. its spawn failed and it
            // was stopped from BACKOFF) shows the stop time 0, i.e. the epoch in local time
            case STOPPED, EXITED -> start != 0 ? stopTime(stop, zone) : "Not started";
            case STARTING, STOPPING, UNKNOWN -> "";
        };
    }

    /** The description of a process known by its state machine snapshot. */
    public static String describe(String name, ProcessSnapshot snapshot, Instant now, ZoneId zone) {
        return describe(snapshot.state(), name, snapshot.pid(), snapshot.startEpochSecond(),
                snapshot.stopEpochSecond(), now.getEpochSecond(), snapshot.spawnerrText(), zone);
    }

    /**
     * An uptime as Python's {@code str(timedelta(seconds=n))}: {@code 0:00:23}, {@code 12:03:04},
     * {@code 1 day, 2:03:04}, {@code 3 days, 0:00:01}. Negative values (clock set back) give
     * {@code 0:00:00}, as in supervisord.
     */
    public static String uptime(long seconds) {
        long s = Math.max(0, seconds);
        long days = s / 86_400;
        long rest = s % 86_400;
        StringBuilder hms = new StringBuilder().append(rest / 3600).append(':');
        TimeText.twoDigits(hms, (int) (rest % 3600) / 60).append(':');
        TimeText.twoDigits(hms, (int) (rest % 60));
        if (days == 0) {
            return hms.toString();
        }
        return days + (days == 1 ? " day, " : " days, ") + hms;
    }

    /** A stop time as {@code %b %d %I:%M %p} in {@code zone}, C locale: {@code Nov 24 09:05 PM}. */
    public static String stopTime(long epochSecond, ZoneId zone) {
        return TimeText.stopTime(Instant.ofEpochSecond(epochSecond).atZone(zone));
    }
}
