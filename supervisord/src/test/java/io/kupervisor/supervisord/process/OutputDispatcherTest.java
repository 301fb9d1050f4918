package io.kupervisor.supervisord.process;

import io.kupervisor.supervisord.log.ChannelLog;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Capture mode and log events, as supervisord's POutputDispatcher.record_output does them. */
class OutputDispatcherTest {
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private final List<String> logEvents = new ArrayList<>();
    private final List<String> commEvents = new ArrayList<>();

    private final ChannelLog log = new ChannelLog() {
        @Override
        public void write(byte[] data, int off, int len) {
            logged.write(data, off, len);
        }

        @Override
        public void reopen() {
        }

        @Override
        public void clear() {
        }

        @Override
        public void close() {
        }

        @Override
        public Path path() {
            return null;
        }
    };

    private OutputDispatcher dispatcher(long captureMaxbytes, boolean events) {
        return new OutputDispatcher(log, captureMaxbytes, false, events, null, new OutputDispatcher.Events() {
            @Override
            public void logged(byte[] data) {
                logEvents.add(new String(data, StandardCharsets.UTF_8));
            }

            @Override
            public void communicated(byte[] data) {
                commEvents.add(new String(data, StandardCharsets.UTF_8));
            }
        });
    }

    private static void write(OutputDispatcher d, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        d.write(b, b.length);
    }

    private String logged() {
        return logged.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theCapturedPartIsAnEventAndNotInTheLog() {
        OutputDispatcher d = dispatcher(1024, false);
        write(d, "before<!--XSUPERVISOR:BEGIN-->inside<!--XSUPERVISOR:END-->after, and more than a token\n");
        assertThat(commEvents).containsExactly("inside");
        assertThat(logged()).isEqualTo("beforeafter, and more than a token\n");
    }

    @Test
    void tokensSplitAcrossReadsAreFound() {
        OutputDispatcher d = dispatcher(1024, false);
        write(d, "some text then <!--XSUPER");
        assertThat(logged()).isEqualTo("some text then ");
        write(d, "VISOR:BEGIN-->abc<!--XSUPERVISOR:E");
        write(d, "ND-->tail that is long enough\n");
        assertThat(commEvents).containsExactly("abc");
        assertThat(logged()).isEqualTo("some text then tail that is long enough\n");
    }

    @Test
    void shortOutputWaitsUntilEndOfFileAndIsNotLost() {
        OutputDispatcher d = dispatcher(1024, false);
        write(d, "hi\n"); // not more than a token's length: supervisord holds it back
        assertThat(logged()).isEmpty();
        d.closed(); // supervisord would drop it here; kupervisor logs it
        assertThat(logged()).isEqualTo("hi\n");
    }

    @Test
    void theCaptureBufferKeepsSupervisordsBoundQuirk() {
        OutputDispatcher d = dispatcher(5, false);
        write(d, "<!--XSUPERVISOR:BEGIN-->abcdefghijklmnopqrstuvwxyz");
        write(d, "0123<!--XSUPERVISOR:END-->");
        // BoundIO(5) drops as many bytes from the front as a write brings, whatever the bound
        assertThat(commEvents).containsExactly("efghijklmnopqrstuvwxyz0123");
    }

    @Test
    void logEventsCoverEveryLoggedPieceCapturedOnesToo() {
        OutputDispatcher d = dispatcher(1024, true);
        write(d, "one<!--XSUPERVISOR:BEGIN-->two<!--XSUPERVISOR:END-->three, and more than a token\n");
        assertThat(logEvents).containsExactly("one", "two", "three, and more than a token\n");
    }

    @Test
    void withoutCaptureEveryReadIsLoggedAtOnce() {
        OutputDispatcher d = dispatcher(0, true);
        write(d, "a");
        write(d, "<!--XSUPERVISOR:BEGIN-->");
        assertThat(logged()).isEqualTo("a<!--XSUPERVISOR:BEGIN-->");
        assertThat(logEvents).containsExactly("a", "<!--XSUPERVISOR:BEGIN-->");
        assertThat(commEvents).isEmpty();
    }

    @Test
    void bigReadsComeInSupervisordsPieces() {
        OutputDispatcher d = dispatcher(0, true);
        byte[] big = new byte[OutputDispatcher.SUPERVISORD_READ_SIZE * 2 + 10];
        java.util.Arrays.fill(big, (byte) 'x');
        d.write(big, big.length);
        assertThat(logEvents).extracting(String::length)
                .containsExactly(OutputDispatcher.SUPERVISORD_READ_SIZE, OutputDispatcher.SUPERVISORD_READ_SIZE, 10);
    }
}
