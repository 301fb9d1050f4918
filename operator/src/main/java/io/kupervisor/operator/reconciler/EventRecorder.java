package io.kupervisor.operator.reconciler;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kupervisor.api.v1alpha1.SupervisedProgram;
import io.kupervisor.core.config.LogLevel;
import io.kupervisor.operator.config.OperatorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
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
 */
@ApplicationScoped
public class EventRecorder {
    private static final Logger LOG = Logger.getLogger(EventRecorder.class);
    private static final String COMPONENT = "kupervisor-operator";

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

    public void record(SupervisedProgram program, LogLevel level, String message, Instant now) {
        String ns = program.getMetadata().getNamespace();
        boolean warning = level.number() >= LogLevel.WARN.number();
        LOG.logf(warning ? Logger.Level.WARN : level.number() >= LogLevel.INFO.number() ? Logger.Level.INFO : Logger.Level.DEBUG,
                "%s/%s: %s", ns, program.getMetadata().getName(), message);
        // debug lines stay in the operator's log, except the stop signal, which starts STOPPING
        if (!enabled || (level.number() < LogLevel.INFO.number() && !message.startsWith("killing "))) {
            return;
        }
        String time = now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        Event event = new EventBuilder()
                .withNewMetadata()
                .withName(String.format("%s.%012x%08x", program.getMetadata().getName(), now.toEpochMilli(),
                        sequence.incrementAndGet()))
                .withNamespace(ns)
                .endMetadata()
                .withInvolvedObject(new ObjectReferenceBuilder()
                        .withApiVersion(program.getApiVersion())
                        .withKind(program.getKind())
                        .withName(program.getMetadata().getName())
                        .withNamespace(ns)
                        .withUid(program.getMetadata().getUid())
                        .build())
                .withReason(reason(message))
                .withMessage(message)
                .withType(warning ? "Warning" : "Normal")
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

    /** The event reason: the first word of supervisord's line, as a CamelCase word. */
    static String reason(String message) {
        if (message.startsWith("spawned:")) {
            return "Spawned";
        } else if (message.startsWith("success:")) {
            return "Running";
        } else if (message.startsWith("exited:")) {
            return "Exited";
        } else if (message.startsWith("gave up:")) {
            return "GaveUp";
        } else if (message.startsWith("stopped:")) {
            return "Stopped";
        } else if (message.startsWith("spawnerr:")) {
            return "SpawnError";
        } else if (message.startsWith("killing")) {
            return "Killing";
        } else if (message.startsWith("waiting for")) {
            return "Stopping";
        }
        return "Supervisor";
    }
}
