package io.kupervisor.operator.pod;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * kupervisor-init (init/kupervisor-init.c), the PID 1 of process pods, with real processes and
 * real signals: built with the machine's C compiler by init/build.sh, run as PID 1 of a new PID
 * namespace (unshare, as root) where that matters, as the kubelet's container would.
 */
class KupervisorInitTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getFileName().toString().equals("operator")
            ? Path.of("..").toAbsolutePath().normalize() : Path.of("").toAbsolutePath();
    private static Path init;

    @TempDir
    Path dir;

    @BeforeAll
    static void build() throws Exception {
        init = ROOT.resolve("operator/target/kupervisor-init");
        Process p = new ProcessBuilder(ROOT.resolve("init/build.sh").toString(), init.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as("init/build.sh: %s", out).isZero();
    }

    private Path script(String name, String body) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        return f;
    }

    private Process start(List<String> command) throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("out").toFile()).start();
    }

    private String out() throws IOException {
        return Files.readString(dir.resolve("out"));
    }

    private void awaitOut(String text) {
        await().atMost(Duration.ofSeconds(10)).until(() -> out().contains(text));
    }

    private static List<String> cmd(Object... parts) {
        List<String> l = new ArrayList<>();
        for (Object p : parts) {
            l.add(p.toString());
        }
        return l;
    }

    @Test
    void theKubeletsTermReachesTheProgramAsItsStopsignal() throws Exception {
        Path prog = script("trap.sh", "trap 'echo got QUIT; exit 3' QUIT\ntrap 'echo got TERM; exit 4' TERM\n"
                + "echo ready\nwhile :; do sleep 0.05; done\n");
        Process p = start(cmd(init, "-s", 3, "--", prog));
        awaitOut("ready");
        p.toHandle().destroy(); // SIGTERM, as the kubelet sends
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(out()).contains("got QUIT").doesNotContain("got TERM");
        assertThat(p.exitValue()).isEqualTo(3);
        // without -s, TERM stays TERM
        Process q = start(cmd(init, "--", prog));
        awaitOut("ready");
        q.toHandle().destroy();
        assertThat(q.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(q.exitValue()).isEqualTo(4);
    }

    @Test
    void stopasgroupSignalsTheWholeGroupElseOnlyTheCommand() throws Exception {
        Path marks = dir.resolve("marks");
        // each says it is ready once its TERM trap is set; the grandchild also says its pid
        Path prog = script("group.sh", "sh -c 'trap \"echo grandchild >> " + marks + "; exit 0\" TERM; "
                + "echo grandchild ready $$; while :; do sleep 0.05; done' &\n"
                + "trap 'echo child >> " + marks + "; wait; exit 0' TERM\necho command ready\nwhile :; do sleep 0.05; done\n");
        Process grouped = start(cmd(init, "-g", "--", prog));
        awaitOut("command ready");
        awaitOut("grandchild ready");
        grouped.toHandle().destroy();
        assertThat(grouped.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readAllLines(marks)).containsExactlyInAnyOrder("child", "grandchild");

        Files.delete(marks);
        Process single = start(cmd(init, "--", prog));
        awaitOut("command ready");
        awaitOut("grandchild ready");
        ProcessHandle grandchild = ProcessHandle.of(Long.parseLong(
                out().lines().filter(l -> l.startsWith("grandchild ready ")).findFirst().orElseThrow()
                        .substring("grandchild ready ".length()).trim())).orElseThrow();
        single.toHandle().destroy();
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(marks) && Files.readAllLines(marks).contains("child"));
        // The command waits for its own child, which got nothing. Had TERM reached the grandchild, it was
        // caught before the command's trap wrote its mark, and its trap runs when its current sleep ends:
        // once it has started another sleep, no TERM was pending.
        long sleeping = await().atMost(Duration.ofSeconds(30))
                .until(() -> grandchild.isAlive() ? grandchild.children().mapToLong(ProcessHandle::pid).findFirst().orElse(0) : -1,
                        pid -> pid != 0);
        await().atMost(Duration.ofSeconds(30)).until(() -> !grandchild.isAlive()
                || grandchild.children().anyMatch(c -> c.pid() != sleeping));
        assertThat(grandchild.isAlive()).isTrue();
        assertThat(Files.readAllLines(marks)).containsExactly("child");
        assertThat(single.isAlive()).isTrue();
        single.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        single.destroyForcibly();
        single.waitFor(10, TimeUnit.SECONDS);
    }

    /** PID 1 of a PID namespace gets no default signal actions: a program without a handler ignores TERM. */
    @Test
    void asPid1AProgramWithoutAHandlerStillStops() throws Exception {
        Process bare = start(cmd("unshare", "--pid", "--fork", "--kill-child", "sleep", 60));
        Process wrapped = start(cmd("unshare", "--pid", "--fork", "--kill-child", init, "--", "sleep", 60));
        ProcessHandle barePid1 = await().atMost(Duration.ofSeconds(10)).until(() -> child(bare), h -> h != null);
        ProcessHandle initPid1 = await().atMost(Duration.ofSeconds(10)).until(() -> child(wrapped), h -> h != null);
        // wait until kupervisor-init has started sleep
        await().atMost(Duration.ofSeconds(10)).until(() -> initPid1.children().findAny().isPresent());
        barePid1.destroy();
        initPid1.destroy();
        assertThat(wrapped.waitFor(10, TimeUnit.SECONDS)).as("under kupervisor-init, TERM ends sleep").isTrue();
        assertThat(wrapped.exitValue()).isEqualTo(128 + 15);
        // kill(2) has returned: the kernel dropped TERM at once for a PID 1 without a handler, or it is
        // pending, or it was delivered and sleep is dying; only the first leaves it sleeping, nothing pending
        Map<String, String> status = procStatus(barePid1.pid());
        assertThat(status.get("State")).as("sleep as PID 1 ignores TERM").startsWith("S");
        assertThat(Long.parseLong(status.get("SigPnd"), 16) | Long.parseLong(status.get("ShdPnd"), 16))
                .as("no TERM pending for sleep as PID 1").isZero();
        bare.destroyForcibly();
        barePid1.destroyForcibly();
        bare.waitFor(10, TimeUnit.SECONDS);
    }

    /** Orphans end up children of PID 1, and kupervisor-init reaps them: no zombie stays. */
    @Test
    void orphansAreReaped() throws Exception {
        Path prog = script("orphans.sh", "for i in 1 2 3; do (sleep 0.2 &) ; done\necho ready\nsleep 60\n");
        Process p = start(cmd("unshare", "--pid", "--fork", "--kill-child", init, "--", prog));
        ProcessHandle pid1 = await().atMost(Duration.ofSeconds(10)).until(() -> child(p), h -> h != null);
        awaitOut("ready");
        // the orphaned sleeps were PID 1's children by "ready" (each subshell exited before the next
        // line); they end after 0.2 s and each stays a zombie child unless PID 1 reaps it
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<String> zombies = new ArrayList<>();
            pid1.children().forEach(c -> {
                try {
                    String stat = Files.readString(Path.of("/proc/" + c.pid() + "/stat"));
                    if (stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z")) {
                        zombies.add(stat);
                    }
                } catch (IOException gone) {
                    // reaped meanwhile
                }
            });
            assertThat(zombies).isEmpty();
            assertThat(pid1.children().count()).as("only the command is left").isEqualTo(1);
        });
        p.destroyForcibly();
        pid1.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
    }

    @Test
    void umaskAndRedirectStderrApplyToTheCommand() throws Exception {
        Process p = start(cmd(init, "-u", "027", "--", "sh", "-c", "umask"));
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(out().strip()).isEqualTo("0027");
        Process q = new ProcessBuilder(cmd(init, "-e", "--", "sh", "-c", "echo to-stderr >&2"))
                .redirectError(dir.resolve("err").toFile()).redirectOutput(dir.resolve("stdout").toFile()).start();
        assertThat(q.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(dir.resolve("stdout"))).isEqualTo("to-stderr\n");
        assertThat(Files.readString(dir.resolve("err"))).isEmpty();
    }

    @Test
    void exitCodesAndSignalDeathsAreTheCommands() throws Exception {
        Process code = start(cmd(init, "--", "sh", "-c", "exit 7"));
        assertThat(code.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(code.exitValue()).isEqualTo(7);
        Process killed = start(cmd(init, "--", "sh", "-c", "kill -9 $$"));
        assertThat(killed.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(killed.exitValue()).isEqualTo(128 + 9);
    }

    /** A command that cannot run is said in supervisord's words on the termination message. */
    @Test
    void aCommandThatCannotRunIsASpawnError() throws Exception {
        Path log = dir.resolve("termination-log");
        Process p = start(cmd(init, "-t", log, "--", "no-such-command-here"));
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(127);
        assertThat(Files.readString(log)).isEqualTo("spawnerr: can't find command 'no-such-command-here'");
        Path notExec = dir.resolve("data.txt");
        Files.writeString(notExec, "x");
        Process q = start(cmd(init, "-t", log, "--", notExec));
        assertThat(q.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(q.exitValue()).isEqualTo(126);
        assertThat(Files.readString(log)).isEqualTo("spawnerr: command at '" + notExec + "' is not executable");
    }

    @Test
    void installCopiesItselfForTheInitContainer() throws Exception {
        Process p = start(cmd(init, "--install", dir));
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        Path copy = dir.resolve("kupervisor-init");
        assertThat(Files.mismatch(copy, init)).isEqualTo(-1);
        assertThat(Files.isExecutable(copy)).isTrue();
    }

    private static ProcessHandle child(Process p) {
        return p.toHandle().children().findFirst().orElse(null);
    }

    /** The fields of /proc/PID/status. */
    private static Map<String, String> procStatus(long pid) throws IOException {
        Map<String, String> fields = new HashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
            }
        }
        return fields;
    }
}
