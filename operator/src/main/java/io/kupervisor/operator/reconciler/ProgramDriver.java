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
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One reconcile of one program: the driver of the core state machine for pods. It turns what the
 * pods say into events (container running: Spawned; terminated: Exited; cannot start: SpawnFailed),
 * adds the timers that are due and the commands the resource expresses (run state, restart
 * annotation, changed spec), feeds them to {@link ProcessLifecycle} through core's {@link ProcessDriver} and performs the actions it
 * returns (Spawn: create a pod; stop signal: delete with grace stopwaitsecs; SIGKILL: delete with
 * grace 0; Log: an Event). It never decides a transition itself.
 */
final class ProgramDriver {
    /** How long a created pod may stay out of the informer's cache before it is created again. */
    private static final Duration CREATE_RETRY = Duration.ofSeconds(5);
    /** Kubernetes reports container times in whole seconds. */
    private static final Duration TIME_RESOLUTION = Duration.ofMillis(999);

    private final SupervisedProgram program;
    private final ProgramRuntime runtime;
    private final Instant now;
    private final Deps deps;
    private final ProcessPods pods;
    private ResolvedProgram resolved;
    private Instant retryAt;

    /** What a driver needs from the operator. */
    record Deps(PodActions pods, PodFactory podFactory, EventRecorder events, OperatorMetrics metrics, ZoneId zone,
            Duration statusRefresh) {
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
        for (ProcessStatus ps : status.processes) {
            ProcessEntry e = new ProcessEntry(ps.name, LifecycleRules.defaults(ps.name), SnapshotCodec.read(ps),
                    ps.spawns == null ? 0 : ps.spawns, ps.configHash);
            e.afterStop = ps.pendingAfterStop == null ? null : AfterStop.valueOf(ps.pendingAfterStop);
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
        if (s.spawnPending()) {
            Pod pod = pod(e.name, e.spawns);
            if (pod == null) {
                if (!e.podCreated || s.startedAt() == null || now.isAfter(s.startedAt().plus(CREATE_RETRY))) {
                    createPod(e, now).ifPresent(answer -> feed(e, answer, now));
                }
                return;
            }
            e.podCreated = true;
            PodObservation o = PodObservation.of(pod, argv0(e));
            if (o.spawnFailure().isPresent()) {
                // the pod would retry forever (image pulls); the state machine decides the retries
                deps.pods().delete(namespace(), pod.getMetadata().getName(), 0);
                deps.metrics().spawnFailed();
                feed(e, new ProcessEvent.SpawnFailed(o.spawnFailure().get()), now);
                return;
            }
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
            feed(e, new ProcessEvent.Exited(s.pid(), new ExitStatus.Signaled(sig)), now);
            return;
        }
        PodObservation o = PodObservation.of(pod, argv0(e));
        o.exit().ifPresent(x -> feed(e, new ProcessEvent.Exited(s.pid(), x.status()), reported(x.at(), s.startedAt())));
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
        String desired = program.getSpec().state == RunState.STOPPED ? "stopped" : "running";
        boolean firstSight = runtime.appliedState == null;
        boolean stopAll = !firstSight && desired.equals("stopped") && !desired.equals(runtime.appliedState);
        boolean startAll = !firstSight && desired.equals("running") && !desired.equals(runtime.appliedState);
        runtime.appliedState = desired;
        Map<String, String> annotations = program.getMetadata().getAnnotations();
        String restart = annotations == null ? null : annotations.get(SupervisedProgram.RESTART_ANNOTATION);
        boolean restartAll = restart != null && !restart.equals(runtime.restartedAt);
        if (restart != null) {
            runtime.restartedAt = restart;
        }

        List<ProcessEntry> entries = new ArrayList<>(runtime.processes.values());
        for (ProcessEntry e : entries) {
            ResolvedProcess p = resolvedProcess(e.name);
            if (p == null) {
                removeProcess(e);
                continue;
            }
            if (stopAll) {
                feed(e, new ProcessEvent.StopRequested(), now);
                if (e.afterStop == AfterStop.RESTART) {
                    e.afterStop = null;
                }
            }
            if (startAll && e.afterStop == null) {
                feed(e, new ProcessEvent.StartRequested(), now);
            }
            if (restartAll) {
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
            if (e.afterStop == AfterStop.UPDATE) {
                update(e, p);
            }
            if (e.afterStop == AfterStop.RESTART && e.snapshot.state().isStopped()) {
                e.afterStop = null;
                feed(e, new ProcessEvent.StartRequested(), now);
            }
            if (desired.equals("running")) {
                // applies once: a process that was ever started ignores it
                feed(e, new ProcessEvent.AutostartDue(), now);
            }
        }
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
                deletePod(pod, 0);
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
            e.spawns++;
            e.podCreated = false;
            e.lastSignal = 0;
            return createPod(e, at);
        }

        @Override
        public Optional<ProcessEvent> cancelSpawn() {
            Pod pod = pod(e.name, e.spawns);
            PodObservation o = pod == null ? PodObservation.NOTHING : PodObservation.of(pod, argv0(e));
            if (o.startedAt().isPresent()) {
                return Optional.of(new ProcessEvent.Spawned(e.spawns));
            }
            deps.pods().delete(namespace(), PodNames.podName(uid(), e.name, e.spawns), 0);
            return Optional.of(new ProcessEvent.SpawnFailed("spawn cancelled: stopped before its container started"));
        }

        @Override
        public Optional<ProcessEvent> signal(int signal, boolean toGroup) {
            e.lastSignal = signal;
            return deps.pods().delete(namespace(), PodNames.podName(uid(), e.name, e.snapshot.pid()), e.rules.stopwaitsecs())
                    .map(ProcessEvent.KillFailed::new);
        }

        @Override
        public Optional<ProcessEvent> kill(boolean toGroup) {
            e.lastSignal = Signals.SIGKILL;
            return deps.pods().delete(namespace(), PodNames.podName(uid(), e.name, e.snapshot.pid()), 0)
                    .map(ProcessEvent.KillFailed::new);
        }

        @Override
        public void scheduleTimer(Instant when) {
            // the wake-up is computed from every snapshot's next deadline at the end
        }

        @Override
        public void log(LogLevel level, LogMessage message) {
            // supervisord's lines name a pid; here a pod is the pid: spawned: 'x' with pod x-7x2kq
            deps.events().record(program, level,
                    message.text(new LogMessage.Pids("pod", pid -> PodNames.podName(uid(), e.name, pid))), now);
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

    /** Creates the pod of the pending spawn; a refusal by the API is a spawn error. */
    private Optional<ProcessEvent> createPod(ProcessEntry e, Instant at) {
        ResolvedProcess p = resolvedProcess(e.name);
        if (p == null) {
            return Optional.of(new ProcessEvent.SpawnFailed("process no longer in the spec"));
        }
        Pod pod = deps.podFactory().build(program, resolved, p, e.spawns);
        PodActions.CreateResult r = deps.pods().create(pod);
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
            case FAILED -> retryAt = earliest(retryAt, at.plus(CREATE_RETRY));
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
            deletePod(l.pod(), l.terminated() ? 0 : e.rules.stopwaitsecs());
        }
    }

    /** Pods of processes this program no longer knows (after an operator restart, or a rename). */
    private void removeOrphanPods() {
        for (String process : pods.processes()) {
            if (!runtime.processes.containsKey(process)) {
                pods.of(process).stream().filter(p -> !ProcessPods.deleting(p)).forEach(p -> deletePod(p, 0));
            }
        }
    }

    private void deletePod(Pod pod, long grace) {
        deps.pods().delete(pod.getMetadata().getNamespace(), pod.getMetadata().getName(), grace);
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
        return ProgramStatusWriter.write(program, runtime, resolved, problems, now, deps.zone());
    }

    private Optional<Instant> wakeAt() {
        Instant wake = retryAt;
        boolean running = false;
        for (ProcessEntry e : runtime.processes.values()) {
            wake = earliest(wake, e.snapshot.nextDeadline().orElse(null));
            running |= e.snapshot.state() == ProcessState.RUNNING;
        }
        if (running && !deps.statusRefresh().isZero()) {
            wake = earliest(wake, now.plus(deps.statusRefresh()));
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
