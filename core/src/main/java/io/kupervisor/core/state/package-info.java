/**
 * supervisord's process state machine, pure and event-driven, shared by the in-pod daemon and the
 * Kubernetes operator.
 *
 * <h2>Shape</h2>
 * {@link io.kupervisor.core.state.ProcessLifecycle#apply} maps (rules, snapshot, event, now) to a
 * {@link io.kupervisor.core.state.Transition}: the new {@link io.kupervisor.core.state.ProcessSnapshot},
 * an {@link io.kupervisor.core.state.Outcome} (refusals are results, never exceptions) and the
 * {@link io.kupervisor.core.state.Action}s to perform in order. It knows nothing of processes, pods,
 * threads or clocks. {@link io.kupervisor.core.state.ProcessStateMachine} holds one process's snapshot.
 *
 * <h2>Driver contract</h2>
 * {@link io.kupervisor.core.state.ProcessDriver} is this contract's loop, which every driver uses; the
 * driver supplies what each action does in its world.
 * <ol>
 * <li>Feed every event with the current time; perform the returned actions in order. Events that
 *     the actions cause (the result of a {@code Spawn}) are fed after the whole list was performed.</li>
 * <li>{@code Spawn}: start the process, then feed {@code Spawned(pid)} or {@code SpawnFailed(msg)}
 *     (pre-fork errors such as {@code can't find command 'x'}; for a pod, a failure to create or
 *     schedule it). The pid is opaque (an OS pid or a pod generation); it must be positive.</li>
 * <li>{@code Exited(pid, status)} when the process ends; exits of other pids are ignored.</li>
 * <li>{@code SendSignal}/{@code Kill}: "no such process" is not an error (the exit follows); any
 *     other failure is fed back as {@code KillFailed}.</li>
 * <li>{@code ScheduleTimer(at)}: keep one timer per process, replaced by each new request; deliver
 *     {@code TimerDue} at or after {@code at}. Early, late, duplicate or stale deliveries are harmless.
 *     After a restore, ask {@link io.kupervisor.core.state.ProcessSnapshot#nextDeadline()}.</li>
 * <li>{@code StateChanged} carries what supervisord's PROCESS_STATE events carry (from, to,
 *     expected, pid, tries): emit events / Kubernetes Events from it; {@code Log} lines are the main
 *     log's lines as data ({@link io.kupervisor.core.state.LogMessage}) with supervisord's levels
 *     and exact texts.</li>
 * </ol>
 *
 * <h2>Rules kept from supervisord 4.2.5</h2>
 * Strict {@code now - start > startsecs} for STARTING to RUNNING ({@code startsecs=0}: RUNNING on
 * spawn); any exit earlier than startsecs goes to BACKOFF, exit 0 included, logged "not expected",
 * spawnerr {@code Exited too quickly (process log may have details)}; the n-th consecutive failed
 * start waits n seconds (strictly more) before the retry; BACKOFF goes FATAL as soon as
 * n &gt; startretries (attempts = startretries + 1); spawn failures count as failed starts;
 * RUNNING to EXITED, expected iff the exit code (never a signal death) is in exitcodes; autorestart
 * from EXITED per {@code autorestart}, with no delay and no counter; the retry counter resets on
 * RUNNING; autorestart does not affect BACKOFF retries; stop in BACKOFF goes STOPPED without a
 * signal; stop in STARTING/RUNNING sends stopsignal (to the group if stopasgroup), then SIGKILL
 * (to the group if killasgroup) every stopwaitsecs while the process lives; autostart applies to a
 * never-started process only; once shutting down nothing is spawned but STARTING still becomes
 * RUNNING, and the group stop sends BACKOFF to FATAL.
 *
 * <h2>Where this differs from supervisord, or decides what it leaves open</h2>
 * <ul>
 * <li>No 1 s tick: exits and timers are acted on when they happen. The system clock rollback
 *     adjustments of supervisord are not reproduced.</li>
 * <li>{@code startedAt} is the time of {@code Spawned} (for a pod: when its container started),
 *     so startsecs is measured from when the process really runs; supervisord takes it just before
 *     the fork. A spawn attempt also sets it, so autostart-once holds even if the spawn fails.</li>
 * <li>An exit at exactly the spawn instant counts as within startsecs (supervisord treats
 *     {@code now == laststart} as "not too quickly"; with real clocks that never happens).</li>
 * <li>{@code StartRequested} does not reset the retry counter: as in supervisord it resets only on
 *     RUNNING, FATAL and an exit from RUNNING, so after a stop in BACKOFF a manual start inherits
 *     the earlier failures.</li>
 * <li>Autorestart is throttled to one spawn per {@link io.kupervisor.core.state.ProcessLifecycle#AUTORESTART_THROTTLE}
 *     (1 s) counted from the previous spawn. Only processes that ran less than 1 s are affected,
 *     which is possible only with {@code startsecs=0}; supervisord's tick throttles the same hot
 *     loop. A stop request while such a respawn is pending cancels it (ACCEPTED, state stays EXITED).</li>
 * <li>SIGKILL is repeated at least one second apart ({@code stopwaitsecs=0} would otherwise loop).</li>
 * <li>{@code waiting for x to stop} is logged on every manual stop, at once and then every 2 s
 *     (strictly more) until stopped; supervisord logs it while a {@code stopProcess(wait=true)} call
 *     is pending, which is what {@code supervisorctl stop} does. Stops for shutdown do not log it.</li>
 * <li>A stop while a spawn is still in flight (a pod not yet running) goes to STOPPING and asks
 *     for {@code CancelSpawn}; {@code SpawnFailed} then ends in STOPPED, a late {@code Spawned}
 *     gets the stop signal at once. supervisord spawns synchronously and has no such window.</li>
 * <li>An exit in UNKNOWN clears the pid and records the exit, and stays UNKNOWN (supervisord has
 *     no rule there).</li>
 * </ul>
 */
package io.kupervisor.core.state;
