package io.kupervisor.supervisord.posix;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.Map;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The POSIX calls the JDK lacks, through FFM (glibc, Linux x86_64 and aarch64): spawning into a
 * new process group, reaping any child, signals, pipes, epoll, the subreaper flag and the umask.
 * Every native call of the daemon goes through this class, except {@code process.StdinWriter}'s
 * non-blocking writes. The two architectures differ only in {@code struct epoll_event}'s layout
 * (packed on x86_64), which is chosen at start.
 */
public final class Posix {
    private Posix() {
    }

    public static final int EINTR = 4;
    public static final int ECHILD = 10;
    public static final int EAGAIN = 11;
    public static final int ESRCH = 3;
    public static final int ENOENT = 2;
    public static final int EACCES = 13;

    public static final int WNOHANG = 1;
    private static final int O_CLOEXEC = 0x80000;
    private static final int PR_SET_CHILD_SUBREAPER = 36;
    private static final short POSIX_SPAWN_SETPGROUP = 0x02;
    private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    // glibc's posix_spawn_file_actions_t is 80 bytes and posix_spawnattr_t 336; leave room
    private static final long FILE_ACTIONS_SIZE = 256;
    private static final long SPAWNATTR_SIZE = 512;
    private static final long SIGSET_SIZE = 128;

    public static final int EPOLLIN = 0x001;
    public static final int EPOLLOUT = 0x004;
    private static final int EPOLLONESHOT = 1 << 30;
    public static final int EPOLLERR = 0x008;
    public static final int EPOLLHUP = 0x010;
    private static final int EPOLL_CTL_ADD = 1;
    private static final int EPOLL_CTL_DEL = 2;
    /** {@code struct epoll_event} (u32 events, u64 data) is packed on x86_64 only; aarch64 aligns data to 8. */
    private static final boolean PACKED_EPOLL_EVENT = switch (System.getProperty("os.arch")) {
        case "amd64", "x86_64" -> true;
        case "aarch64", "arm64" -> false;
        default -> throw new UnsupportedOperationException("kupervisor's daemon runs on Linux x86_64 and aarch64, not "
                + System.getProperty("os.arch"));
    };
    /** The size of one {@code struct epoll_event}. */
    public static final long EPOLL_EVENT_SIZE = PACKED_EPOLL_EVENT ? 12 : 16;
    private static final long EPOLL_DATA_OFFSET = PACKED_EPOLL_EVENT ? 4 : 8;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final MemoryLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static MethodHandle fn(String name, FunctionDescriptor fd, boolean errno) {
        MemorySegment addr = LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return errno ? LINKER.downcallHandle(addr, fd, Linker.Option.captureCallState("errno"))
                : LINKER.downcallHandle(addr, fd);
    }

    private static final MethodHandle POSIX_SPAWN = fn("posix_spawn",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS), false);
    private static final MethodHandle FA_INIT = fn("posix_spawn_file_actions_init", FunctionDescriptor.of(JAVA_INT, ADDRESS), false);
    private static final MethodHandle FA_DESTROY = fn("posix_spawn_file_actions_destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS), false);
    private static final MethodHandle FA_DUP2 = fn("posix_spawn_file_actions_adddup2",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), false);
    private static final MethodHandle FA_CHDIR = fn("posix_spawn_file_actions_addchdir_np",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), false);
    private static final MethodHandle FA_CLOSEFROM = fn("posix_spawn_file_actions_addclosefrom_np",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), false);
    private static final MethodHandle ATTR_INIT = fn("posix_spawnattr_init", FunctionDescriptor.of(JAVA_INT, ADDRESS), false);
    private static final MethodHandle ATTR_DESTROY = fn("posix_spawnattr_destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS), false);
    private static final MethodHandle ATTR_SETFLAGS = fn("posix_spawnattr_setflags",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ValueLayout.JAVA_SHORT), false);
    private static final MethodHandle ATTR_SETPGROUP = fn("posix_spawnattr_setpgroup",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), false);
    private static final MethodHandle ATTR_SETSIGMASK = fn("posix_spawnattr_setsigmask",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), false);
    private static final MethodHandle ATTR_SETSIGDEFAULT = fn("posix_spawnattr_setsigdefault",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), false);
    private static final MethodHandle SIGEMPTYSET = fn("sigemptyset", FunctionDescriptor.of(JAVA_INT, ADDRESS), false);
    private static final MethodHandle SIGFILLSET = fn("sigfillset", FunctionDescriptor.of(JAVA_INT, ADDRESS), false);
    private static final MethodHandle WAITPID = fn("waitpid",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), true);
    private static final MethodHandle KILL = fn("kill", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), true);
    private static final MethodHandle PRCTL = fn("prctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), true);
    private static final MethodHandle UMASK = fn("umask", FunctionDescriptor.of(JAVA_INT, JAVA_INT), false);
    private static final MethodHandle PIPE2 = fn("pipe2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), true);
    private static final MethodHandle READ = fn("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), true);
    private static final MethodHandle WRITE = fn("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), true);
    private static final MethodHandle CLOSE = fn("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), true);
    private static final MethodHandle EPOLL_CREATE1 = fn("epoll_create1", FunctionDescriptor.of(JAVA_INT, JAVA_INT), true);
    private static final MethodHandle EPOLL_CTL = fn("epoll_ctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), true);
    private static final MethodHandle EPOLL_WAIT = fn("epoll_wait",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), true);
    private static final MethodHandle EVENTFD = fn("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), true);
    private static final MethodHandle GETPID = fn("getpid", FunctionDescriptor.of(JAVA_INT), false);
    private static final MethodHandle GETUID = fn("getuid", FunctionDescriptor.of(JAVA_INT), false);
    private static final MethodHandle FCNTL_INT = LINKER.downcallHandle(LIBC.find("fcntl").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2),
            Linker.Option.captureCallState("errno"));
    private static final int F_SETPIPE_SZ = 1031;
    private static final int F_GETFL = 3;
    private static final int F_SETFL = 4;
    private static final int O_NONBLOCK = 04000;
    public static final int EPIPE = 32;
    private static final MethodHandle OPEN = fn("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), true);
    private static final MethodHandle STRERROR = fn("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT), false);
    private static final MethodHandle SIGACTION = fn("sigaction",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), true);
    private static final MethodHandle SIGNAL = fn("signal", FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS), true);
    private static final MethodHandle GETRLIMIT = fn("getrlimit", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), true);
    private static final MethodHandle SETRLIMIT = fn("setrlimit", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), true);
    /** glibc's struct sigaction on Linux: handler, 128-byte mask, flags, restorer. */
    private static final long SIGACTION_SIZE = 152;
    public static final int RLIMIT_NPROC = 6;
    public static final int RLIMIT_NOFILE = 7;
    /** RLIM_INFINITY, as Python's resource module shows it. */
    public static final long RLIM_INFINITY = -1;

    /**
     * Signals children start with at their default disposition, one bit per signal (bit n-1 for
     * signal n), and their blocked mask. Every signal and no mask until {@link #childSignals} says
     * otherwise.
     */
    private static volatile long childSigDefault = -1L;
    private static volatile long childSigMask = 0L;

    /** A failed call: the errno and the function. */
    public static final class PosixException extends Exception {
        private final int errno;

        public PosixException(String call, int errno) {
            super(call + ": " + strerror(errno) + " (errno " + errno + ")");
            this.errno = errno;
        }

        public int errno() {
            return errno;
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException re) {
            return re;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    public static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    /** The symbolic name supervisord prints for an errno (ENOENT, EACCES, ...). */
    public static String errnoName(int errno) {
        return ERRNO_NAMES.getOrDefault(errno, "errno " + errno);
    }

    private static final Map<Integer, String> ERRNO_NAMES = Map.ofEntries(
            Map.entry(1, "EPERM"), Map.entry(2, "ENOENT"), Map.entry(3, "ESRCH"), Map.entry(4, "EINTR"),
            Map.entry(5, "EIO"), Map.entry(7, "E2BIG"), Map.entry(8, "ENOEXEC"), Map.entry(9, "EBADF"),
            Map.entry(10, "ECHILD"), Map.entry(11, "EAGAIN"), Map.entry(12, "ENOMEM"), Map.entry(13, "EACCES"),
            Map.entry(20, "ENOTDIR"), Map.entry(21, "EISDIR"), Map.entry(22, "EINVAL"), Map.entry(24, "EMFILE"),
            Map.entry(26, "ETXTBSY"), Map.entry(36, "ENAMETOOLONG"), Map.entry(40, "ELOOP"));

    /**
     * Spawns {@code path} (already resolved) with argv and envp, in a new process group, with all
     * signals at their default and none blocked, fds 0/1/2 from the given fds and every other fd
     * closed, in {@code directory} if not null.
     *
     * @return the pid
     * @throws PosixException with the errno of a failed spawn (ENOENT, EACCES, ... or a failed chdir)
     */
    public static int spawn(String path, List<String> argv, List<String> envp, String directory,
                            int stdin, int stdout, int stderr) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment actions = arena.allocate(FILE_ACTIONS_SIZE, 16);
            MemorySegment attr = arena.allocate(SPAWNATTR_SIZE, 16);
            MemorySegment sigset = arena.allocate(SIGSET_SIZE, 16);
            MemorySegment pid = arena.allocate(JAVA_INT);
            check("posix_spawn_file_actions_init", (int) FA_INIT.invokeExact(actions));
            check("posix_spawnattr_init", (int) ATTR_INIT.invokeExact(attr));
            try {
                check("adddup2", (int) FA_DUP2.invokeExact(actions, stdin, 0));
                check("adddup2", (int) FA_DUP2.invokeExact(actions, stdout, 1));
                check("adddup2", (int) FA_DUP2.invokeExact(actions, stderr, 2));
                check("addclosefrom_np", (int) FA_CLOSEFROM.invokeExact(actions, 3));
                if (directory != null) {
                    check("addchdir_np", (int) FA_CHDIR.invokeExact(actions, arena.allocateFrom(directory)));
                }
                check("setflags", (int) ATTR_SETFLAGS.invokeExact(attr,
                        (short) (POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)));
                check("setpgroup", (int) ATTR_SETPGROUP.invokeExact(attr, 0));
                // the sets are written bit by bit: glibc's sigaddset refuses its internal signals
                // 32 and 33, which posix_spawn would otherwise leave ignored in the child
                int ignored = (int) SIGEMPTYSET.invokeExact(sigset);
                sigset.set(JAVA_LONG, 0, childSigMask);
                check("setsigmask", (int) ATTR_SETSIGMASK.invokeExact(attr, sigset));
                ignored = (int) SIGEMPTYSET.invokeExact(sigset);
                sigset.set(JAVA_LONG, 0, childSigDefault);
                check("setsigdefault", (int) ATTR_SETSIGDEFAULT.invokeExact(attr, sigset));
                int rc = (int) POSIX_SPAWN.invokeExact(pid, arena.allocateFrom(path), actions, attr,
                        stringArray(arena, argv), stringArray(arena, envp));
                if (rc != 0) {
                    throw new PosixException("posix_spawn " + path, rc);
                }
                return pid.get(JAVA_INT, 0);
            } finally {
                int a = (int) FA_DESTROY.invokeExact(actions);
                int b = (int) ATTR_DESTROY.invokeExact(attr);
            }
        } catch (PosixException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static void check(String call, int rc) throws PosixException {
        if (rc != 0) {
            throw new PosixException(call, rc);
        }
    }

    private static MemorySegment stringArray(Arena arena, List<String> strings) {
        MemorySegment array = arena.allocate(ADDRESS, strings.size() + 1L);
        for (int i = 0; i < strings.size(); i++) {
            array.setAtIndex(ADDRESS, i, arena.allocateFrom(strings.get(i)));
        }
        array.setAtIndex(ADDRESS, strings.size(), MemorySegment.NULL);
        return array;
    }

    /** A reaped child: pid and raw wait status. */
    public record Reaped(int pid, int status) {
        public boolean exited() {
            return (status & 0x7f) == 0;
        }

        public int exitCode() {
            return (status >> 8) & 0xff;
        }

        public boolean signaled() {
            return ((status & 0x7f) + 1) >> 1 > 0 && (status & 0x7f) != 0x7f;
        }

        public int termSignal() {
            return status & 0x7f;
        }
    }

    /**
     * waitpid(pid, &status, options). Returns null when WNOHANG finds nothing.
     *
     * @throws PosixException ECHILD when there is no child to wait for
     */
    public static Reaped waitpid(int pid, int options) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment status = arena.allocate(JAVA_INT);
            MemorySegment state = arena.allocate(CAPTURE);
            while (true) {
                int rc = (int) WAITPID.invokeExact(state, pid, status, options);
                if (rc > 0) {
                    return new Reaped(rc, status.get(JAVA_INT, 0));
                }
                if (rc == 0) {
                    return null;
                }
                int err = errno(state);
                if (err != EINTR) {
                    throw new PosixException("waitpid", err);
                }
            }
        } catch (PosixException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** kill(pid, sig); a negative pid signals the process group. */
    public static void kill(int pid, int signal) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int rc = (int) KILL.invokeExact(state, pid, signal);
            if (rc != 0) {
                throw new PosixException("kill", errno(state));
            }
        } catch (PosixException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Makes this process the reaper of orphaned descendants (PID 1 duties without being PID 1). */
    public static void becomeSubreaper() throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int rc = (int) PRCTL.invokeExact(state, PR_SET_CHILD_SUBREAPER, 1L, 0L, 0L, 0L);
            if (rc != 0) {
                throw new PosixException("prctl(PR_SET_CHILD_SUBREAPER)", errno(state));
            }
        } catch (PosixException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * glibc's malloc_trim(0): the C heap's free pages go back to the kernel. The JVM frees its
     * compilers' scratch memory into malloc but malloc keeps it; an idle daemon should not.
     * Made on first use (it runs once in a while) and a no-op where the libc has none (musl).
     *
     * @return whether any memory was released
     */
    public static boolean mallocTrim() {
        MethodHandle trim = MallocTrim.HANDLE;
        if (trim == null) {
            return false;
        }
        try {
            return (int) trim.invokeExact(0L) != 0;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static final class MallocTrim {
        static final MethodHandle HANDLE = LIBC.find("malloc_trim")
                .map(a -> LINKER.downcallHandle(a, FunctionDescriptor.of(JAVA_INT, JAVA_LONG)))
                .orElse(null);
    }

    /** umask(mask), returning the previous mask. Process-wide: callers serialise. */
    public static int umask(int mask) {
        try {
            return (int) UMASK.invokeExact(mask);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** pipe2(O_CLOEXEC): {read end, write end}. */
    public static int[] pipe() throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            MemorySegment state = arena.allocate(CAPTURE);
            int rc = (int) PIPE2.invokeExact(state, fds, O_CLOEXEC);
            if (rc != 0) {
                throw new PosixException("pipe2", errno(state));
            }
            return new int[] {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
        } catch (PosixException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** read(2) into native memory; 0 at end of file. */
    public static long read(int fd, MemorySegment buf, long n) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            while (true) {
                long rc = (long) READ.invokeExact(state, fd, buf, n);
                if (rc >= 0) {
                    return rc;
                }
                int err = errno(state);
                if (err != EINTR) {
                    throw new PosixException("read", err);
                }
            }
        } catch (PosixException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** write(2) of all bytes. */
    public static void writeAll(int fd, byte[] data) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment buf = arena.allocate(Math.max(1, data.length));
            MemorySegment.copy(data, 0, buf, ValueLayout.JAVA_BYTE, 0, data.length);
            long off = 0;
            while (off < data.length) {
                long rc = (long) WRITE.invokeExact(state, fd, buf.asSlice(off), (long) data.length - off);
                if (rc < 0) {
                    int err = errno(state);
                    if (err == EINTR) {
                        continue;
                    }
                    throw new PosixException("write", err);
                }
                off += rc;
            }
        } catch (PosixException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * fcntl(F_SETFL, O_NONBLOCK): reads and writes of the fd return at once (EAGAIN) instead of
     * waiting for data or room.
     */
    public static void setNonBlocking(int fd) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int flags = (int) FCNTL_INT.invokeExact(state, fd, F_GETFL, 0);
            if (flags < 0) {
                throw new PosixException("fcntl(F_GETFL)", errno(state));
            }
            if ((flags & O_NONBLOCK) == 0 && (int) FCNTL_INT.invokeExact(state, fd, F_SETFL, flags | O_NONBLOCK) < 0) {
                throw new PosixException("fcntl(F_SETFL)", errno(state));
            }
        } catch (PosixException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * write(2) of as much of {@code data[off, off+len)} as a non-blocking fd takes now.
     *
     * @return the bytes written, 0 when the pipe is full (EAGAIN)
     * @throws PosixException on anything else, EPIPE included (the reader is gone)
     */
    public static int writeSome(int fd, byte[] data, int off, int len) throws PosixException {
        if (len == 0) {
            return 0;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment buf = arena.allocate(len);
            MemorySegment.copy(data, off, buf, ValueLayout.JAVA_BYTE, 0, len);
            long done = 0;
            while (done < len) {
                long rc = (long) WRITE.invokeExact(state, fd, buf.asSlice(done), (long) len - done);
                if (rc < 0) {
                    int err = errno(state);
                    if (err == EINTR) {
                        continue;
                    }
                    if (err == EAGAIN) {
                        break;
                    }
                    throw new PosixException("write", err);
                }
                done += rc;
            }
            return (int) done;
        } catch (PosixException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void close(int fd) {
        if (fd < 0) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int rc = (int) CLOSE.invokeExact(state, fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int epollCreate() throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int fd = (int) EPOLL_CREATE1.invokeExact(state, O_CLOEXEC);
            if (fd < 0) {
                throw new PosixException("epoll_create1", errno(state));
            }
            return fd;
        } catch (PosixException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Watches {@code fd} for input; {@code data} comes back with its events. */
    public static void epollAdd(int epfd, int fd, long data) throws PosixException {
        epollCtl(epfd, EPOLL_CTL_ADD, fd, EPOLLIN, data);
    }

    /** Watches {@code fd} until it is writable once (or broken: EPOLLERR comes without asking). */
    public static void epollAddWritableOnce(int epfd, int fd, long data) throws PosixException {
        epollCtl(epfd, EPOLL_CTL_ADD, fd, EPOLLOUT | EPOLLONESHOT, data);
    }

    public static void epollDel(int epfd, int fd) {
        try {
            epollCtl(epfd, EPOLL_CTL_DEL, fd, 0, 0);
        } catch (PosixException ignored) {
            // already closed or never added: nothing to undo
        }
    }

    private static void epollCtl(int epfd, int op, int fd, int events, long data) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ev = arena.allocate(EPOLL_EVENT_SIZE, 8);
            ev.set(JAVA_INT, 0, events);
            ev.set(ValueLayout.JAVA_LONG_UNALIGNED, EPOLL_DATA_OFFSET, data);
            MemorySegment state = arena.allocate(CAPTURE);
            int rc = (int) EPOLL_CTL.invokeExact(state, epfd, op, fd, ev);
            if (rc != 0) {
                throw new PosixException("epoll_ctl", errno(state));
            }
        } catch (PosixException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * epoll_wait into {@code events} (room for {@code max} packed epoll_event structs).
     *
     * @return the number of ready entries (0 on timeout or EINTR)
     */
    public static int epollWait(int epfd, MemorySegment events, int max, int timeoutMillis) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int n = (int) EPOLL_WAIT.invokeExact(state, epfd, events, max, timeoutMillis);
            if (n < 0) {
                int err = errno(state);
                if (err == EINTR) {
                    return 0;
                }
                throw new PosixException("epoll_wait", err);
            }
            return n;
        } catch (PosixException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int epollEvents(MemorySegment events, int i) {
        return events.get(JAVA_INT, i * EPOLL_EVENT_SIZE);
    }

    public static long epollData(MemorySegment events, int i) {
        return events.get(ValueLayout.JAVA_LONG_UNALIGNED, i * EPOLL_EVENT_SIZE + EPOLL_DATA_OFFSET);
    }

    /** An eventfd (close-on-exec) to wake an epoll loop. */
    public static int eventfd() throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int fd = (int) EVENTFD.invokeExact(state, 0, O_CLOEXEC | O_NONBLOCK);
            if (fd < 0) {
                throw new PosixException("eventfd", errno(state));
            }
            return fd;
        } catch (PosixException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * fcntl(F_SETPIPE_SZ): a bigger pipe means fewer, larger reads of a chatty child. Best effort
     * (the kernel caps it at /proc/sys/fs/pipe-max-size for non-root); returns the size set or -1.
     */
    public static int setPipeSize(int fd, int bytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            return (int) FCNTL_INT.invokeExact(state, fd, F_SETPIPE_SZ, bytes);
        } catch (Throwable t) {
            return -1;
        }
    }

    /** open(path, O_RDWR | O_CLOEXEC), e.g. /dev/null for a daemonized child's stdio. */
    public static int openReadWrite(String path) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path), 2 | O_CLOEXEC);
            if (fd < 0) {
                throw new PosixException("open " + path, errno(state));
            }
            return fd;
        } catch (PosixException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * What children start with: the signals reset to their default disposition (others keep this
     * process's disposition: ignored stays ignored) and the blocked mask, one bit per signal
     * (bit n-1 for signal n, 1..64).
     */
    public static void childSignals(long defaults, long mask) {
        childSigDefault = defaults;
        childSigMask = mask;
    }

    /** Whether {@code sig} is ignored (SIG_IGN) in this process. */
    public static boolean signalIgnored(int sig) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment old = arena.allocate(SIGACTION_SIZE, 8);
            int rc = (int) SIGACTION.invokeExact(state, sig, MemorySegment.NULL, old);
            if (rc != 0) {
                throw new PosixException("sigaction", errno(state));
            }
            return old.get(JAVA_LONG, 0) == 1L;
        } catch (PosixException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** signal(sig, SIG_IGN) or signal(sig, SIG_DFL). */
    public static void signalDisposition(int sig, boolean ignore) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment old = (MemorySegment) SIGNAL.invokeExact(state, sig,
                    MemorySegment.ofAddress(ignore ? 1L : 0L));
            if (old.address() == -1L) {
                throw new PosixException("signal", errno(state));
            }
        } catch (PosixException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** getrlimit: {soft, hard}, {@link #RLIM_INFINITY} for unlimited. */
    public static long[] getrlimit(int resource) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment rl = arena.allocate(16, 8);
            int rc = (int) GETRLIMIT.invokeExact(state, resource, rl);
            if (rc != 0) {
                throw new PosixException("getrlimit", errno(state));
            }
            return new long[] {rl.get(JAVA_LONG, 0), rl.get(JAVA_LONG, 8)};
        } catch (PosixException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** setrlimit(resource, {soft, hard}). */
    public static void setrlimit(int resource, long soft, long hard) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment rl = arena.allocate(16, 8);
            rl.set(JAVA_LONG, 0, soft);
            rl.set(JAVA_LONG, 8, hard);
            int rc = (int) SETRLIMIT.invokeExact(state, resource, rl);
            if (rc != 0) {
                throw new PosixException("setrlimit", errno(state));
            }
        } catch (PosixException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int getpid() {
        try {
            return (int) GETPID.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int getuid() {
        try {
            return (int) GETUID.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
