package io.kupervisor.supervisord.events;

import io.kupervisor.core.config.GroupKind;
import io.kupervisor.core.config.LogLevel;
import io.kupervisor.core.config.ProcessGroupConfig;
import io.kupervisor.core.state.Action;
import io.kupervisor.core.state.ProcessState;
import io.kupervisor.supervisord.io.PipeWriter;
import io.kupervisor.supervisord.process.Daemon;
import io.kupervisor.supervisord.process.EventHooks;
import io.kupervisor.supervisord.process.ProcessGroup;
import io.kupervisor.supervisord.process.Subprocess;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;

/**
 * supervisord's {@code events.notify} and its listener pools, on the daemon's loop: every event
 * the daemon emits goes through {@link #notify}, to each pool subscribed to its type (or a
 * supertype), which buffers it and sends it to a READY listener. Nothing here waits: listeners'
 * stdin pipes are written without blocking and their answers come back through the output pump.
 * TICK events come from one timer set for the next period boundary, and only while some pool
 * subscribes to a TICK; an idle daemon without one never wakes for events.
 *
 * <p>Loop thread only, except the {@link EventHooks} methods called from the output pump, which
 * hand their work to the loop.
 */
public final class EventHub implements EventHooks {
    private final Daemon daemon;
    /** supervisord's GlobalSerial lives as long as its process, across reloads: so does this. */
    private final EventListenerPool.GlobalSerial globalSerial = new EventListenerPool.GlobalSerial();
    private final List<Subscription> subscriptions = new ArrayList<>();
    private final Map<String, EventListenerPool> pools = new LinkedHashMap<>();
    private final Map<Subprocess, ListenerMember> members = new IdentityHashMap<>();
    private final Map<Integer, Long> lastTick = new LinkedHashMap<>();
    private ScheduledFuture<?> tickTimer;

    private record Subscription(EventType type, EventListenerPool pool) {
    }

    public EventHub(Daemon daemon) {
        this.daemon = daemon;
    }

    /** supervisord's {@code events.clear()} at each (re)start: no pool, no subscription, no tick. */
    public void reset() {
        subscriptions.clear();
        pools.clear();
        members.clear();
        updateTicks();
    }

    /** Delivers {@code event} to every subscribed pool, then lets them send what they can. */
    public void notify(Event event) {
        Set<EventListenerPool> touched = new LinkedHashSet<>();
        for (Subscription s : List.copyOf(subscriptions)) {
            if (event.type().isA(s.type())) {
                s.pool().accept(event, false);
                touched.add(s.pool());
            }
        }
        touched.forEach(EventListenerPool::dispatch);
    }

    /** The pool of a group, or null. */
    public EventListenerPool pool(String group) {
        return pools.get(group);
    }

    /** A listener process's protocol state, or null when it is no listener or never ran. */
    public ListenerState listenerState(Subprocess p) {
        ListenerMember m = members.get(p);
        return m == null || m.protocol == null ? null : m.protocol.state();
    }

    // ---- what the daemon reports ----

    /** A group was added: a listener pool subscribes first, then PROCESS_GROUP_ADDED (it hears its own). */
    public void groupAdded(ProcessGroup group) {
        ProcessGroupConfig c = group.config();
        if (c.kind() == GroupKind.EVENT_LISTENER_POOL) {
            List<EventType> types = c.events().stream().map(EventType::named).toList();
            EventListenerPool pool = new EventListenerPool(c.name(), c.bufferSize(), types, daemon.identifier(),
                    globalSerial, daemon::log);
            for (Subprocess p : group.processes()) {
                ListenerMember m = new ListenerMember(p, pool);
                pool.add(m);
                members.put(p, m);
            }
            pools.put(c.name(), pool);
            types.forEach(t -> subscriptions.add(new Subscription(t, pool)));
            updateTicks();
        }
        notify(Event.processGroup(true, c.name()));
    }

    /** A group was removed: its pool unsubscribes first, then PROCESS_GROUP_REMOVED. */
    public void groupRemoved(String name) {
        EventListenerPool pool = pools.remove(name);
        if (pool != null) {
            subscriptions.removeIf(s -> s.pool() == pool);
            members.values().removeIf(m -> m.pool == pool);
            updateTicks();
        }
        notify(Event.processGroup(false, name));
    }

    /** A process changed state: PROCESS_STATE_*; a listener entering RUNNING may be sent events now. */
    public void stateChanged(Subprocess p, Action.StateChanged c) {
        notify(Event.processState(p.name(), p.config().groupName(), c.from(), c.to(), c.expected(), c.pid(), c.tries()));
        ListenerMember m = members.get(p);
        if (m != null && c.to() == ProcessState.RUNNING) {
            m.pool.dispatch();
        }
    }

    /** SUPERVISOR_STATE_CHANGE_RUNNING (after the groups are added) or _STOPPING (shutdown or reload began). */
    public void supervisorState(boolean running) {
        notify(Event.supervisorState(running));
    }

    /** {@code sendRemoteCommEvent}. */
    public void remoteCommunication(String type, String data) {
        notify(Event.remoteCommunication(type, data));
    }

    // ---- EventHooks: from processes ----

    @Override
    public void logged(Subprocess p, long pid, String channel, byte[] data) {
        daemon.execute(() -> notify(Event.processLog(p.name(), p.config().groupName(), pid, channel, data)));
    }

    @Override
    public void communicated(Subprocess p, long pid, String channel, byte[] data) {
        daemon.execute(() -> {
            notify(Event.processCommunication(p.name(), p.config().groupName(), pid, channel, data));
            daemon.log(LogLevel.DEBUG, io.kupervisor.core.config.dialect.PyRepr.repr(p.name()) + " " + channel
                    + " emitted a comm event");
        });
    }

    @Override
    public void listenerOutput(Subprocess p, long pid, byte[] data) {
        daemon.execute(() -> {
            ListenerMember m = members.get(p);
            if (m != null && m.pid == pid && m.protocol != null) {
                m.protocol.feed(data);
            }
        });
    }

    @Override
    public void listenerSpawned(Subprocess p, long pid) {
        ListenerMember m = members.get(p);
        if (m != null) {
            m.spawned(pid);
        }
    }

    @Override
    public void listenerReaped(Subprocess p) {
        ListenerMember m = members.get(p);
        if (m == null || m.protocol == null) {
            return;
        }
        // supervisord's finish(): an event sent and not answered goes back to the pool
        Event unanswered = m.protocol.takeUnanswered();
        if (unanswered != null) {
            m.pool.rejected(unanswered);
            m.pool.dispatch();
        }
    }

    // ---- TICK_5/60/3600 ----

    private static long timeslice(int period, Instant now) {
        long s = now.getEpochSecond();
        return s - Math.floorMod(s, period);
    }

    private boolean subscribed(int period) {
        EventType tick = EventType.tick(period);
        return subscriptions.stream().anyMatch(s -> tick.isA(s.type()));
    }

    /** One timer, for the next boundary of a period some pool subscribes to; none otherwise. */
    private void updateTicks() {
        Instant now = daemon.now();
        boolean any = false;
        for (int period : EventType.TICK_PERIODS) {
            if (subscribed(period)) {
                any = true;
                lastTick.putIfAbsent(period, timeslice(period, now));
            } else {
                lastTick.remove(period);
            }
        }
        if (tickTimer != null) {
            tickTimer.cancel(false);
            tickTimer = null;
        }
        if (any) {
            scheduleTick(now);
        }
    }

    private void scheduleTick(Instant now) {
        long next = Long.MAX_VALUE;
        for (int period : lastTick.keySet()) {
            next = Math.min(next, timeslice(period, now) + period);
        }
        // a millisecond past the boundary: the clock and the timer differ in grain
        Duration delay = Duration.between(now, Instant.ofEpochSecond(next)).plusMillis(1);
        tickTimer = daemon.schedule(this::tick, delay.isNegative() ? Duration.ZERO : delay);
    }

    /** supervisord's {@code tick()}: every period whose slice changed, shortest first. */
    private void tick() {
        Instant now = daemon.now();
        for (int period : EventType.TICK_PERIODS) {
            Long last = lastTick.get(period);
            if (last == null) {
                continue;
            }
            long slice = timeslice(period, now);
            if (slice != last) {
                lastTick.put(period, slice);
                notify(Event.tick(period, slice));
            }
        }
        if (!lastTick.isEmpty()) {
            scheduleTick(now);
        }
    }

    /** A listener process in its pool, with its protocol and stdin for the current spawn. */
    private final class ListenerMember implements EventListenerPool.Member {
        final Subprocess process;
        final EventListenerPool pool;
        ListenerProtocol protocol;
        PipeWriter stdin;
        long pid;

        ListenerMember(Subprocess process, EventListenerPool pool) {
            this.process = process;
            this.pool = pool;
        }

        void spawned(long newPid) {
            pid = newPid;
            int fd = process.stdinFd();
            stdin = new PipeWriter(fd, daemon.pump(), daemon::execute, () -> process.stdinFd() == fd);
            protocol = new ListenerProtocol(process.name(), new ListenerProtocol.Listener() {
                @Override
                public void log(LogLevel level, String message) {
                    daemon.log(level, message);
                }

                @Override
                public void rejected(Event event) {
                    pool.rejected(event);
                }

                @Override
                public void ready() {
                    pool.dispatch();
                }
            });
        }

        @Override
        public String name() {
            return process.name();
        }

        @Override
        public boolean running() {
            return process.state() == ProcessState.RUNNING;
        }

        @Override
        public ListenerProtocol protocol() {
            return protocol;
        }

        @Override
        public boolean send(byte[] envelope) {
            return stdin != null && stdin.write(envelope);
        }
    }
}
