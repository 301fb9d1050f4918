package io.kupervisor.supervisord;

import io.kupervisor.core.state.ProcessState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The transitions of supervisord's state machine, with real processes and signals: every test
 * runs the daemon on real children.
 */
class SupervisorLifecycleTest {
    @TempDir
    Path dir;

    @Test
    void aProgramThatDiesWithinStartsecsBacksOffThenGoesFatal() throws Exception {
        try (DaemonHarness d = DaemonHarness.start(dir, """
                [program:exit1]
                command=/bin/sh -c 'echo starting; exit 1'
                startretries=2
                """)) {
            d.awaitState("exit1", ProcessState.FATAL, Duration.ofSeconds(30));
            assertThat(d.transitionsOf("exit1")).containsExactly(
                    "STOPPED->STARTING", "STARTING->BACKOFF", "BACKOFF->STARTING", "STARTING->BACKOFF",
                    "BACKOFF->STARTING", "STARTING->BACKOFF", "BACKOFF->FATAL");
            assertThat(d.logLines()).contains(
                    "WARN exited: exit1 (exit status 1; not expected)",
                    "INFO gave up: exit1 entered FATAL state, too many start retries too quickly");
            assertThat(d.logLines().stream().filter(l -> l.startsWith("INFO spawned: 'exit1' with pid "))).hasSize(3);
            // the n-th quick exit is followed by n seconds of backoff (strictly more), by the daemon's clock
            List<java.time.LocalDateTime> spawned = d.logTimes("INFO spawned: 'exit1' with pid ");
            List<java.time.LocalDateTime> exited = d.logTimes("WARN exited: exit1 (");
            assertThat(Duration.between(exited.get(0), spawned.get(1))).isGreaterThan(Duration.ofSeconds(1));
            assertThat(Duration.between(exited.get(1), spawned.get(2))).isGreaterThan(Duration.ofSeconds(2));
            assertThat(d.snapshot("exit1").spawnerrText()).isEqualTo("Exited too quickly (process log may have details)");
        }
    }

    @Test
    void startretriesZeroMeansOneAttempt() throws Exception {
        try (DaemonHarness d = DaemonHarness.start(dir, """
                [program:once]
                command=/bin/false
                startretries=0
                """)) {
            d.awaitState("once", ProcessState.FATAL, Duration.ofSeconds(5));
            assertThat(d.transitionsOf("once")).containsExactly("STOPPED->STARTING", "STARTING->BACKOFF", "BACKOFF->FATAL");
        }
    }

    @Test
    void anExpectedExitAfterStartsecsStaysExitedWithAutorestartUnexpected() throws Exception {
        try (DaemonHarness d = DaemonHarness.start(dir, """
                [program:done]
                command=/bin/sh -c 'sleep 0.3; exit 2'
                startsecs=0
                exitcodes=0,2
                """)) {
            d.awaitState("done", ProcessState.EXITED, Duration.ofSeconds(5));
            // the loop's turn that saw the exit is over, and it asked for no respawn and no timer:
            // nothing can move the process out of EXITED but a request
            d.control.ping().get();
            assertThat(d.state("done")).isEqualTo(ProcessState.EXITED);
            assertThat(d.snapshot("done").nextDeadline()).isEmpty();
            assertThat(d.logLines()).contains("INFO exited: done (exit status 2; expected)");
            assertThat(d.snapshot("done").exitStatusCode()).isEqualTo(2);
        }
    }

    @Test
    void anUnexpectedExitRestartsAtOnceWithAutorestartUnexpected() throws Exception {
        try (DaemonHarness d = DaemonHarness.start(dir, """
                [program:crashy]
                command=/bin/sh -c 'sleep 0.2; exit 3'
                startsecs=0
                """)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> d.transitionsOf("crashy").stream()
                    .filter("EXITED->STARTING"::equals).count() >= 2);
            assertThat(d.logLines()).contains("WARN exited: crashy (exit status 3; not expected)");
        }
    }

    @Test
    void autorestartFalseLeavesAnUnexpectedExitAlone() throws Exception {
        try (DaemonHarness d = DaemonHarness.start(dir, """
                [program:oneshot]
                command=/bin/sh -c 'sleep 0.2; exit 3'
                startsecs=0
                autorestart=false
                """)) {
            d.awaitState("oneshot", ProcessState.EXITED, Duration.ofSeconds(5));
            // an autorestart would have been in the same turn of the loop as the exit, or a timer
            d.control.ping().get();
            assertThat(d.transitionsOf("oneshot")).containsExactly("STOPPED->STARTING", "STARTING->RUNNING",
                    "RUNNING->EXITED");
            assertThat(d.snapshot("oneshot").nextDeadline()).isEmpty();
        }
    }

    @Test
    void autorestartTrueRestartsEvenAnExpectedExit() throws Exception {
        try (DaemonHarness d = DaemonHarness.start(dir, """
                [program:loop]
                command=/bin/sh -c 'sleep 0.2'
                startsecs=0
                autorestart=true
                """)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> d.transitionsOf("loop").stream()
                    .filter("EXITED->STARTING"::equals).count() >= 2);
            assertThat(d.logLines()).contains("INFO exited: loop (exit status 0; expected)");
        }
    }

    @Test
    void aSignalDeathIsNeverExpectedAndRestartsImmediately() throws Exception {
        try (DaemonHarness d = DaemonHarness.start(dir, """
                [program:victim]
                command=/bin/sleep 1000
                startsecs=0
                exitcodes=0,1,2,137
                """)) {
            d.awaitState("victim", ProcessState.RUNNING, Duration.ofSeconds(5));
            int pid = d.pid("victim");
            io.kupervisor.supervisord.posix.Posix.kill(pid, 9);
            await().atMost(Duration.ofSeconds(5)).until(() -> d.pid("victim") != pid && d.pid("victim") != 0);
            assertThat(d.logLines()).contains("WARN exited: victim (terminated by SIGKILL; not expected)");
            assertThat(d.transitionsOf("victim")).containsSubsequence("RUNNING->EXITED", "EXITED->STARTING");
        }
    }

    @Test
    void stopSendsTheStopSignalAndStopIsLoggedAsSupervisordDoes() throws Exception {
        try (DaemonHarness d = DaemonHarness.start(dir, """
                [program:sleeper]
                command=/bin/sleep 1000
                startsecs=0
                """)) {
            d.awaitState("sleeper", ProcessState.RUNNING, Duration.ofSeconds(5));
            int pid = d.pid("sleeper");
            d.control.stop("sleeper", false).get();
            d.awaitState("sleeper", ProcessState.STOPPED, Duration.ofSeconds(5));
            assertThat(DaemonHarness.alive(pid)).isFalse();
            assertThat(d.logLines()).contains("DEBG killing sleeper (pid " + pid + ") with signal SIGTERM",
                    "WARN stopped: sleeper (terminated by SIGTERM)");
        }
    }

    @Test
    void aProgramThatIgnoresTermIsKilledAfterStopwaitsecs() throws Exception {
        try (DaemonHarness d = DaemonHarness.start(dir, """
                [program:stubborn]
                command=/bin/sh -c 'trap "" TERM; while :; do sleep 0.1; done'
                startsecs=0
                stopwaitsecs=1
                """)) {
            d.awaitState("stubborn", ProcessState.RUNNING, Duration.ofSeconds(5));
            int pid = d.pid("stubborn");
            d.control.stop("stubborn", false).get();
            d.awaitState("stubborn", ProcessState.STOPPED, Duration.ofSeconds(30));
            assertThat(d.logLines()).contains("WARN killing 'stubborn' (" + pid + ") with SIGKILL",
                    "WARN stopped: stubborn (terminated by SIGKILL)");
            // SIGKILL no sooner than stopwaitsecs after the stop signal, by the daemon's own clock
            java.time.LocalDateTime term = d.logTime("DEBG killing stubborn (pid " + pid + ") with signal SIGTERM");
            java.time.LocalDateTime kill = d.logTime("WARN killing 'stubborn' (" + pid + ") with SIGKILL");
            assertThat(Duration.between(term, kill)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        }
    }

    @Test
    void stopasgroupAlsoStopsGrandchildren() throws Exception {
        Path grandchild = dir.resolve("grandchild.pid");
        try (DaemonHarness d = DaemonHarness.start(dir, """
                [program:parent]
                command=/bin/sh -c 'sleep 1000 & echo $! > %s; wait'
                startsecs=0
                stopasgroup=true
                """.formatted(grandchild))) {
            d.awaitState("parent", ProcessState.RUNNING, Duration.ofSeconds(5));
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(grandchild) && !Files.readString(grandchild).isBlank());
            int sleepPid = Integer.parseInt(Files.readString(grandchild).strip());
            assertThat(DaemonHarness.alive(sleepPid)).isTrue();
            d.control.stop("parent", false).get();
            d.awaitState("parent", ProcessState.STOPPED, Duration.ofSeconds(5));
            await().atMost(Duration.ofSeconds(5)).until(() -> !DaemonHarness.alive(sleepPid));
        }
    }

    @Test
    void withoutStopasgroupTheGrandchildSurvivesAsSupervisordsDoes() throws Exception {
        Path grandchild = dir.resolve("grandchild.pid");
        int sleepPid;
        try (DaemonHarness d = DaemonHarness.start(dir, """
                [program:parent]
                command=/bin/sh -c 'sleep 30 & echo $! > %s; wait'
                startsecs=0
                """.formatted(grandchild))) {
            d.awaitState("parent", ProcessState.RUNNING, Duration.ofSeconds(5));
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(grandchild) && !Files.readString(grandchild).isBlank());
            sleepPid = Integer.parseInt(Files.readString(grandchild).strip());
            d.control.stop("parent", false).get();
            d.awaitState("parent", ProcessState.STOPPED, Duration.ofSeconds(5));
            // the stop signal went to the process alone (a group signal says "process group"), and
            // the grandchild outlived its parent
            int parentPid = (int) d.events.stream().filter(e -> e instanceof io.kupervisor.supervisord.control
                    .ControlEvent.ProcessStateChanged sc && sc.to() == ProcessState.STOPPED)
                    .mapToLong(e -> ((io.kupervisor.supervisord.control.ControlEvent.ProcessStateChanged) e).pid())
                    .findFirst().orElseThrow();
            assertThat(d.logLines()).contains("DEBG killing parent (pid " + parentPid + ") with signal SIGTERM");
            assertThat(DaemonHarness.alive(sleepPid)).isTrue();
            io.kupervisor.supervisord.posix.Posix.kill(sleepPid, 9);
            // the orphan was adopted (subreaper) and is reaped, not left a zombie
            await().atMost(Duration.ofSeconds(5)).until(() -> !Files.exists(Path.of("/proc/" + sleepPid)));
            await().atMost(Duration.ofSeconds(3)).until(() -> d.logLines().stream()
                    .anyMatch(l -> l.equals("INFO reaped unknown pid " + sleepPid + " (terminated by SIGKILL)")));
        }
    }

    @Test
    void aMissingCommandIsASpawnErrorWithoutAFork() throws Exception {
        try (DaemonHarness d = DaemonHarness.start(dir, """
                [program:ghost]
                command=/nonexistent/ghost --flag
                startretries=0
                """)) {
            d.awaitState("ghost", ProcessState.FATAL, Duration.ofSeconds(5));
            assertThat(d.logLines()).contains("INFO spawnerr: can't find command '/nonexistent/ghost'");
            assertThat(d.logLines()).noneMatch(l -> l.contains("spawned: 'ghost'"));
        }
    }

    @Test
    void aNonExecutableCommandIsASpawnError() throws Exception {
        Path script = dir.resolve("script.sh");
        Files.writeString(script, "#!/bin/sh\necho hi\n");
        try (DaemonHarness d = DaemonHarness.start(dir, """
                [program:noexec]
                command=%s
                startretries=0
                """.formatted(script))) {
            d.awaitState("noexec", ProcessState.FATAL, Duration.ofSeconds(5));
            assertThat(d.logLines()).contains("INFO spawnerr: command at '" + script + "' is not executable");
        }
    }

    @Test
    void aMissingDirectoryIsAChildThatExits127WithSupervisordsMessage() throws Exception {
        try (DaemonHarness d = DaemonHarness.start(dir, """
                [program:nodir]
                command=/bin/echo hello
                directory=/nonexistent/dir
                startretries=0
                stderr_logfile=%s
                """.formatted(dir.resolve("nodir.err")))) {
            d.awaitState("nodir", ProcessState.FATAL, Duration.ofSeconds(5));
            assertThat(d.logLines()).anyMatch(l -> l.startsWith("INFO spawned: 'nodir' with pid "))
                    .contains("WARN exited: nodir (exit status 127; not expected)");
            await().atMost(Duration.ofSeconds(3)).until(() -> Files.readString(dir.resolve("nodir.err")).equals(
                    "supervisor: couldn't chdir to /nonexistent/dir: ENOENT\nsupervisor: child process was not spawned\n"));
        }
    }

    @Test
    void theProgramGetsItsEnvironmentDirectoryAndSupervisorVariables() throws Exception {
        Path work = Files.createDirectory(dir.resolve("work"));
        try (DaemonHarness d = DaemonHarness.start(dir, """
                [program:env]
                command=/bin/sh -c 'pwd; echo "A=$A SUPERVISOR_ENABLED=$SUPERVISOR_ENABLED NAME=$SUPERVISOR_PROCESS_NAME GROUP=$SUPERVISOR_GROUP_NAME"; umask'
                directory=%s
                environment=A="x y"
                umask=027
                startsecs=0
                autorestart=false
                stdout_logfile=%s
                """.formatted(work, dir.resolve("env.out")))) {
            d.awaitState("env", ProcessState.EXITED, Duration.ofSeconds(5));
            await().atMost(Duration.ofSeconds(3)).until(() -> Files.exists(dir.resolve("env.out"))
                    && Files.readString(dir.resolve("env.out")).lines().count() == 3);
            assertThat(Files.readAllLines(dir.resolve("env.out"))).containsExactly(
                    work.toString(), "A=x y SUPERVISOR_ENABLED=1 NAME=env GROUP=env", "0027");
        }
    }

    @Test
    void shutdownStopsEverythingAndLeavesNoChildBehind() throws Exception {
        DaemonHarness d = DaemonHarness.start(dir, """
                [program:a]
                command=/bin/sleep 1000
                startsecs=0
                priority=1
                [program:b]
                command=/bin/sleep 1000
                startsecs=0
                priority=2
                [program:c]
                command=/bin/sh -c 'trap "" TERM; while :; do sleep 0.1; done'
                startsecs=0
                stopwaitsecs=1
                priority=3
                """);
        d.awaitState("a", ProcessState.RUNNING, Duration.ofSeconds(5));
        d.awaitState("b", ProcessState.RUNNING, Duration.ofSeconds(5));
        d.awaitState("c", ProcessState.RUNNING, Duration.ofSeconds(5));
        List<Integer> pids = List.of(d.pid("a"), d.pid("b"), d.pid("c"));
        assertThat(d.shutdown(Duration.ofSeconds(20))).isZero();
        for (int pid : pids) {
            assertThat(DaemonHarness.alive(pid)).as("pid %d", pid).isFalse();
        }
        // highest priority first, one group at a time: c (killed after 1 s), then b, then a
        List<String> stops = d.logLines().stream().filter(l -> l.contains("stopped: ")).toList();
        assertThat(stops).containsExactly("WARN stopped: c (terminated by SIGKILL)",
                "WARN stopped: b (terminated by SIGTERM)", "WARN stopped: a (terminated by SIGTERM)");
        assertThat(Files.exists(dir.resolve("supervisord.pid"))).isFalse();
    }

    @Test
    void userRunsTheProgramAsThatUserWhenTheDaemonIsRoot() throws Exception {
        boolean root = io.kupervisor.supervisord.posix.Posix.getuid() == 0;
        try (DaemonHarness d = DaemonHarness.start(dir, """
                [program:who]
                command=/bin/sh -c 'id -u; id -g'
                user=nobody
                startsecs=0
                autorestart=false
                startretries=0
                stdout_logfile=%s
                stderr_logfile=%s
                """.formatted(dir.resolve("who.out"), dir.resolve("who.err")))) {
            if (root) {
                d.awaitState("who", ProcessState.EXITED, Duration.ofSeconds(5));
                await().atMost(Duration.ofSeconds(3)).until(() -> Files.readString(dir.resolve("who.out")).lines().count() == 2);
                var nobody = io.kupervisor.core.config.dialect.Passwd.userByName("nobody").orElseThrow();
                assertThat(Files.readAllLines(dir.resolve("who.out")))
                        .containsExactly(String.valueOf(nobody.id()), String.valueOf(nobody.gid()));
            } else {
                // supervisord's child cannot drop privileges as a non-root user either
                d.awaitState("who", ProcessState.FATAL, Duration.ofSeconds(5));
                await().atMost(Duration.ofSeconds(3)).until(() -> Files.readString(dir.resolve("who.err"))
                        .contains("Can't drop privilege as nonroot user"));
            }
        }
    }
}
