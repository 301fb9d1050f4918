package io.kupervisor.operator.reconciler;

import io.fabric8.kubernetes.api.model.Pod;
import io.kupervisor.api.resolve.ResolvedProcess;
import io.kupervisor.api.resolve.ResolvedProgram;
import io.kupervisor.api.resolve.SpecException;
import io.kupervisor.api.v1alpha1.ProcessStatus;
import io.kupervisor.api.v1alpha1.RunState;
import io.kupervisor.api.v1alpha1.SupervisedProgram;
import io.kupervisor.api.v1alpha1.SupervisedProgramStatus;
import io.kupervisor.core.config.LogLevel;
import io.kupervisor.core.state.Action;
import io.kupervisor.core.state.ExitStatus;
import io.kupervisor.core.state.LifecycleRules;
import io.kupervisor.core.state.LogMessage;
import io.kupervisor.core.state.Outcome;
import io.kupervisor.core.state.ProcessDriver;
import io.kupervisor.core.state.ProcessEvent;
import io.kupervisor.core.state.ProcessLifecycle;
import io.kupervisor.core.state.ProcessSnapshot;
import io.kupervisor.core.state.ProcessState;
import io.kupervisor.core.state.Signals;
import io.kupervisor.core.state.Transition;
import io.kupervisor.operator.pod.PodFactory;
import io.kupervisor.operator.pod.PodNames;
import io.kupervisor.operator.pod.PodObservation;
import io.kupervisor.operator.pod.ProcessPods;
import io.kupervisor.operator.reconciler.ProcessEntry.AfterStop;
import io.kupervisor.operator.status.SnapshotCodec;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One reconcile of one program: the driver of the core state machine for pods. It turns what the
 * pods say into events (container running: Spawned; terminated: Exited; cannot start: SpawnFailed),
 * adds the timers that are due and the commands the resource expresses (run state, restart
 * annotation, changed spec), feeds them to {@link ProcessLifecycle} through core's {@link ProcessDriver}
 * and performs the actions it returns (Spawn: create a pod; stop signal: delete with grace
 * stopwaitsecs, which the pod's init passes on as the stopsignal; SIGKILL: the kubelet's own at the
 * end of that grace, never a force delete; Log: an Event). It never decides a transition itself.
 *
 * <p>Around the state machine it adds what a cluster needs and supervisord never met: pod
 * creations the cluster refuses for now are retried with a growing delay (no start retry spent);
 * a process that keeps crashing after RUNNING is respawned with a growing delay once it has
 * restarted {@link #FREE_RESTARTS} times (restart churn); a changed spec replaces one RUNNING
 * process at a time; what the cluster does to a pod (unschedulable, waiting for its image, a node
 * that no longer answers, an eviction) is said in the process's status.
 */
final class ProgramDriver {
    /** How long a created pod may stay out of the informer's cache before it is created again. */
    private static final Duration CREATE_RETRY = Duration.ofSeconds(5);
    /** Kubernetes reports container times in whole seconds. */
    private static final Duration TIME_RESOLUTION = Duration.ofMillis(999);
    /** Respawns after exits from RUNNING that go at once, as supervisord's; later ones wait. */
    static final int FREE_RESTARTS = 5;
    /** The first churn delay, doubled for each further restart, up to {@link #MAX_DELAY}. */
    static final Duration FIRST_CHURN_DELAY = Duration.ofSeconds(10);
    /** A run this long ends the churn: the restart count starts again. */
    static final Duration STABLE_RUN = Duration.ofMinutes(10);
    /** The cap of every growing delay (churn, refused creations), as the kubelet's CrashLoopBackOff. */
    static final Duration MAX_DELAY = Duration.ofMinutes(5);
    /** How long past its grace period a deleting pod may stay before the status calls it unconfirmed. */
    static final Duration UNCONFIRMED_AFTER = Duration.ofSeconds(30);

    private final SupervisedProgram program;
    private final ProgramRuntime runtime;
    private final Instant now;
    private final Deps deps;
    private final ProcessPods pods;
    private ResolvedProgram resolved;
    private Instant retryAt;

    /** What a driver needs from the operator. */
    record Deps(PodActions pods, PodFactory podFactory, EventRecorder events, OperatorMetrics metrics, ZoneId zone) {
    }

    /** The result of one reconcile: the status to write and when to come back. */
    record Result(SupervisedProgramStatus status, Optional<Instant> wakeAt) {
    }

    ProgramDriver(SupervisedProgram program, ProgramRuntime runtime, Collection<Pod> pods, Instant now, Deps deps) {
        this.program = program;
        this.runtime = runtime;
        this.now = now;
        this.deps = deps;
        this.pods = new ProcessPods(pods);
    }

    /** Restores a program's runtime from its status (after an operator restart), or starts a new one. */
    static ProgramRuntime restore(SupervisedProgram program) {
        ProgramRuntime r = new ProgramRuntime();
        SupervisedProgramStatus status = program.getStatus();
        Map<String, String> annotations = program.getMetadata().getAnnotations();
        if (status == null || status.appliedState == null) {
            // first sight: the annotation present at creation is not a restart request
            r.restartedAt = annotations == null ? null : annotations.get(SupervisedProgram.RESTART_ANNOTATION);
            return r;
        }
        r.appliedState = status.appliedState;
        r.restartedAt = status.restartedAt;
        r.budget = status.disruptionBudget;
        for (ProcessStatus ps : status.processes) {
            ProcessEntry e = new ProcessEntry(ps.name, LifecycleRules.defaults(ps.name), SnapshotCodec.read(ps),
                    ps.spawns == null ? 0 : ps.spawns, ps.configHash);
            e.afterStop = ps.pendingAfterStop == null ? null : AfterStop.valueOf(ps.pendingAfterStop);
            e.recentRestarts = ps.recentRestarts == null ? 0 : ps.recentRestarts;
            e.podCondition = ps.podCondition;
            e.respawnAt = ps.respawnAt == null ? null : Instant.parse(ps.respawnAt);
            e.createRetries = ps.createRetries == null ? 0 : ps.createRetries;
            e.createRetry = ps.createRetry;
            // a status written before processes were held one by one: spec.state held them all
            e.held = Boolean.TRUE.equals(ps.heldStopped) || "stopped".equals(status.appliedState);
            e.restartedAt = ps.restartedAt;
            r.processes.put(ps.name, e);
        }
        return r;
    }

    Result run() {
        List<String> problems = List.of();
        try {
            resolved = io.kupervisor.api.resolve.ProgramResolver.resolve(program);
        } catch (SpecException e) {
            problems = e.problems();
        }
        if (resolved != null) {
            adoptRules();
        }
        for (ProcessEntry e : List.copyOf(runtime.processes.values())) {
            observe(e);
            timers(e);
        }
        if (resolved != null) {
            commands();
        }
        for (ProcessEntry e : runtime.processes.values()) {
            cleanupPods(e);
        }
        removeOrphanPods();
        return new Result(status(problems), wakeAt());
    }

    // ---- rules and entries ----

    /** Gives every current process its rules; new processes start as never started (STOPPED). */
    private void adoptRules() {
        for (ResolvedProcess p : resolved.processes()) {
            ProcessEntry e = runtime.processes.get(p.name());
            if (e == null) {
                runtime.processes.put(p.name(), new ProcessEntry(p.name(), p.rules(), ProcessSnapshot.initial(), 0,
                        resolved.configHash()));
            } else if (e.configHash == null || e.configHash.equals(resolved.configHash())) {
                e.rules = p.rules();
                e.configHash = resolved.configHash();
            } else if (e.afterStop != AfterStop.UPDATE) {
                // changed: stopped with the new stop settings (the old ones are not kept), then replaced
                e.rules = p.rules();
                e.afterStop = AfterStop.UPDATE;
            }
        }
    }

    private ResolvedProcess resolvedProcess(String name) {
        return resolved == null ? null
                : resolved.processes().stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
    }

    // ---- events from pods ----

    private void observe(ProcessEntry e) {
        ProcessSnapshot s = e.snapshot;
        e.unconfirmed = false;
        if (s.spawnPending()) {
            e.podCondition = null;
            Pod pod = pod(e.name, e.spawns);
            if (pod == null) {
                Instant due = e.dueToCreate();
                if (due != null && now.isBefore(due)) {
                    // a delayed respawn (churn) or a creation the cluster refused for now
                    retryAt = earliest(retryAt, due);
                    e.podCondition = delayed(e);
                    return;
                }
                if (!e.podCreated || s.startedAt() == null || now.isAfter(s.startedAt().plus(CREATE_RETRY))) {
                    createPod(e, now).ifPresent(answer -> feed(e, answer, now));
                }
                return;
            }
            e.podCreated = true;
            PodObservation o = PodObservation.of(pod, argv0(e));
            if (o.spawnFailure().isPresent()) {
                // the pod would retry forever (image pulls); the state machine decides the retries
                deletePod(pod, 1);
                deps.metrics().spawnFailed();
                feed(e, new ProcessEvent.SpawnFailed(o.spawnFailure().get()), now);
                return;
            }
            e.podCondition = o.waiting().or(o::disruption).orElse(null);
            if (o.startedAt().isPresent()) {
                Instant started = reported(o.startedAt().get(), s.startedAt());
                feed(e, new ProcessEvent.Spawned(e.spawns), started);
                o.exit().ifPresent(x -> feed(e, new ProcessEvent.Exited(e.spawns, x.status()), reported(x.at(), started)));
            }
            return;
        }
        if (s.pid() == 0) {
            return;
        }
        Pod pod = pod(e.name, s.pid());
        if (pod == null) {
            // deleted (by us with a signal, or by someone): it died of the last signal sent, else SIGKILL
            int sig = e.lastSignal != 0 ? e.lastSignal : Signals.SIGKILL;
            exitFromRunning(e);
            feed(e, new ProcessEvent.Exited(s.pid(), new ExitStatus.Signaled(sig)), now);
            return;
        }
        PodObservation o = PodObservation.of(pod, argv0(e));
        Optional<String> unconfirmed = unconfirmed(pod);
        e.unconfirmed = unconfirmed.isPresent();
        e.podCondition = unconfirmed.or(o::disruption).orElse(null);
        o.exit().ifPresent(x -> {
            x.reason().ifPresent(r -> e.podCondition = r);
            exitFromRunning(e);
            feed(e, new ProcessEvent.Exited(s.pid(), x.status()), reported(x.at(), s.startedAt()));
        });
    }

    /**
     * A pod whose deletion its node has not confirmed long after its grace period: the node is
     * unreachable (or its kubelet stopped). The process may still run there, so it is not replaced
     * (never two copies) until the pod is gone: the node comes back, or a person deletes the pod
     * with --force once the node is known to be down.
     */
    private Optional<String> unconfirmed(Pod pod) {
        var meta = pod.getMetadata();
        if (meta.getDeletionTimestamp() == null) {
            return Optional.empty();
        }
        Instant deadline;
        try {
            // the deletion timestamp is when the grace period ends
            deadline = Instant.parse(meta.getDeletionTimestamp());
        } catch (java.time.format.DateTimeParseException ex) {
            return Optional.empty();
        }
        Instant suspicious = deadline.plus(UNCONFIRMED_AFTER);
        if (now.isBefore(suspicious)) {
            retryAt = earliest(retryAt, suspicious);
            return Optional.empty();
        }
        String node = pod.getSpec() == null || pod.getSpec().getNodeName() == null ? "its node" : "node " + pod.getSpec().getNodeName();
        return Optional.of("pod " + meta.getName() + " not confirmed stopped by " + node + " since " + deadline
                + " (node unreachable?): the process is replaced once the pod is gone; if the node is down for good, "
                + "kubectl delete pod " + meta.getName() + " --force");
    }

    /** Notes an exit from RUNNING: its respawn counts as restart churn (a run of STABLE_RUN starts over). */
    private void exitFromRunning(ProcessEntry e) {
        if (e.snapshot.state() != ProcessState.RUNNING) {
            return;
        }
        if (e.snapshot.startedAt() != null && !now.isBefore(e.snapshot.startedAt().plus(STABLE_RUN))) {
            e.recentRestarts = 0;
        }
        e.restartNext = true;
    }

    /**
     * The instant of a container time that Kubernetes truncated to the second: the latest instant
     * consistent with the report and with having seen it by now, and not before {@code floor} (the
     * event it follows). A BACKOFF delay is then never shorter than supervisord's.
     */
    private Instant reported(Instant truncated, Instant floor) {
        Instant t = truncated.plus(TIME_RESOLUTION);
        if (t.isAfter(now)) {
            t = now;
        }
        return floor != null && t.isBefore(floor) ? floor : t;
    }

    private void timers(ProcessEntry e) {
        Optional<Instant> due = e.snapshot.nextDeadline();
        if (due.isPresent() && !due.get().isAfter(now)) {
            feed(e, new ProcessEvent.TimerDue(), now);
        }
    }

    // ---- commands from the resource ----

    private void commands() {
        boolean allStopped = program.getSpec().state == RunState.STOPPED;
        runtime.appliedState = allStopped ? "stopped" : "running";
        Set<String> listed = program.getSpec().stoppedProcesses == null ? Set.of()
                : new HashSet<>(program.getSpec().stoppedProcesses);
        Map<String, String> annotations = program.getMetadata().getAnnotations() == null ? Map.of()
                : program.getMetadata().getAnnotations();
        String restart = annotations.get(SupervisedProgram.RESTART_ANNOTATION);
        boolean restartAll = restart != null && !restart.equals(runtime.restartedAt);
        if (restart != null) {
            runtime.restartedAt = restart;
        }

        List<ProcessEntry> entries = new ArrayList<>(runtime.processes.values());
        for (ProcessEntry e : entries) {
            // a replacement is over once the new process left STARTING/BACKOFF (RUNNING, FATAL, stopped)
            if (e.replacing && e.snapshot.state() != ProcessState.STARTING && e.snapshot.state() != ProcessState.BACKOFF) {
                e.replacing = false;
            }
        }
        for (ProcessEntry e : entries) {
            ResolvedProcess p = resolvedProcess(e.name);
            if (p == null) {
                removeProcess(e);
                continue;
            }
            boolean held = allStopped || listed.contains(e.name);
            String own = SupervisedProgram.processRestartAnnotation(e.name).map(annotations::get).orElse(null);
            if (e.held == null) {
                // first sight (a new program, or a process added): where the spec stands is no request
                e.held = held;
                e.restartedAt = own;
            }
            boolean restartOne = own != null && !own.equals(e.restartedAt);
            if (own != null) {
                e.restartedAt = own;
            }
            if (held && !e.held) {
                // supervisorctl stop of this process; the others are left alone
                feed(e, new ProcessEvent.StopRequested(), now);
                if (e.afterStop == AfterStop.RESTART) {
                    e.afterStop = null;
                }
            } else if (!held && e.held) {
                start(e);
            }
            e.held = held;
            if (restartOne && held) {
                deps.events().record(program, LogLevel.WARN, "not restarted: " + e.name + " is held stopped ("
                        + (allStopped ? "spec.state stopped" : "spec.stoppedProcesses") + ")", now);
            } else if ((restartAll || restartOne) && !held) {
                // supervisorctl restart: stop (if running), then start
                if (e.snapshot.state().isRunning() || e.snapshot.state() == ProcessState.STOPPING) {
                    feed(e, new ProcessEvent.StopRequested(), now);
                    if (e.afterStop == null) {
                        e.afterStop = AfterStop.RESTART;
                    }
                } else if (e.afterStop == null) {
                    feed(e, new ProcessEvent.StartRequested(), now);
                }
            }
            if (e.afterStop == AfterStop.UPDATE && (e.snapshot.state() != ProcessState.RUNNING || !rolling(entries))) {
                // one RUNNING process at a time is replaced; the others keep running meanwhile
                update(e, p);
            }
            if (e.afterStop == AfterStop.RESTART && e.snapshot.state().isStopped()) {
                e.afterStop = null;
                feed(e, new ProcessEvent.StartRequested(), now);
            }
            if (!held) {
                // applies once: a process that was ever started ignores it
                feed(e, new ProcessEvent.AutostartDue(), now);
            }
        }
    }

    /**
     * supervisorctl start of a process no longer held stopped. One still STOPPING starts once it
     * has stopped (supervisorctl would answer "abnormal termination"; the spec wants it running).
     */
    private void start(ProcessEntry e) {
        if (e.afterStop != null) {
            return;
        }
        if (e.snapshot.state() == ProcessState.STOPPING) {
            e.afterStop = AfterStop.RESTART;
        } else {
            feed(e, new ProcessEvent.StartRequested(), now);
        }
    }

    /**
     * Whether a replacement is under way: a process of the update not RUNNING yet (stopping, or
     * replaced and starting). A RUNNING process waits for it, so a spec change takes one process
     * at a time out of service.
     */
    private static boolean rolling(List<ProcessEntry> entries) {
        for (ProcessEntry x : entries) {
            if (x.replacing || x.afterStop == AfterStop.UPDATE && x.snapshot.state() != ProcessState.RUNNING) {
                return true;
            }
        }
        return false;
    }

    /** supervisorctl update for a changed program: stop it, then replace it by the new one. */
    private void update(ProcessEntry e, ResolvedProcess p) {
        if (e.snapshot.state().isRunning()) {
            feed(e, new ProcessEvent.StopRequested(), now);
        }
        if (e.snapshot.state().isStopped()) {
            if (e.snapshot.state() != ProcessState.STOPPED || e.snapshot.everStarted()) {
                deps.events().record(program, LogLevel.INFO, "updated: " + e.name
                        + " (configuration changed; replaced as supervisorctl update does)", now);
            }
            e.rules = p.rules();
            e.snapshot = ProcessSnapshot.initial();
            e.configHash = resolved.configHash();
            e.afterStop = null;
            e.lastSignal = 0;
            e.recentRestarts = 0;
            e.restartNext = false;
            e.replacing = true;
        }
    }

    /** A process no longer in the spec (numprocs lowered, renamed): stopped, then forgotten. */
    private void removeProcess(ProcessEntry e) {
        if (e.snapshot.state().isRunning()) {
            feed(e, new ProcessEvent.StopRequested(), now);
        }
        if (e.snapshot.state().isStopped()) {
            runtime.processes.remove(e.name);
            for (Pod pod : pods.of(e.name)) {
                deletePod(pod, e.rules.stopwaitsecs());
            }
            deps.events().record(program, LogLevel.INFO, "removed: " + e.name + " (no longer in the spec)", now);
        }
    }

    // ---- the state machine and its actions ----

    private Outcome feed(ProcessEntry e, ProcessEvent event, Instant at) {
        // the entry holds the snapshot: each transition is written back before its actions run
        ProcessDriver.Machine machine = (ev, t) -> {
            Transition tr = ProcessLifecycle.apply(e.rules, e.snapshot, ev, t);
            e.snapshot = tr.after();
            return tr;
        };
        return ProcessDriver.feed(machine, new PodEffects(e, at), event, at).outcome();
    }

    /** What the state machine's actions are for pods; answers are fed at the same instant. */
    private final class PodEffects implements ProcessDriver.Effects {
        private final ProcessEntry e;
        private final Instant at;

        PodEffects(ProcessEntry e, Instant at) {
            this.e = e;
            this.at = at;
        }

        @Override
        public Optional<ProcessEvent> spawn() {
            return spawnPod(e, at);
        }

        @Override
        public Optional<ProcessEvent> cancelSpawn() {
            Pod pod = pod(e.name, e.spawns);
            PodObservation o = pod == null ? PodObservation.NOTHING : PodObservation.of(pod, argv0(e));
            if (o.startedAt().isPresent()) {
                return Optional.of(new ProcessEvent.Spawned(e.spawns));
            }
            // never a grace of 0: the kubelet may be starting the container
            deps.pods().delete(namespace(), PodNames.podName(uid(), e.name, e.spawns), 1);
            e.respawnAt = null;
            return Optional.of(new ProcessEvent.SpawnFailed("spawn cancelled: stopped before its container started"));
        }

        @Override
        public Optional<ProcessEvent> signal(int signal, boolean toGroup) {
            return signalPod(e, signal);
        }

        @Override
        public Optional<ProcessEvent> kill(boolean toGroup) {
            return signalPod(e, Signals.SIGKILL);
        }

        @Override
        public void scheduleTimer(Instant when) {
            // the wake-up is computed from every snapshot's next deadline at the end
        }

        @Override
        public void log(LogLevel level, LogMessage message) {
            // supervisord's lines name a pid; here a pod is the pid: spawned: 'x' with pod x-7x2kq
            deps.events().record(program, level, message,
                    new LogMessage.Pids("pod", pid -> PodNames.podName(uid(), e.name, pid)), now);
        }

        @Override
        public void stateChanged(Action.StateChanged change) {
            deps.metrics().transition(change.to());
        }

        @Override
        public Instant now() {
            return at;
        }
    }

    /** Spawn: a new pod, at once or, in a crash loop, after the churn delay. */
    private Optional<ProcessEvent> spawnPod(ProcessEntry e, Instant at) {
        e.spawns++;
        e.podCreated = false;
        e.lastSignal = 0;
        e.respawnAt = null;
        if (e.restartNext) {
            e.restartNext = false;
            e.recentRestarts++;
            Duration delay = churnDelay(e.recentRestarts);
            if (!delay.isZero()) {
                e.respawnAt = at.plus(delay);
                e.podCondition = delayed(e);
                retryAt = earliest(retryAt, e.respawnAt);
                if (e.recentRestarts == FREE_RESTARTS + 1 || delay.equals(MAX_DELAY)) {
                    deps.events().record(program, LogLevel.WARN, "restart churn: " + e.name + " restarted "
                            + e.recentRestarts + " times since it last ran " + STABLE_RUN.toMinutes()
                            + " minutes; respawns are delayed up to " + MAX_DELAY.toMinutes() + " minutes", now);
                }
                return Optional.empty();
            }
        }
        return createPod(e, at);
    }

    /** Why the pending spawn has no pod yet, in words. */
    private static String delayed(ProcessEntry e) {
        return e.createRetry != null
                ? "pod creation refused for now, try " + (e.createRetries + 1) + " at " + e.respawnAt + ": " + e.createRetry
                : "respawn delayed until " + e.respawnAt + " (restart churn: " + e.recentRestarts
                        + " restarts since it last ran " + STABLE_RUN.toMinutes() + " minutes)";
    }

    /** Nothing for the first {@link #FREE_RESTARTS}, then 10 s, 20 s, 40 s... up to 5 minutes. */
    static Duration churnDelay(int restarts) {
        if (restarts <= FREE_RESTARTS) {
            return Duration.ZERO;
        }
        int doublings = Math.min(restarts - FREE_RESTARTS - 1, 20);
        Duration d = FIRST_CHURN_DELAY.multipliedBy(1L << doublings);
        return d.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : d;
    }

    /**
     * The stop signal (or SIGKILL) by deleting the pod: with the grace stopwaitsecs the kubelet sends
     * TERM, which the pod's init passes on as the stopsignal, and SIGKILL at the end of the grace.
     * The operator's own SIGKILL after stopwaitsecs shortens the grace to the minimum, never to 0:
     * a grace of 0 removes the pod from the API before its container is dead, and a respawn could
     * then run beside it.
     */
    private Optional<ProcessEvent> signalPod(ProcessEntry e, int signal) {
        e.lastSignal = signal;
        long grace = signal == Signals.SIGKILL ? 1 : Math.max(1, e.rules.stopwaitsecs());
        return deps.pods().delete(namespace(), PodNames.podName(uid(), e.name, e.snapshot.pid()), grace)
                .map(ProcessEvent.KillFailed::new);
    }

    /** Creates the pod of the pending spawn; a refusal by the API is a spawn error, a passing one is retried. */
    private Optional<ProcessEvent> createPod(ProcessEntry e, Instant at) {
        ResolvedProcess p = resolvedProcess(e.name);
        if (p == null) {
            return Optional.of(new ProcessEvent.SpawnFailed("process no longer in the spec"));
        }
        Pod pod = deps.podFactory().build(program, resolved, p, e.spawns);
        PodActions.CreateResult r = deps.pods().create(pod);
        if (r.result() != PodActions.Created.FAILED) {
            e.createRetries = 0;
            e.createRetry = null;
            e.respawnAt = null;
        }
        switch (r.result()) {
            case CREATED -> {
                e.podCreated = true;
                deps.metrics().spawned();
            }
            case ALREADY_EXISTS -> e.podCreated = true;
            case REFUSED -> {
                deps.metrics().spawnFailed();
                return Optional.of(new ProcessEvent.SpawnFailed("pod refused: " + r.message()));
            }
            case FAILED -> {
                // quota, rate limit, a server error: the cluster's, retried later without spending startretries
                e.createRetries++;
                e.createRetry = r.message();
                Duration delay = Duration.ofSeconds(1L << Math.min(e.createRetries - 1, 9));
                e.respawnAt = at.plus(delay.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay);
                e.podCondition = delayed(e);
                retryAt = earliest(retryAt, e.respawnAt);
            }
        }
        return Optional.empty();
    }

    // ---- pods ----

    private Pod pod(String process, long spawn) {
        return pods.pod(process, spawn);
    }

    private void cleanupPods(ProcessEntry e) {
        long current = e.snapshot.spawnPending() ? e.spawns : e.snapshot.pid();
        for (ProcessPods.Leftover l : pods.leftovers(e.name, current)) {
            deletePod(l.pod(), l.terminated() ? 0 : Math.max(1, e.rules.stopwaitsecs()));
        }
    }

    /** Pods of processes this program no longer knows (after an operator restart, or a rename). */
    private void removeOrphanPods() {
        for (String process : pods.processes()) {
            if (!runtime.processes.containsKey(process)) {
                pods.of(process).stream().filter(p -> !ProcessPods.deleting(p))
                        .forEach(p -> deletePod(p, ProcessPods.terminated(p) ? 0 : 1));
            }
        }
    }

    /** Deletes a pod; a grace of 0 only for a pod whose containers are done (it would skip the kubelet). */
    private void deletePod(Pod pod, long grace) {
        long g = grace == 0 && !ProcessPods.terminated(pod) ? 1 : grace;
        deps.pods().delete(pod.getMetadata().getNamespace(), pod.getMetadata().getName(), g);
    }

    private String argv0(ProcessEntry e) {
        ResolvedProcess p = resolvedProcess(e.name);
        return p == null || p.argv().isEmpty() ? e.name : p.argv().getFirst();
    }

    private String namespace() {
        return program.getMetadata().getNamespace();
    }

    private String uid() {
        return program.getMetadata().getUid();
    }

    // ---- status ----

    private SupervisedProgramStatus status(List<String> problems) {
        if (!problems.isEmpty() && !ProgramStatusWriter.alreadyReported(program, problems)) {
            deps.events().record(program, LogLevel.ERROR, "invalid spec: " + String.join("; ", problems), now);
        }
        return ProgramStatusWriter.write(program, runtime, resolved, problems, now, deps.zone(),
                NotApplied.of(program.getSpec(), deps.podFactory().usesInit()));
    }

    /** The earliest timer of any process, delayed spawn or check: no timer rewrites the status by itself. */
    private Optional<Instant> wakeAt() {
        Instant wake = retryAt;
        for (ProcessEntry e : runtime.processes.values()) {
            wake = earliest(wake, e.snapshot.nextDeadline().orElse(null));
        }
        return Optional.ofNullable(wake);
    }

    private static Instant earliest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.isBefore(b) ? a : b;
    }
}
