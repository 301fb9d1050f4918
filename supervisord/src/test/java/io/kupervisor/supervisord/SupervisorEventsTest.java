package io.kupervisor.supervisord;

import io.kupervisor.core.state.ProcessState;
import io.kupervisor.supervisord.events.ListenerState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Event delivery on a real daemon: listeners that do not keep up, or die, hold nothing up. */
class SupervisorEventsTest {
    @TempDir
    Path dir;

    @Test
    void aListenerThatNeverReadsHoldsUpNeitherTheLoopNorTheOutput() throws Exception {
        try (DaemonHarness d = DaemonHarness.start(dir, """
                [eventlistener:stuck]
                command=/bin/sh -c 'echo READY; exec sleep 1000'
                events=PROCESS_LOG
                buffer_size=3
                startsecs=0

                [program:chatty]
                command=/bin/sh -c 'head -c 3000000 /dev/zero | tr "\\\\0" x; exec sleep 1000'
                stdout_events_enabled=true
                startsecs=0
                stdout_logfile=%s/chatty.log
                stdout_logfile_maxbytes=0
                """.formatted(dir))) {
            Path log = dir.resolve("chatty.log");
            // every byte is logged although the listener took one event (more than its pipe holds) and no more
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(log) && Files.size(log) == 3_000_000);
            await().atMost(Duration.ofSeconds(10)).until(() -> d.logLines().stream()
                    .anyMatch(l -> l.contains("ERRO pool stuck event buffer overflowed, discarding event ")));
            assertThat(d.supervisor.call(() -> d.supervisor.events().listenerState(d.supervisor.find("stuck"))))
                    .isEqualTo(ListenerState.BUSY);
            assertThat(d.supervisor.call(() -> d.supervisor.events().pool("stuck").buffered())).hasSize(3);
            // the loop answers and stops things as usual
            d.control.stop("chatty", false).get();
            d.awaitState("chatty", ProcessState.STOPPED, Duration.ofSeconds(10));
        }
    }

    @Test
    void anEventAListenerDiedWithIsSentAgainToItsNextRun() throws Exception {
        Path listener = dir.resolve("listener.py");
        Files.writeString(listener, """
                import os, sys
                marker, record = sys.argv[1], sys.argv[2]
                first = not os.path.exists(marker)
                open(marker, 'a').close()
                while True:
                    sys.stdout.write('READY\\n'); sys.stdout.flush()
                    line = sys.stdin.readline()
                    headers = dict(f.split(':', 1) for f in line.split())
                    payload = sys.stdin.read(int(headers['len']))
                    if first:
                        sys.exit(1)  # dies with the event in hand
                    with open(record, 'a') as f:
                        f.write(headers['serial'] + ' ' + headers['eventname'] + ' ' + payload + '\\n')
                    sys.stdout.write('RESULT 2\\nOK'); sys.stdout.flush()
                """);
        try (DaemonHarness d = DaemonHarness.start(dir, """
                [eventlistener:once]
                command=/usr/bin/python3 %1$s/listener.py %1$s/marker %1$s/record
                events=REMOTE_COMMUNICATION
                startsecs=0

                [program:idle]
                command=/bin/sleep 1000
                startsecs=0
                """.formatted(dir))) {
            d.awaitState("once", ProcessState.RUNNING, Duration.ofSeconds(10));
            await().atMost(Duration.ofSeconds(10)).until(() -> d.supervisor.call(() ->
                    d.supervisor.events().listenerState(d.supervisor.find("once"))) == ListenerState.READY);
            d.control.remoteCommunication("first", "one").get();
            Path record = dir.resolve("record");
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(record)
                    && Files.readString(record).contains("\n"));
            assertThat(Files.readString(record)).isEqualTo("0 REMOTE_COMMUNICATION type:first\none\n");
            assertThat(d.logLines()).anyMatch(l -> l.contains("exited: once (exit status 1; not expected)"));
        }
    }
}
