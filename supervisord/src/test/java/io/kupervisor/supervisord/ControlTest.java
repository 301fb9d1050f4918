package io.kupervisor.supervisord;

import io.kupervisor.core.state.ProcessState;
import io.kupervisor.supervisord.control.Channel;
import io.kupervisor.supervisord.control.Control;
import io.kupervisor.supervisord.control.ControlEvent;
import io.kupervisor.supervisord.control.ControlEvent.GroupAdded;
import io.kupervisor.supervisord.control.ControlEvent.GroupRemoved;
import io.kupervisor.supervisord.control.ControlEvent.ProcessStateChanged;
import io.kupervisor.supervisord.control.ControlEvent.SupervisorStateChanged;
import io.kupervisor.supervisord.control.ControlException;
import io.kupervisor.supervisord.control.Fault;
import io.kupervisor.supervisord.control.SupervisorState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The daemon's control interface as its users (XML-RPC, the web page, health, event listeners)
 * see it: the events of a subscription carry what supervisord's events carry, in order, and
 * requests are refused with supervisord's faults.
 */
class ControlTest {
    @TempDir
    Path dir;

    private static List<ProcessStateChanged> statesOf(DaemonHarness d, String process) {
        synchronized (d.events) {
            return d.events.stream().filter(e -> e instanceof ProcessStateChanged s && s.process().equals(process))
                    .map(e -> (ProcessStateChanged) e).toList();
        }
    }

    @Test
    void everyTransitionCarriesFromExpectedPidAndTries() throws Exception {
        try (DaemonHarness d = DaemonHarness.start(dir, """
                [program:quick]
                command=/bin/sh -c 'exit 3'
                startsecs=0
                autorestart=false

                [program:nocmd]
                command=/nonexistent/x
                startretries=1
                """)) {
            d.awaitState("quick", ProcessState.EXITED, Duration.ofSeconds(10));
            d.awaitState("nocmd", ProcessState.FATAL, Duration.ofSeconds(10));

            List<ProcessStateChanged> quick = statesOf(d, "quick");
            long pid = quick.get(1).pid();
            assertThat(pid).isPositive();
            assertThat(quick).containsExactly(
                    new ProcessStateChanged("quick", "quick", ProcessState.STOPPED, ProcessState.STARTING, true, 0, 0),
                    new ProcessStateChanged("quick", "quick", ProcessState.STARTING, ProcessState.RUNNING, true, pid, 0),
                    // an unexpected exit: expected false, and the pid of the process that ended
                    new ProcessStateChanged("quick", "quick", ProcessState.RUNNING, ProcessState.EXITED, false, pid, 0));
            assertThat(statesOf(d, "nocmd")).extracting(s -> s.from() + "->" + s.to() + " tries " + s.tries())
                    .containsExactly("STOPPED->STARTING tries 0", "STARTING->BACKOFF tries 1",
                            "BACKOFF->STARTING tries 1", "STARTING->BACKOFF tries 2", "BACKOFF->FATAL tries 0");
        }
    }

    @Test
    void groupsAndTheDaemonsStateArePublishedAsSupervisordOrdersThem() throws Exception {
        DaemonHarness d = DaemonHarness.start(dir, """
                [program:b]
                command=/bin/sleep 1000
                startsecs=0
                [program:a]
                command=/bin/sleep 1000
                startsecs=0
                priority=1
                """);
        try {
            d.awaitState("b", ProcessState.RUNNING, Duration.ofSeconds(5));
            // boot: the groups in priority order, then RUNNING, then the first process transition
            List<ControlEvent> boot;
            synchronized (d.events) {
                boot = List.copyOf(d.events.subList(0, 4));
            }
            assertThat(boot).containsExactly(new GroupAdded("a"), new GroupAdded("b"),
                    new SupervisorStateChanged(SupervisorState.RUNNING),
                    new ProcessStateChanged("a", "a", ProcessState.STOPPED, ProcessState.STARTING, true, 0, 0));

            d.control.stop("a", true).get();
            d.control.removeGroup("a").get();
            d.control.addGroup("a").get();
            d.awaitState("a", ProcessState.RUNNING, Duration.ofSeconds(5));
            synchronized (d.events) {
                assertThat(d.events).containsSubsequence(new GroupRemoved("a"), new GroupAdded("a"),
                        new ProcessStateChanged("a", "a", ProcessState.STOPPED, ProcessState.STARTING, true, 0, 0));
            }
        } finally {
            d.shutdown(Duration.ofSeconds(30));
        }
        synchronized (d.events) {
            // the stop begins with SHUTDOWN, before the processes are stopped
            int shutdown = d.events.indexOf(new SupervisorStateChanged(SupervisorState.SHUTDOWN));
            assertThat(shutdown).isPositive();
            assertThat(d.events.subList(shutdown, d.events.size())).filteredOn(e -> e instanceof ProcessStateChanged)
                    .extracting(e -> ((ProcessStateChanged) e).to()).contains(ProcessState.STOPPING, ProcessState.STOPPED);
        }
    }

    @Test
    void outputIsPublishedPerChannelWithThePid() throws Exception {
        try (DaemonHarness d = DaemonHarness.start(dir, """
                [program:talker]
                command=/bin/sh -c 'echo out; echo err >&2; exec sleep 1000'
                startsecs=0
                autostart=false
                """)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            List<Long> pids = Collections.synchronizedList(new ArrayList<>());
            Control.Subscription s = d.control.subscribe(EnumSet.of(ControlEvent.Kind.PROCESS_OUTPUT), e -> {
                ControlEvent.ProcessOutput o = (ControlEvent.ProcessOutput) e;
                pids.add(o.pid());
                synchronized (out) {
                    (o.channel() == Channel.STDOUT ? out : err).writeBytes(o.data());
                }
            });
            d.control.start("talker", true).get();
            int pid = d.pid("talker");
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                synchronized (out) {
                    return out.toString(StandardCharsets.UTF_8).equals("out\n")
                            && err.toString(StandardCharsets.UTF_8).equals("err\n");
                }
            });
            assertThat(pids).containsOnly((long) pid);
            s.close();
        }
    }

    @Test
    void remoteCommunicationReachesItsSubscribers() throws Exception {
        try (DaemonHarness d = DaemonHarness.start(dir, "")) {
            List<ControlEvent> got = Collections.synchronizedList(new ArrayList<>());
            d.control.subscribe(EnumSet.of(ControlEvent.Kind.REMOTE_COMMUNICATION), got::add);
            d.control.remoteCommunication("mytype", "payload").get();
            assertThat(got).containsExactly(new ControlEvent.RemoteCommunication("mytype", "payload"));
        }
    }

    @Test
    void aFailingSubscriberIsLoggedOnceAndOthersStillHearEverything() throws Exception {
        try (DaemonHarness d = DaemonHarness.start(dir, """
                [program:p]
                command=/bin/sleep 1000
                startsecs=0
                autostart=false
                """)) {
            d.control.subscribe(EnumSet.of(ControlEvent.Kind.PROCESS_STATE), e -> {
                throw new IllegalStateException("boom");
            });
            List<ControlEvent> closedOnesEvents = Collections.synchronizedList(new ArrayList<>());
            d.control.subscribe(EnumSet.of(ControlEvent.Kind.PROCESS_STATE), closedOnesEvents::add).close();
            List<ControlEvent> witness = Collections.synchronizedList(new ArrayList<>());
            d.control.subscribe(EnumSet.of(ControlEvent.Kind.PROCESS_STATE), witness::add);

            d.control.start("p", true).get();
            d.control.stop("p", true).get();
            // the witness subscribed last: it hears an event after every earlier subscriber was called
            await().atMost(Duration.ofSeconds(5)).until(() -> witness.size() == 4);
            assertThat(d.transitionsOf("p")).containsExactly("STOPPED->STARTING", "STARTING->RUNNING",
                    "RUNNING->STOPPING", "STOPPING->STOPPED");
            assertThat(closedOnesEvents).isEmpty();
            assertThat(d.logLines()).filteredOn(l -> l.contains("a subscriber of the daemon's PROCESS_STATE events"))
                    .hasSize(1).allMatch(l -> l.startsWith("ERRO ") && l.contains("boom"));
        }
    }

    @Test
    void requestsAreRefusedWithSupervisordsFaults() throws Exception {
        try (DaemonHarness d = DaemonHarness.start(dir, """
                [program:p]
                command=/bin/sleep 1000
                startsecs=0
                """)) {
            d.awaitState("p", ProcessState.RUNNING, Duration.ofSeconds(5));
            assertThat(refusal(d.control.start("nosuch", true))).isEqualTo("BAD_NAME: nosuch");
            assertThat(refusal(d.control.start("p", true))).isEqualTo("ALREADY_STARTED: p");
            assertThat(refusal(d.control.signal("p", "NOPE"))).isEqualTo("BAD_SIGNAL: NOPE");
            assertThat(refusal(d.control.removeGroup("p"))).isEqualTo("STILL_RUNNING: p");
            assertThat(refusal(d.control.process("p:*"))).isEqualTo("BAD_NAME: p:*");
            assertThatThrownBy(() -> d.control.startMany("nosuch", true).join())
                    .hasCauseInstanceOf(ControlException.class);
        }
    }

    private static String refusal(java.util.concurrent.CompletableFuture<?> f) {
        try {
            f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof ControlException c) {
                assertThat(c.fault()).isNotEqualTo(Fault.SUCCESS);
                return c.text();
            }
            throw e;
        }
        throw new AssertionError("not refused");
    }
}
