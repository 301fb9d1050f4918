package io.kupervisor.supervisord;

import io.kupervisor.core.config.LogLevel;
import io.kupervisor.supervisord.control.Control;
import io.kupervisor.supervisord.control.ControlEvent;

import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The subscribers of {@link Control#subscribe}: added and removed from any thread, called on the
 * loop. A subscriber that throws is logged (once per subscription) and kept.
 */
final class Subscribers {
    private final CopyOnWriteArrayList<Entry> entries = new CopyOnWriteArrayList<>();
    private final BiConsumer<LogLevel, String> log;
    /** How many subscriptions want each kind; read by the output pump to decide whether to copy. */
    private final int[] wanting = new int[ControlEvent.Kind.values().length];

    private final class Entry implements Control.Subscription {
        final Set<ControlEvent.Kind> kinds;
        final Consumer<? super ControlEvent> subscriber;
        boolean failed;

        Entry(Set<ControlEvent.Kind> kinds, Consumer<? super ControlEvent> subscriber) {
            this.kinds = kinds;
            this.subscriber = subscriber;
        }

        @Override
        public void close() {
            if (entries.remove(this)) {
                count(kinds, -1);
            }
        }
    }

    Subscribers(BiConsumer<LogLevel, String> log) {
        this.log = log;
    }

    Control.Subscription add(Set<ControlEvent.Kind> kinds, Consumer<? super ControlEvent> subscriber) {
        Entry e = new Entry(kinds.isEmpty() ? Set.of() : EnumSet.copyOf(kinds), subscriber);
        count(e.kinds, 1);
        entries.add(e);
        return e;
    }

    private synchronized void count(Set<ControlEvent.Kind> kinds, int delta) {
        for (ControlEvent.Kind k : kinds) {
            wanting[k.ordinal()] += delta;
        }
    }

    /** Whether a subscription wants events of {@code kind}; any thread. */
    synchronized boolean wants(ControlEvent.Kind kind) {
        return wanting[kind.ordinal()] > 0;
    }

    /** Delivers {@code event} to every subscription of its kind. Loop thread. */
    void publish(ControlEvent event) {
        for (Entry e : entries) {
            if (!e.kinds.contains(event.kind())) {
                continue;
            }
            try {
                e.subscriber.accept(event);
            } catch (RuntimeException ex) {
                if (!e.failed) {
                    e.failed = true;
                    log.accept(LogLevel.ERROR, "kupervisor: a subscriber of the daemon's " + event.kind()
                            + " events failed (said once): " + ex);
                }
            }
        }
    }
}
