package io.kupervisor.operator.reconciler;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kupervisor.api.v1alpha1.SupervisedProgram;
import io.kupervisor.core.config.LogLevel;
import io.kupervisor.core.state.LogMessage;
import io.kupervisor.operator.config.OperatorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes supervisord's main-log lines as Kubernetes Events on the program, so that
 * {@code kubectl describe sprog} tells the story a supervisord log tells. The same line goes to the
 * operator's log. Events are written by one background thread, in order, off the reconcile path
 * (an Event is a courtesy: a reconcile never waits for one, and a flood is dropped, not queued
 * without bound).
 *
 * <p>Repeats are aggregated as the Kubernetes event recorder does: the same line again within
 * {@link #SERIES_WINDOW} raises its Event's count (kubectl describe: {@code x5 over 3m}); past
 * {@link #SIMILAR_LIMIT} lines of one reason in that window (a crash loop's spawned/exited lines,
 * each naming a new pod) they go into one {@code (combined from similar events)} Event whose count
 * and message follow the latest. A program that crashes forever writes a bounded number of Events.
 */
@ApplicationScoped
public class EventRecorder {
    private static final Logger LOG = Logger.getLogger(EventRecorder.class);
    private static final String COMPONENT = "kupervisor-operator";

    /** How long a series stays open (client-go's event correlator: 10 minutes). */
    static final java.time.Duration SERIES_WINDOW = java.time.Duration.ofMinutes(10);
    /** Lines of one reason in a window before they are combined (client-go's: 10). */
    static final int SIMILAR_LIMIT = 10;
    /** Series remembered at once; the least recently used is forgotten (then a new Event starts). */
    private static final int MAX_SERIES = 4096;

    /** One Event being counted: its name, how many, since when. */
    private static final class Series {
        final String name;
        final Instant first;
        int count;

        Series(String name, Instant first) {
            this.name = name;
            this.first = first;
        }
    }

    private final Map<String, Series> series = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Series> eldest) {
            return size() > MAX_SERIES;
        }
    };
    private final KubernetesClient client;
    private final boolean enabled;
    private final AtomicLong sequence = new AtomicLong();
    private final ThreadPoolExecutor writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(10_000), r -> {
                Thread t = new Thread(r, "kupervisor-events");
                t.setDaemon(true);
                return t;
            }, (r, ex) -> LOG.warn("event queue full: an event was dropped"));

    public EventRecorder(KubernetesClient client, OperatorConfig config) {
        this.client = client;
        this.enabled = config.events();
    }

    /**
     * A line of the state machine: its reason follows from what the line is ({@link #reason(LogMessage)}),
     * its text names pids the way {@code pids} says (the operator's are pods).
     */
    public void record(SupervisedProgram program, LogLevel level, LogMessage message, LogMessage.Pids pids,
            Instant now) {
        record(program, level, reason(message), message.text(pids), now);
    }

    /** A line of the operator's own ({@code updated:}, {@code removed:}, {@code invalid spec:}, {@code restart churn:}). */
    public void record(SupervisedProgram program, LogLevel level, String message, Instant now) {
        record(program, level, reason(message), message, now);
    }

    private void record(SupervisedProgram program, LogLevel level, String reason, String message, Instant now) {
        String ns = program.getMetadata().getNamespace();
        boolean warning = level.number() >= LogLevel.WARN.number();
        LOG.logf(warning ? Logger.Level.WARN : level.number() >= LogLevel.INFO.number() ? Logger.Level.INFO : Logger.Level.DEBUG,
                "%s/%s: %s", ns, program.getMetadata().getName(), message);
        // debug lines stay in the operator's log, except the stop signal, which starts STOPPING
        if (!enabled || (level.number() < LogLevel.INFO.number() && !"Killing".equals(reason))) {
            return;
        }
        String time = now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        String type = warning ? "Warning" : "Normal";
        String uid = program.getMetadata().getUid();
        String name = program.getMetadata().getName();
        String key = uid + "\u0000" + type + "\u0000" + reason;
        Series counted;
        boolean fresh;
        String text = message;
        synchronized (series) {
            counted = current(key + "\u0000" + message, now);
            fresh = counted == null;
            if (fresh) {
                Series similar = current("similar\u0000" + key, now);
                if (similar == null) {
                    similar = start("similar\u0000" + key, null, now);
                }
                similar.count++;
                if (similar.count > SIMILAR_LIMIT) {
                    text = "(combined from similar events): " + message;
                    counted = current("combined\u0000" + key, now);
                    fresh = counted == null;
                    if (fresh) {
                        counted = start("combined\u0000" + key, eventName(name, now), now);
                    }
                } else {
                    counted = start(key + "\u0000" + message, eventName(name, now), now);
                }
            }
            counted.count++;
        }
        if (!fresh) {
            String patch = "{\"count\":" + counted.count + ",\"lastTimestamp\":\"" + time + "\",\"message\":"
                    + io.fabric8.kubernetes.client.utils.Serialization.asJson(text) + "}";
            String existing = counted.name;
            writer.execute(() -> {
                try {
                    // resource(...): fabric8 patches the object it is given; withName(...) would read it first
                    Event target = new EventBuilder().withNewMetadata().withName(existing).withNamespace(ns).endMetadata()
                            .build();
                    client.v1().events().inNamespace(ns).resource(target)
                            .patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                                    io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE), patch);
                } catch (RuntimeException e) {
                    LOG.debugf("event not updated: %s", e.getMessage());
                }
            });
            return;
        }
        String eventName = counted.name;
        Event event = new EventBuilder()
                .withNewMetadata()
                .withName(eventName)
                .withNamespace(ns)
                .endMetadata()
                .withInvolvedObject(new ObjectReferenceBuilder()
                        .withApiVersion(program.getApiVersion())
                        .withKind(program.getKind())
                        .withName(program.getMetadata().getName())
                        .withNamespace(ns)
                        .withUid(program.getMetadata().getUid())
                        .build())
                .withReason(reason)
                .withMessage(text)
                .withType(type)
                .withFirstTimestamp(time)
                .withLastTimestamp(time)
                .withCount(1)
                .withNewSource().withComponent(COMPONENT).endSource()
                .withReportingComponent(COMPONENT)
                .build();
        writer.execute(() -> {
            try {
                client.v1().events().inNamespace(ns).resource(event).create();
            } catch (RuntimeException e) {
                LOG.debugf("event not written: %s", e.getMessage());
            }
        });
    }

    /** The open series of {@code key}, or null when there is none or its window has passed. Under the lock. */
    private Series current(String key, Instant now) {
        Series s = series.get(key);
        return s == null || now.isAfter(s.first.plus(SERIES_WINDOW)) ? null : s;
    }

    private Series start(String key, String eventName, Instant now) {
        Series s = new Series(eventName, now);
        series.put(key, s);
        return s;
    }

    private String eventName(String object, Instant now) {
        return String.format("%s.%012x%08x", object, now.toEpochMilli(), sequence.incrementAndGet());
    }

    /** Writes what is queued (for a short while) and stops the writer. */
    @jakarta.annotation.PreDestroy
    void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until every event recorded so far is written (tests, shutdown). */
    public void awaitIdle() {
        try {
            writer.submit(() -> { }).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.debugf("events not flushed: %s", e.getMessage());
        }
    }

    /** The event reason of a state machine line: what it reports, as a CamelCase word. */
    static String reason(LogMessage message) {
        return switch (message) {
            case LogMessage.Spawned _ -> "Spawned";
            case LogMessage.Success _ -> "Running";
            case LogMessage.Exited _ -> "Exited";
            case LogMessage.GaveUp _ -> "GaveUp";
            case LogMessage.Stopped _ -> "Stopped";
            case LogMessage.SpawnError _ -> "SpawnError";
            case LogMessage.Killing _ -> "Killing";
            case LogMessage.KillingWithSigkill _ -> "Killing";
            case LogMessage.WaitingToStop _ -> "Stopping";
            case LogMessage.AlreadyRunning _ -> "Supervisor";
            case LogMessage.StopInBackoff _ -> "Supervisor";
            case LogMessage.SignalNotRunning _ -> "Supervisor";
            case LogMessage.SendingSignal _ -> "Supervisor";
            case LogMessage.SignalFailed _ -> "Supervisor";
        };
    }

    /** The event reason of one of the operator's own lines, by its first words. */
    static String reason(String message) {
        if (message.startsWith("updated:")) {
            return "Updated";
        } else if (message.startsWith("removed:")) {
            return "Removed";
        } else if (message.startsWith("invalid spec:")) {
            return "InvalidSpec";
        } else if (message.startsWith("restart churn:")) {
            return "RestartChurn";
        }
        return "Supervisor";
    }
}
