package io.kupervisor.supervisord.process;

import io.kupervisor.supervisord.io.OutputPump;
import io.kupervisor.supervisord.log.AnsiStripper;
import io.kupervisor.supervisord.log.ChannelLog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * One output channel of a process whose output feeds events: supervisord's
 * {@code POutputDispatcher.record_output}. With {@code *_capture_maxbytes} set, what the process
 * writes between {@code <!--XSUPERVISOR:BEGIN-->} and {@code <!--XSUPERVISOR:END-->} goes to a
 * bounded capture buffer instead of the log, and becomes a PROCESS_COMMUNICATION event at the end
 * token; with {@code *_events_enabled}, every piece logged (captured pieces too) is also a
 * PROCESS_LOG event. Runs on the output pump's thread; events are handed over to be delivered on
 * the loop.
 */
final class OutputDispatcher implements OutputPump.Sink {
    static final byte[] BEGIN_TOKEN = "<!--XSUPERVISOR:BEGIN-->".getBytes(StandardCharsets.US_ASCII);
    static final byte[] END_TOKEN = "<!--XSUPERVISOR:END-->".getBytes(StandardCharsets.US_ASCII);
    /** supervisord reads at most this much at a time; its events come in pieces of at most this. */
    static final int SUPERVISORD_READ_SIZE = 2 << 16;

    /** Where the pieces go besides the logs. Called on the pump thread. */
    interface Events {
        /** A piece of output was logged (PROCESS_LOG_*), when events are enabled. */
        void logged(byte[] data);

        /** The end token closed a capture (PROCESS_COMMUNICATION_*). */
        void communicated(byte[] data);
    }

    private final ChannelLog normal;
    private final BoundBuffer capture;
    private final boolean strip;
    private final boolean eventsEnabled;
    private final Consumer<byte[]> mainLogEcho;
    private final Events events;
    private boolean capturemode;
    private byte[] outputBuffer = new byte[0];

    /**
     * @param captureMaxbytes 0 for no capture mode
     * @param mainLogEcho     the main log's DEBUG copy of output, or null at higher log levels
     */
    OutputDispatcher(ChannelLog normal, long captureMaxbytes, boolean strip, boolean eventsEnabled,
                     Consumer<byte[]> mainLogEcho, Events events) {
        this.normal = normal;
        this.capture = captureMaxbytes > 0 ? new BoundBuffer(captureMaxbytes) : null;
        this.strip = strip;
        this.eventsEnabled = eventsEnabled;
        this.mainLogEcho = mainLogEcho;
        this.events = events;
    }

    @Override
    public void write(byte[] data, int len) {
        // in supervisord's read sizes: the capture rules and the events see the pieces it would
        for (int off = 0; off < len; off += SUPERVISORD_READ_SIZE) {
            int n = Math.min(SUPERVISORD_READ_SIZE, len - off);
            outputBuffer = concat(outputBuffer, data, off, n);
            recordOutput();
        }
    }

    /**
     * End of file. supervisord drops what it still holds back (up to a token's length while it
     * looks for a token); kupervisor logs it, so no byte is lost.
     */
    @Override
    public void closed() {
        byte[] rest = outputBuffer;
        outputBuffer = new byte[0];
        log(rest);
    }

    private void recordOutput() {
        while (true) {
            if (capture == null) {
                byte[] data = outputBuffer;
                outputBuffer = new byte[0];
                log(data);
                return;
            }
            byte[] token = capturemode ? END_TOKEN : BEGIN_TOKEN;
            if (outputBuffer.length <= token.length) {
                return; // not enough data (supervisord's rule, even without a token in sight)
            }
            byte[] data = outputBuffer;
            outputBuffer = new byte[0];
            int at = indexOf(data, token);
            byte[] after;
            if (at < 0) {
                after = null;
                int index = prefixAtEnd(data, token);
                if (index > 0) {
                    outputBuffer = Arrays.copyOfRange(data, data.length - index, data.length);
                    data = Arrays.copyOf(data, data.length - index);
                }
                log(data);
            } else {
                log(Arrays.copyOf(data, at));
                toggleCapturemode();
                after = Arrays.copyOfRange(data, at + token.length, data.length);
                outputBuffer = after;
            }
            if (after == null || after.length == 0) {
                return;
            }
        }
    }

    private void toggleCapturemode() {
        capturemode = !capturemode;
        if (!capturemode) {
            byte[] captured = capture.value();
            capture.clear();
            events.communicated(captured);
        }
    }

    /** supervisord's {@code _log}: strip, write to the current log, echo, event. */
    private void log(byte[] data) {
        if (data.length == 0) {
            return;
        }
        if (strip) {
            data = AnsiStripper.strip(data);
        }
        if (capturemode) {
            capture.write(data);
        } else {
            try {
                normal.write(data, 0, data.length);
            } catch (IOException e) {
                // supervisord logs and goes on; the next write reopens or fails again
            }
        }
        if (mainLogEcho != null) {
            mainLogEcho.accept(data);
        }
        if (eventsEnabled) {
            events.logged(data);
        }
    }

    /** The longest proper prefix of {@code token} that {@code data} ends with (medusa's find_prefix_at_end). */
    static int prefixAtEnd(byte[] data, byte[] token) {
        for (int l = token.length - 1; l > 0; l--) {
            if (data.length >= l && Arrays.equals(data, data.length - l, data.length, token, 0, l)) {
                return l;
            }
        }
        return 0;
    }

    static int indexOf(byte[] data, byte[] token) {
        outer:
        for (int i = 0; i + token.length <= data.length; i++) {
            for (int j = 0; j < token.length; j++) {
                if (data[i + j] != token[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static byte[] concat(byte[] a, byte[] b, int off, int len) {
        byte[] c = Arrays.copyOf(a, a.length + len);
        System.arraycopy(b, off, c, a.length, len);
        return c;
    }

    /**
     * supervisord's {@code BoundIO}, quirk included: a write that would exceed the bound drops as
     * many bytes from the front of what is held as the write brings.
     */
    static final class BoundBuffer {
        private final long maxbytes;
        private byte[] buf = new byte[0];

        BoundBuffer(long maxbytes) {
            this.maxbytes = maxbytes;
        }

        void write(byte[] b) {
            if ((long) buf.length + b.length > maxbytes) {
                buf = Arrays.copyOfRange(buf, Math.min(b.length, buf.length), buf.length);
            }
            buf = concat(buf, b, 0, b.length);
        }

        byte[] value() {
            return buf;
        }

        void clear() {
            buf = new byte[0];
        }
    }
}
