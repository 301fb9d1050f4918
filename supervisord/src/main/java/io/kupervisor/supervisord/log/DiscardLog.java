package io.kupervisor.supervisord.log;

import java.nio.file.Path;

/** {@link ChannelLog#discard()}: {@code NONE} output, read and thrown away. */
final class DiscardLog implements ChannelLog {
    static final DiscardLog INSTANCE = new DiscardLog();

    private DiscardLog() {}

    @Override
    public void write(byte[] data, int off, int len) {
        // NONE: output is dropped
    }

    @Override
    public void reopen() {
        // nothing to reopen
    }

    @Override
    public void clear() {
        // nothing to clear
    }

    @Override
    public void close() {
        // nothing to close
    }

    @Override
    public Path path() {
        return null;
    }

    @Override
    public String toString() {
        return "ChannelLog.discard()";
    }
}
