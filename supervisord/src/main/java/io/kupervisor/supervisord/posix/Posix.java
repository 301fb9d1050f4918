package io.kupervisor.supervisord.posix;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The POSIX calls the JDK lacks (glibc, Linux): spawning into a new process group, reaping any
 * child, signals, pipes, epoll, the subreaper flag and the umask. Every native call of the daemon
 * goes through this class; its native half is {@code src/main/c/kupervisor_posix.c} (a native
 * method per operation, every decision left to Java), loaded by {@link NativeLibrary}. JNI and not
 * the FFM: the FFM's machinery cost the idle daemon about 6 MiB of resident memory (DECISIONS.md).
 */
public final class Posix {
    private Posix() {
    }

    static {
        NativeLibrary.load();
    }

    public static final int EINTR = 4;
    public static final int ECHILD = 10;
    public static final int EAGAIN = 11;
    public static final int ESRCH = 3;
    public static final int ENOENT = 2;
    public static final int EACCES = 13;
    public static final int EPIPE = 32;

    public static final int WNOHANG = 1;

    public static final int EPOLLIN = 0x001;
    public static final int EPOLLOUT = 0x004;
    private static final int EPOLLONESHOT = 1 << 30;
    public static final int EPOLLERR = 0x008;
    public static final int EPOLLHUP = 0x010;
    private static final int EPOLL_CTL_ADD = 1;
    private static final int EPOLL_CTL_DEL = 2;

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

    /** A native result: itself when not negative, else the call's errno as an exception. */
    private static long check(String call, long rc) throws PosixException {
        if (rc < 0) {
            throw new PosixException(call, (int) -rc);
        }
        return rc;
    }

    public static String strerror(int errno) {
        return nStrerror(errno);
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
     * Spawns {@code path} (already resolved) with argv and envp, in a new process group, with the
     * signals of {@link #childSignals} at their default and its mask blocked, fds 0/1/2 from the
     * given fds and every other fd closed, in {@code directory} if not null.
     *
     * @return the pid
     * @throws PosixException with the errno of a failed spawn (ENOENT, EACCES, ... or a failed chdir)
     */
    public static int spawn(String path, List<String> argv, List<String> envp, String directory,
                            int stdin, int stdout, int stderr) throws PosixException {
        return (int) check("posix_spawn " + path, nSpawn(bytes(path), byteStrings(argv), byteStrings(envp),
                directory == null ? null : bytes(directory), stdin, stdout, stderr, childSigDefault, childSigMask));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[][] byteStrings(List<String> strings) {
        byte[][] out = new byte[strings.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = bytes(strings.get(i));
        }
        return out;
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
        long rc = check("waitpid", nWaitpid(pid, options));
        return rc == 0 ? null : new Reaped((int) (rc >>> 32), (int) rc);
    }

    /** kill(pid, sig); a negative pid signals the process group. */
    public static void kill(int pid, int signal) throws PosixException {
        check("kill", nKill(pid, signal));
    }

    /** Makes this process the reaper of orphaned descendants (PID 1 duties without being PID 1). */
    public static void becomeSubreaper() throws PosixException {
        check("prctl(PR_SET_CHILD_SUBREAPER)", nBecomeSubreaper());
    }

    /**
     * glibc's malloc_trim(0): the C heap's free pages go back to the kernel. The JVM frees its
     * compilers' scratch memory into malloc but malloc keeps it; an idle daemon should not.
     *
     * @return whether any memory was released
     */
    public static boolean mallocTrim() {
        return nMallocTrim() != 0;
    }

    /** umask(mask), returning the previous mask. Process-wide: callers serialise. */
    public static int umask(int mask) {
        return nUmask(mask);
    }

    /** pipe2(O_CLOEXEC): {read end, write end}. */
    public static int[] pipe() throws PosixException {
        int[] fds = new int[2];
        check("pipe2", nPipe(fds));
        return fds;
    }

    /** read(2) of at most {@code n} bytes into a direct buffer, from its start; 0 at end of file. */
    public static long read(int fd, ByteBuffer directBuffer, long n) throws PosixException {
        if (!directBuffer.isDirect() || n > directBuffer.capacity()) {
            throw new IllegalArgumentException("read: needs a direct buffer of at least " + n + " bytes");
        }
        return check("read", nRead(fd, directBuffer, n));
    }

    /**
     * A direct buffer of {@code size} bytes for {@link #read}, in memory of its own that is not
     * zeroed: unlike {@link ByteBuffer#allocateDirect}'s, its pages are resident only once a read
     * has filled them (an idle daemon's 1 MiB read buffer costs nothing). Give it back with
     * {@link #freeBuffer}, and use it no more after that.
     */
    public static ByteBuffer allocateBuffer(int size) {
        return nAllocateBuffer(size);
    }

    public static void freeBuffer(ByteBuffer buffer) {
        nFreeBuffer(buffer);
    }

    /** write(2) of all bytes. */
    public static void writeAll(int fd, byte[] data) throws PosixException {
        int off = 0;
        while (off < data.length) {
            off += (int) check("write", nWrite(fd, data, off, data.length - off));
        }
    }

    /**
     * fcntl(F_SETFL, O_NONBLOCK): reads and writes of the fd return at once (EAGAIN) instead of
     * waiting for data or room.
     */
    public static void setNonBlocking(int fd) throws PosixException {
        check("fcntl(F_SETFL, O_NONBLOCK)", nSetNonBlocking(fd));
    }

    /**
     * write(2) of as much of {@code data[off, off+len)} as a non-blocking fd takes now.
     *
     * @return the bytes written, 0 when the pipe is full (EAGAIN)
     * @throws PosixException on anything else, EPIPE included (the reader is gone)
     */
    public static int writeSome(int fd, byte[] data, int off, int len) throws PosixException {
        int done = 0;
        while (done < len) {
            long rc = nWrite(fd, data, off + done, len - done);
            if (rc == -EAGAIN) {
                break;
            }
            done += (int) check("write", rc);
        }
        return done;
    }

    public static void close(int fd) {
        if (fd >= 0) {
            nClose(fd);
        }
    }

    public static int epollCreate() throws PosixException {
        return (int) check("epoll_create1", nEpollCreate());
    }

    /** Watches {@code fd} for input; {@code data} comes back with its events. */
    public static void epollAdd(int epfd, int fd, long data) throws PosixException {
        check("epoll_ctl", nEpollCtl(epfd, EPOLL_CTL_ADD, fd, EPOLLIN, data));
    }

    /** Watches {@code fd} until it is writable once (or broken: EPOLLERR comes without asking). */
    public static void epollAddWritableOnce(int epfd, int fd, long data) throws PosixException {
        check("epoll_ctl", nEpollCtl(epfd, EPOLL_CTL_ADD, fd, EPOLLOUT | EPOLLONESHOT, data));
    }

    public static void epollDel(int epfd, int fd) {
        // already closed or never added: nothing to undo
        nEpollCtl(epfd, EPOLL_CTL_DEL, fd, 0, 0);
    }

    /**
     * epoll_wait into {@code events}: room for {@code events.length / 2} entries, read back with
     * {@link #epollEvents} and {@link #epollData}.
     *
     * @return the number of ready entries (0 on timeout or EINTR)
     */
    public static int epollWait(int epfd, long[] events, int timeoutMillis) throws PosixException {
        return (int) check("epoll_wait", nEpollWait(epfd, events, timeoutMillis));
    }

    public static int epollEvents(long[] events, int i) {
        return (int) events[2 * i];
    }

    public static long epollData(long[] events, int i) {
        return events[2 * i + 1];
    }

    /** An eventfd (close-on-exec, non-blocking) to wake an epoll loop. */
    public static int eventfd() throws PosixException {
        return (int) check("eventfd", nEventfd());
    }

    /**
     * fcntl(F_SETPIPE_SZ): a bigger pipe means fewer, larger reads of a chatty child. Best effort
     * (the kernel caps it at /proc/sys/fs/pipe-max-size for non-root); returns the size set or -1.
     */
    public static int setPipeSize(int fd, int bytes) {
        return Math.max(-1, nSetPipeSize(fd, bytes));
    }

    /** open(path, O_RDWR | O_CLOEXEC), e.g. /dev/null for a daemonized child's stdio. */
    public static int openReadWrite(String path) throws PosixException {
        return (int) check("open " + path, nOpenReadWrite(bytes(path)));
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
        return check("sigaction", nSignalIgnored(sig)) == 1;
    }

    /** signal(sig, SIG_IGN) or signal(sig, SIG_DFL). */
    public static void signalDisposition(int sig, boolean ignore) throws PosixException {
        check("signal", nSignalDisposition(sig, ignore));
    }

    /** getrlimit: {soft, hard}, {@link #RLIM_INFINITY} for unlimited. */
    public static long[] getrlimit(int resource) throws PosixException {
        long[] limits = new long[2];
        check("getrlimit", nGetrlimit(resource, limits));
        return limits;
    }

    /** setrlimit(resource, {soft, hard}). */
    public static void setrlimit(int resource, long soft, long hard) throws PosixException {
        check("setrlimit", nSetrlimit(resource, soft, hard));
    }

    public static int getpid() {
        return nGetpid();
    }

    public static int getuid() {
        return nGetuid();
    }

    // the native half (src/main/c/kupervisor_posix.c): results below 0 are -errno

    private static native int nSpawn(byte[] path, byte[][] argv, byte[][] envp, byte[] directory,
                                     int stdin, int stdout, int stderr, long sigDefault, long sigMask);

    private static native long nWaitpid(int pid, int options);

    private static native int nKill(int pid, int sig);

    private static native int nBecomeSubreaper();

    private static native int nMallocTrim();

    private static native int nUmask(int mask);

    private static native int nPipe(int[] fds);

    private static native long nRead(int fd, ByteBuffer directBuffer, long n);

    private static native ByteBuffer nAllocateBuffer(long size);

    private static native void nFreeBuffer(ByteBuffer buffer);

    private static native long nWrite(int fd, byte[] data, int off, int len);

    private static native int nClose(int fd);

    private static native int nSetNonBlocking(int fd);

    private static native int nSetPipeSize(int fd, int bytes);

    private static native int nOpenReadWrite(byte[] path);

    private static native int nEpollCreate();

    private static native int nEpollCtl(int epfd, int op, int fd, int events, long data);

    private static native int nEpollWait(int epfd, long[] events, int timeoutMillis);

    private static native int nEventfd();

    private static native String nStrerror(int errno);

    private static native int nSignalIgnored(int sig);

    private static native int nSignalDisposition(int sig, boolean ignore);

    private static native int nGetrlimit(int resource, long[] limits);

    private static native int nSetrlimit(int resource, long soft, long hard);

    private static native int nGetpid();

    private static native int nGetuid();
}
