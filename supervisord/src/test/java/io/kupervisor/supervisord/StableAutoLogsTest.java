package io.kupervisor.supervisord;

import static org.assertj.core.api.Assertions.assertThat;

import io.kupervisor.core.state.ProcessState;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code [kupervisor] stable_auto_logs}: AUTO logs get names a log sidecar knows, and, since a
 * sidecar runs as another user than the programs (the kupervisor image's), modes it can read: a
 * named log's (0666 less the umask), not mkstemp's 0600. Seen on a real cluster: a sidecar of a
 * program whose image runs as root streamed nothing.
 */
class StableAutoLogsTest {
    @TempDir
    Path dir;

    @Test
    void stableAutoLogsAreCreatedLikeNamedLogsSoThatASidecarOfAnotherUserReadsThem() throws Exception {
        // what this JVM's umask gives a new file: what a named log gets
        String named = PosixFilePermissions.toString(Files.getPosixFilePermissions(Files.createFile(dir.resolve("plain"))));
        try (DaemonHarness d = DaemonHarness.startRaw(dir, """
                [supervisord]
                nodaemon=true
                logfile=%1$s/supervisord.log
                pidfile=%1$s/supervisord.pid
                childlogdir=%1$s
                identifier=pod

                [kupervisor]
                stable_auto_logs=true

                [program:talker]
                command=/bin/sh -c 'echo hello; exec sleep 1000'
                startsecs=0
                stdout_logfile_maxbytes=100
                """.formatted(dir))) {
            d.awaitState("talker", ProcessState.RUNNING, Duration.ofSeconds(10));
            Path out = dir.resolve("talker-stdout---pod.log");
            Path err = dir.resolve("talker-stderr---pod.log");
            assertThat(out).exists();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo(named).isNotEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(err))).isEqualTo(named);
        }
    }
}
