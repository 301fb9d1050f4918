package io.kupervisor.supervisord.events;

import io.kupervisor.core.config.ConfigLoader;
import io.kupervisor.core.config.HostChecks;
import io.kupervisor.core.config.HostEnvironment;
import io.kupervisor.core.config.LogLevel;
import io.kupervisor.core.config.ProcessGroupConfig;
import io.kupervisor.core.state.Action;
import io.kupervisor.supervisord.io.OutputPump;
import io.kupervisor.supervisord.log.StdoutMirror;
import io.kupervisor.supervisord.process.Daemon;
import io.kupervisor.supervisord.process.ProcessGroup;
import io.kupervisor.supervisord.process.Subprocess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** TICK events: one timer, only while a pool subscribes to a TICK, for the next period boundary. */
class EventHubTicksTest {
    @TempDir
    Path dir;

    /** A scheduled task of the fake loop. */
    static final class Timer implements ScheduledFuture<Object> {
        final Runnable task;
        final Duration delay;
        boolean cancelled;

        Timer(Runnable task, Duration delay) {
            this.task = task;
            this.delay = delay;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(delay);
        }

        @Override
        public int compareTo(Delayed o) {
            return 0;
        }

        @Override
        public boolean cancel(boolean mayInterrupt) {
            cancelled = true;
            return true;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return cancelled;
        }

        @Override
        public Object get() {
            return null;
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            return null;
        }
    }

    /** A daemon whose clock the test sets and whose timers the test fires. */
    final class FakeDaemon implements Daemon {
        Instant now = Instant.ofEpochSecond(1000, 200_000_000);
        final List<Timer> timers = new ArrayList<>();

        List<Timer> live() {
            return timers.stream().filter(t -> !t.cancelled).toList();
        }

        @Override
        public Instant now() {
            return now;
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable task, Duration delay) {
            Timer t = new Timer(task, delay);
            timers.add(t);
            return t;
        }

        @Override
        public void log(LogLevel level, String message) {
        }

        @Override
        public OutputPump pump() {
            return null;
        }

        @Override
        public Map<String, String> environment() {
            return Map.of();
        }

        @Override
        public Path cwd() {
            return dir;
        }

        @Override
        public String serverUrl() {
            return null;
        }

        @Override
        public Path childLogDir() {
            return dir;
        }

        @Override
        public String identifier() {
            return "supervisor";
        }

        @Override
        public boolean stripAnsi() {
            return false;
        }

        @Override
        public boolean stableAutoLogs() {
            return false;
        }

        @Override
        public boolean logChildOutput() {
            return false;
        }

        @Override
        public StdoutMirror mirror() {
            return null;
        }

        @Override
        public void execute(Runnable task) {
            task.run();
        }

        @Override
        public void stateChanged(Subprocess process, Action.StateChanged change) {
        }
    }

    private List<ProcessGroupConfig> groups(String sections) throws Exception {
        Path conf = dir.resolve("supervisord.conf");
        Files.writeString(conf, "[supervisord]\n" + sections);
        return new ConfigLoader(new HostEnvironment(Map.of(), "h", dir, HostChecks.relaxed(dir, "/root"))).read(conf)
                .groups();
    }

    private static final String LISTENER = """
            [eventlistener:%s]
            command=/bin/cat
            events=%s
            stdout_logfile=NONE
            stderr_logfile=NONE
            """;

    @Test
    void noTimerWithoutATickSubscriberAndOneForTheNextBoundaryWithIt() throws Exception {
        FakeDaemon daemon = new FakeDaemon();
        EventHub hub = new EventHub(daemon);
        List<ProcessGroupConfig> gs = groups(LISTENER.formatted("states", "PROCESS_STATE")
                + LISTENER.formatted("ticks", "TICK_60"));
        ProcessGroup states = new ProcessGroup(gs.stream().filter(g -> g.name().equals("states")).findFirst()
                .orElseThrow(), daemon, 1);
        hub.groupAdded(states);
        assertThat(daemon.live()).isEmpty();

        ProcessGroup ticks = new ProcessGroup(gs.stream().filter(g -> g.name().equals("ticks")).findFirst()
                .orElseThrow(), daemon, 2);
        hub.groupAdded(ticks);
        assertThat(daemon.live()).hasSize(1);
        assertThat(daemon.live().getFirst().delay).isEqualTo(Duration.ofMillis(19_801)); // 1020 s, + 1 ms

        daemon.now = Instant.ofEpochSecond(1020, 1_000_000);
        Timer fired = daemon.live().getFirst();
        fired.cancelled = true; // done
        fired.task.run();
        assertThat(hub.pool("ticks").buffered()).extracting(Event::type, Event::payload)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(EventType.TICK_60, "when:1020"));
        assertThat(daemon.live()).hasSize(1);
        assertThat(daemon.live().getFirst().delay).isEqualTo(Duration.ofMillis(60_000));

        hub.groupRemoved("ticks");
        assertThat(daemon.live()).isEmpty();
    }

    @Test
    void anEventSubscriptionTicksEveryFiveSecondsShortestPeriodFirst() throws Exception {
        FakeDaemon daemon = new FakeDaemon();
        EventHub hub = new EventHub(daemon);
        ProcessGroup all = new ProcessGroup(groups(LISTENER.formatted("all", "EVENT")).getFirst(), daemon, 1);
        hub.groupAdded(all);
        assertThat(daemon.live()).singleElement().satisfies(t -> assertThat(t.delay).isEqualTo(Duration.ofMillis(4_801)));
        // a late timer at the minute: TICK_5 then TICK_60, as supervisord's tick() orders them
        daemon.now = Instant.ofEpochSecond(1020, 300_000_000);
        Timer t = daemon.live().getFirst();
        t.cancelled = true;
        t.task.run();
        assertThat(hub.pool("all").buffered()).extracting(Event::payload)
                .containsExactly("groupname:all\n", "when:1020", "when:1020");
        assertThat(hub.pool("all").buffered()).extracting(Event::type).endsWith(EventType.TICK_5, EventType.TICK_60);
        // an early timer changes nothing: the period's slice has not changed
        t = daemon.live().getFirst();
        t.cancelled = true;
        t.task.run();
        assertThat(hub.pool("all").buffered()).hasSize(3);
    }
}
