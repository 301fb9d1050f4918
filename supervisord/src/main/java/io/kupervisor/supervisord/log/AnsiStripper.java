package io.kupervisor.supervisord.log;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * {@code strip_ansi}: removes ANSI escapes from child output as supervisord's
 * {@code stripEscapes} does (supervisor 4.2.5 {@code dispatchers.py}).
 *
 * <p>An escape starts at {@code ESC [} and everything up to and including the first byte among
 * supervisord's {@code ANSI_TERMINATORS} ({@code H f A B C D R s u J K h l p m}) is removed.
 * Nothing else is touched (no other escape kinds, no other control bytes).
 *
 * <p>supervisord strips each read on its own: an escape cut in two by a read boundary leaves
 * its tail in the log ({@code "\e[3" | "1mred"} logs {@code 1mred}), and an escape that is not
 * terminated within one read swallows the rest of that read only. {@link #strip(byte[], int, int)}
 * is that exact per-chunk function. An instance ({@link #feed}) keeps its state from one chunk to
 * the next, so escapes split across reads are removed too; a lone {@code ESC} at the end of a
 * chunk is held back until the next chunk shows whether {@code [} follows ({@link #finish()}
 * returns it at end of output). The daemon uses one instance per channel: that is kupervisor's
 * documented improvement over supervisord.
 */
public final class AnsiStripper {

    private static final byte ESC = 0x1b;
    private static final boolean[] TERMINATOR = new boolean[256];

    static {
        for (byte b : "HfABCDRsuJKhlpm".getBytes(StandardCharsets.US_ASCII)) {
            TERMINATOR[b] = true;
        }
    }

    private static final int SHOW = 0;
    private static final int AFTER_ESC = 1; // a held-back ESC ended the previous chunk
    private static final int HIDE = 2;

    private int state = SHOW;

    /** A stripper whose state carries over from chunk to chunk. */
    public AnsiStripper() {}

    /** supervisord's {@code stripEscapes} applied to one chunk alone. */
    public static byte[] strip(byte[] data, int off, int len) {
        Objects.checkFromIndexSize(off, len, data.length);
        AnsiStripper s = new AnsiStripper();
        byte[] out = s.feed(data, off, len);
        if (s.state == AFTER_ESC) {
            // supervisord keeps a trailing lone ESC: it is not followed by '[' in this chunk
            out = Arrays.copyOf(out, out.length + 1);
            out[out.length - 1] = ESC;
        }
        return out;
    }

    /** supervisord's {@code stripEscapes} applied to one chunk alone. */
    public static byte[] strip(byte[] data) {
        return strip(data, 0, data.length);
    }

    /** Strips the next chunk of a stream; returns the bytes to log (possibly empty). */
    public byte[] feed(byte[] data, int off, int len) {
        Objects.checkFromIndexSize(off, len, data.length);
        int end = off + len;
        if (state == SHOW && indexOfEsc(data, off, end) < 0) {
            return Arrays.copyOfRange(data, off, end); // the common case: nothing to strip
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(len);
        int i = off;
        if (state == AFTER_ESC && i < end) {
            if (data[i] == '[') {
                state = HIDE;
                i++;
            } else {
                out.write(ESC);
                state = SHOW;
            }
        }
        while (i < end) {
            if (state == HIDE) {
                if (TERMINATOR[data[i] & 0xff]) {
                    state = SHOW;
                }
                i++;
                continue;
            }
            int n = indexOfEsc(data, i, end);
            while (n >= 0 && n + 1 < end && data[n + 1] != '[') {
                n = indexOfEsc(data, n + 1, end);
            }
            if (n < 0) {
                out.write(data, i, end - i);
                break;
            }
            out.write(data, i, n - i);
            if (n + 1 == end) {
                state = AFTER_ESC; // cannot tell yet whether '[' follows
                break;
            }
            state = HIDE;
            i = n + 2; // past ESC '[' ('[' is not a terminator)
        }
        return out.toByteArray();
    }

    /** Ends the stream: returns a held-back {@code ESC}, if any, and resets the state. */
    public byte[] finish() {
        int s = state;
        state = SHOW;
        return s == AFTER_ESC ? new byte[] {ESC} : new byte[0];
    }

    private static int indexOfEsc(byte[] data, int from, int end) {
        for (int i = from; i < end; i++) {
            if (data[i] == ESC) {
                return i;
            }
        }
        return -1;
    }
}
