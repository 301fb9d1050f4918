package io.kupervisor.supervisord.posix;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The JVM's children: spawning and reaping, one of each per process. A single thread blocks in
 * {@code waitpid(-1)} and hands each reaped pid to whoever spawned it, or, for an orphan adopted
 * as subreaper, to the orphan handler. The daemon never uses ProcessBuilder, whose own reaper would
 * race this one.
 *
 * <p>Spawning holds a lock from before {@code posix_spawn} until the pid is claimed, and the reaper
 * takes the same lock before deciding whose a pid is, so a child that dies at once is never
 * mistaken for an orphan. The same lock makes the umask swap safe: {@code umask} is process-wide
 * and posix_spawn has no attribute for it, so it is set just for the spawn and put back.
 */
public final class Children {
    private static final Children INSTANCE = new Children();

    private final Object spawnLock = new Object();
    private final Map<Integer, Consumer<Posix.Reaped>> claims = new HashMap<>();
    private volatile Consumer<Posix.Reaped> orphanHandler = r -> { };
    private final Object wake = new Object();
    private boolean childrenMayExist;
    private Thread thread;

    private Children() {
    }

    public static Children get() {
        return INSTANCE;
    }

    /** Where reaped pids that nobody spawned through here go ("reaped unknown pid"). */
    public void onOrphan(Consumer<Posix.Reaped> handler) {
        this.orphanHandler = handler;
    }

    /**
     * Spawns as {@link Posix#spawn} does, with {@code umask} for the child if not null, and
     * registers {@code onExit} for its pid.
     */
    public int spawn(String path, List<String> argv, List<String> envp, String directory, int stdin, int stdout,
                     int stderr, Integer umask, Consumer<Posix.Reaped> onExit) throws Posix.PosixException {
        startReaper();
        int pid;
        synchronized (spawnLock) {
            int old = umask != null ? Posix.umask(umask) : -1;
            try {
                pid = Posix.spawn(path, argv, envp, directory, stdin, stdout, stderr);
            } finally {
                if (umask != null) {
                    Posix.umask(old);
                }
            }
            claims.put(pid, onExit);
        }
        synchronized (wake) {
            childrenMayExist = true;
            wake.notifyAll();
        }
        return pid;
    }

    private synchronized void startReaper() {
        if (thread == null) {
            thread = Thread.ofPlatform().name("kupervisor-reaper").daemon(true).start(this::reap);
        }
    }

    /** Starts reaping even before the first spawn (a subreaper may adopt orphans at once). */
    public void startReaping() {
        startReaper();
    }

    private void reap() {
        while (true) {
            synchronized (wake) {
                while (!childrenMayExist) {
                    try {
                        // only while there is no child at all: as PID 1 of a container, processes
                        // that were never ours (left behind by a `kubectl exec`) are handed to us
                        // without any event we can see (SIGCHLD does not reach the JVM's handlers)
                        wake.wait(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                    childrenMayExist = true;
                }
            }
            Posix.Reaped reaped;
            try {
                reaped = Posix.waitpid(-1, 0);
            } catch (Posix.PosixException e) {
                if (e.errno() == Posix.ECHILD) {
                    synchronized (wake) {
                        childrenMayExist = false;
                    }
                }
                continue;
            }
            if (reaped == null) {
                continue;
            }
            Consumer<Posix.Reaped> handler;
            synchronized (spawnLock) {
                handler = claims.remove(reaped.pid());
            }
            try {
                (handler != null ? handler : orphanHandler).accept(reaped);
            } catch (RuntimeException ignored) {
                // a failing handler must not stop reaping for everyone
            }
        }
    }
}
