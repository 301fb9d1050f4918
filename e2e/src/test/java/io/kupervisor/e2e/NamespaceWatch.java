package io.kupervisor.e2e;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.kupervisor.api.v1alpha1.ProcessStatus;
import io.kupervisor.api.v1alpha1.SupervisedProgram;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Real watches (the API server's watch protocol, through fabric8) on the SupervisedPrograms and the
 * pods of one namespace, recording every version the server sends, so that a test sees the state
 * machine's results in the order the operator wrote them, and can wait for one.
 */
final class NamespaceWatch implements AutoCloseable {

    /** One version of a program as the watch delivered it. */
    record Seen(Instant at, Watcher.Action action, SupervisedProgram program) {
        Optional<ProcessStatus> process(String name) {
            if (program.getStatus() == null || program.getStatus().processes == null) {
                return Optional.empty();
            }
            return program.getStatus().processes.stream().filter(p -> name.equals(p.name)).findFirst();
        }
    }

    private final String namespace;
    private final Map<String, List<Seen>> programs = new LinkedHashMap<>();
    /** every pod ever seen, by name (its latest version; deleted ones stay, marked) */
    private final Map<String, Pod> pods = new LinkedHashMap<>();
    private final List<String> deletedPods = new ArrayList<>();
    private final Map<String, Instant> podDeletedAt = new LinkedHashMap<>();
    private final List<Watch> watches = new ArrayList<>();

    NamespaceWatch(KubernetesClient client, String namespace) {
        this.namespace = namespace;
        // from the resource version of a list: every change after it, none missed, none replayed
        var programList = client.resources(SupervisedProgram.class).inNamespace(namespace);
        String programsVersion = programList.list().getMetadata().getResourceVersion();
        watches.add(programList.withResourceVersion(programsVersion).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, SupervisedProgram p) {
                record(action, p);
            }

            @Override
            public void onClose(WatcherException cause) {
                System.out.println("e2e: program watch of " + namespace + " closed: " + cause);
            }
        }));
        String podsVersion = client.pods().inNamespace(namespace).list().getMetadata().getResourceVersion();
        watches.add(client.pods().inNamespace(namespace).withResourceVersion(podsVersion).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Pod pod) {
                record(action, pod);
            }

            @Override
            public void onClose(WatcherException cause) {
                System.out.println("e2e: pod watch of " + namespace + " closed: " + cause);
            }
        }));
    }

    private synchronized void record(Watcher.Action action, SupervisedProgram p) {
        programs.computeIfAbsent(p.getMetadata().getName(), k -> new ArrayList<>())
                .add(new Seen(Instant.now(), action, p));
        notifyAll();
    }

    private synchronized void record(Watcher.Action action, Pod pod) {
        pods.put(pod.getMetadata().getName(), pod);
        if (action == Watcher.Action.DELETED) {
            deletedPods.add(pod.getMetadata().getName());
            podDeletedAt.put(pod.getMetadata().getName(), Instant.now());
        }
        notifyAll();
    }

    // ---- programs ----

    /** Every version of {@code program} seen so far. */
    synchronized List<Seen> versions(String program) {
        return List.copyOf(programs.getOrDefault(program, List.of()));
    }

    /** The latest version seen. */
    synchronized SupervisedProgram program(String program) {
        List<Seen> v = programs.get(program);
        return v == null ? null : v.getLast().program();
    }

    /** The latest status of {@code process} seen. */
    ProcessStatus process(String program, String process) {
        List<Seen> v = versions(program);
        return v.isEmpty() ? null : v.getLast().process(process).orElse(null);
    }

    /**
     * The states {@code process} went through in the statuses the operator wrote, consecutive
     * repetitions removed.
     */
    List<String> states(String program, String process) {
        List<String> states = new ArrayList<>();
        for (Seen s : versions(program)) {
            s.process(process).map(p -> p.state).filter(Objects::nonNull).ifPresent(state -> {
                if (states.isEmpty() || !states.getLast().equals(state)) {
                    states.add(state);
                }
            });
        }
        return states;
    }

    /** Waits until the watch delivers a version where {@code process} is in {@code state}; returns that status. */
    ProcessStatus awaitState(String program, String process, String state, Duration within) {
        return awaitProcess(program, process, p -> state.equals(p.state), "state " + state, within);
    }

    ProcessStatus awaitProcess(String program, String process, Predicate<ProcessStatus> condition, String what,
            Duration within) {
        return await(() -> {
            ProcessStatus p = process(program, process);
            return p != null && condition.test(p) ? p : null;
        }, () -> program + "/" + process + ": " + what + "; states seen " + states(program, process)
                + "; last " + describe(process(program, process)), within);
    }

    /** Waits for a version of the program (any process) that satisfies {@code condition}. */
    SupervisedProgram awaitProgram(String program, Predicate<SupervisedProgram> condition, String what,
            Duration within) {
        return await(() -> {
            SupervisedProgram p = program(program);
            return p != null && condition.test(p) ? p : null;
        }, () -> program + ": " + what, within);
    }

    // ---- pods ----

    /** The pods that exist now (seen added, not deleted), in the order they were first seen. */
    synchronized List<Pod> livePods(String program) {
        return pods.values().stream()
                .filter(p -> !deletedPods.contains(p.getMetadata().getName()))
                .filter(p -> program.equals(p.getMetadata().getLabels().get(Kubelet.PROGRAM_LABEL)))
                .toList();
    }

    /** When the watch delivered the deletion of pod {@code name} (null while it exists). */
    synchronized Instant podDeletedAt(String name) {
        return podDeletedAt.get(name);
    }

    /** Every pod of {@code program} ever seen, in the order first seen. */
    synchronized List<Pod> allPods(String program) {
        return pods.values().stream()
                .filter(p -> program.equals(p.getMetadata().getLabels().get(Kubelet.PROGRAM_LABEL)))
                .toList();
    }

    /** Waits for the pod of spawn {@code spawn} of {@code process}. */
    Pod awaitPod(String program, String process, long spawn, Duration within) {
        return await(() -> allPods(program).stream()
                .filter(p -> process.equals(Kubelet.process(p)) && Kubelet.spawn(p) == spawn)
                .findFirst().orElse(null),
                () -> program + "/" + process + ": pod of spawn " + spawn + "; pods seen "
                        + allPods(program).stream().map(p -> p.getMetadata().getName() + "(" + Kubelet.process(p)
                                + "#" + Kubelet.spawn(p) + ")").toList(), within);
    }

    /** Waits until {@code value} gives non-null, re-evaluated on every watch event (and at least every 200 ms). */
    synchronized <T> T await(Supplier<T> value, Supplier<String> what, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            T v = value.get();
            if (v != null) {
                return v;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("in " + namespace + ", not seen within " + within + ": " + what.get());
            }
            try {
                wait(Math.max(1, Math.min(200, left / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    static String describe(ProcessStatus p) {
        return p == null ? "none" : p.name + " " + p.state + " \"" + p.description + "\" pod=" + p.pod
                + " spawns=" + p.spawns + " backoff=" + p.backoff;
    }

    @Override
    public void close() {
        watches.forEach(Watch::close);
    }
}
