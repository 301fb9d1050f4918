package io.kupervisor.supervisord.log;

import io.kupervisor.core.config.LogLevel;

import java.io.IOException;
import java.util.function.BiConsumer;

/**
 * Says in the main log when a program's output cannot be written to its log (a full disk): one
 * line when the trouble starts, one when writing works again with what was lost. supervisord
 * means to say it and floods its log with a traceback per write; kupervisor said nothing at all.
 * One per channel log, used by the output pump's thread only.
 */
public final class LostOutput {
    private final String process;
    private final String channel;
    private final BiConsumer<LogLevel, String> mainLog;
    private boolean failing;
    private long lostBytes;

    public LostOutput(String process, String channel, BiConsumer<LogLevel, String> mainLog) {
        this.process = process;
        this.channel = channel;
        this.mainLog = mainLog;
    }

    /** A write of {@code bytes} failed. */
    public void failed(IOException e, long bytes) {
        if (!failing) {
            failing = true;
            mainLog.accept(LogLevel.ERROR, "kupervisor: cannot write the " + channel + " log of " + process + ": "
                    + e.getMessage() + "; its output is lost until writing works again");
        }
        lostBytes += bytes;
    }

    /** A write succeeded. */
    public void wrote() {
        if (failing) {
            failing = false;
            mainLog.accept(LogLevel.WARN, "kupervisor: the " + channel + " log of " + process + " is written again; "
                    + lostBytes + " bytes of output were lost");
            lostBytes = 0;
        }
    }
}
