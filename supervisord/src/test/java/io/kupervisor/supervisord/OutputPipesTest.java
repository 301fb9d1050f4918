package io.kupervisor.supervisord;

import io.kupervisor.core.state.ProcessState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What happens to a process's output pipes and logs when things go wrong. */
class OutputPipesTest {
    @TempDir
    Path dir;

    /**
     * supervisord's finish() drains and closes a reaped process's pipes; an orphan that still
     * holds the write end (here {@code yes}) then gets EPIPE or SIGPIPE and ends, instead of
     * writing into a stopped program's log for ever (and the daemon reading it at full speed).
     */
    @Test
    void theOrphanOfAnEndedProcessLosesItsPipeAndEnds() throws Exception {
        Path err = dir.resolve("parent.err");
        try (DaemonHarness d = DaemonHarness.start(dir, """
                [program:parent]
                command=/bin/sh -c 'yes & echo $! >&2; exit 3'
                startsecs=0
                autorestart=false
                exitcodes=3
                stdout_logfile=NONE
                stderr_logfile=%s
                """.formatted(err))) {
            d.awaitState("parent", ProcessState.EXITED, Duration.ofSeconds(10));
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(err) && Files.readString(err).endsWith("\n"));
            // its first line (yes, which ignores SIGPIPE as supervisord's children do, says "Broken pipe" later)
            int orphan = Integer.parseInt(Files.readString(err).lines().findFirst().orElseThrow().strip());
            // the daemon is the subreaper: the orphan's end is logged when it comes
            await().atMost(Duration.ofSeconds(30)).until(() -> d.logLines().stream()
                    .anyMatch(l -> l.startsWith("INFO reaped unknown pid " + orphan + " (")));
            assertThat(DaemonHarness.alive(orphan)).isFalse();
        }
    }

    /** A log that cannot be written (here /dev/full: ENOSPC on every write) is said once, not per write. */
    @Test
    void aFullDiskIsSaidOnceInTheMainLog() throws Exception {
        Path err = dir.resolve("chatty.err");
        try (DaemonHarness d = DaemonHarness.start(dir, """
                [program:chatty]
                command=/bin/sh -c 'for i in 1 2 3 4 5; do echo $i; sleep 0.05; done; echo done >&2'
                startsecs=0
                autorestart=false
                stdout_logfile=/dev/full
                stderr_logfile=%s
                """.formatted(err))) {
            d.awaitState("chatty", ProcessState.EXITED, Duration.ofSeconds(10));
            // one pump reads both pipes in order: once stderr's last line is written, stdout's writes were tried
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(err) && Files.readString(err).equals("done\n"));
            assertThat(d.logLines()).filteredOn(l -> l.contains("cannot write the stdout log of chatty"))
                    .containsExactly("ERRO kupervisor: cannot write the stdout log of chatty: No space left on device;"
                            + " its output is lost until writing works again");
        }
    }
}
