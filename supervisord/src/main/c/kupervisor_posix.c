/*
 * The native half of io.kupervisor.supervisord.posix.Posix: the POSIX calls the JDK lacks, as JNI
 * functions (glibc, Linux). Each is one call, or one call retried on EINTR; every decision stays in
 * Java. Calls that can fail return -errno. JNI rather than the FFM because the FFM's machinery
 * (linker, bytecode-spun stubs, method-handle forms) costs the idle daemon about 6 MiB of resident
 * memory, as much as the rest of the daemon's code (BENCHMARKS.md, DECISIONS.md).
 */
#define _GNU_SOURCE
#include <jni.h>

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define FN(name) Java_io_kupervisor_supervisord_posix_Posix_##name

/* A NUL-terminated char* array of a String[] (modified UTF-8, as the JVM keeps no other); NULL on
 * allocation failure with an exception pending. */
static char **strings(JNIEnv *env, jobjectArray array) {
    jsize n = (*env)->GetArrayLength(env, array);
    char **out = calloc((size_t) n + 1, sizeof(char *));
    if (out == NULL) {
        (*env)->ThrowNew(env, (*env)->FindClass(env, "java/lang/OutOfMemoryError"), "spawn");
        return NULL;
    }
    for (jsize i = 0; i < n; i++) {
        jbyteArray bytes = (jbyteArray) (*env)->GetObjectArrayElement(env, array, i);
        jsize len = (*env)->GetArrayLength(env, bytes);
        out[i] = malloc((size_t) len + 1);
        if (out[i] == NULL) {
            (*env)->ThrowNew(env, (*env)->FindClass(env, "java/lang/OutOfMemoryError"), "spawn");
            return out;
        }
        (*env)->GetByteArrayRegion(env, bytes, 0, len, (jbyte *) out[i]);
        out[i][len] = '\0';
        (*env)->DeleteLocalRef(env, bytes);
    }
    return out;
}

static void free_strings(char **s) {
    if (s != NULL) {
        for (char **p = s; *p != NULL; p++) {
            free(*p);
        }
        free(s);
    }
}

static void sigset_of(sigset_t *set, jlong bits) {
    /* bit n-1 for signal n, written directly: sigaddset refuses glibc's internal signals 32 and 33,
     * which posix_spawn would otherwise leave as they are in the child */
    memset(set, 0, sizeof(*set));
    memcpy(set, &bits, sizeof(bits));
}

/* posix_spawn into a new process group, signals in sigdefault at their default, mask blocked,
 * fds 0-2 from in/out/err, every other fd closed, in dir when not null. Paths and strings are
 * byte arrays (the file system's bytes). Returns the pid or -errno. */
JNIEXPORT jint JNICALL FN(nSpawn)(JNIEnv *env, jclass cls, jbyteArray path, jobjectArray argv,
                                  jobjectArray envp, jbyteArray dir, jint in, jint out, jint err,
                                  jlong sigdefault, jlong mask) {
    (void) cls;
    char **args = strings(env, argv);
    char **environ_ = args != NULL && !(*env)->ExceptionCheck(env) ? strings(env, envp) : NULL;
    char **paths = NULL;
    int rc = ENOMEM;
    if (environ_ != NULL && !(*env)->ExceptionCheck(env)) {
        jobjectArray both = (*env)->NewObjectArray(env, dir != NULL ? 2 : 1,
                                                   (*env)->GetObjectClass(env, path), NULL);
        if (both != NULL) {
            (*env)->SetObjectArrayElement(env, both, 0, path);
            if (dir != NULL) {
                (*env)->SetObjectArrayElement(env, both, 1, dir);
            }
            paths = strings(env, both);
        }
    }
    pid_t pid = -1;
    if (paths != NULL && !(*env)->ExceptionCheck(env)) {
        posix_spawn_file_actions_t actions;
        posix_spawnattr_t attr;
        sigset_t set;
        posix_spawn_file_actions_init(&actions);
        posix_spawnattr_init(&attr);
        if ((rc = posix_spawn_file_actions_adddup2(&actions, in, 0)) == 0
            && (rc = posix_spawn_file_actions_adddup2(&actions, out, 1)) == 0
            && (rc = posix_spawn_file_actions_adddup2(&actions, err, 2)) == 0
            && (rc = posix_spawn_file_actions_addclosefrom_np(&actions, 3)) == 0
            && (dir == NULL || (rc = posix_spawn_file_actions_addchdir_np(&actions, paths[1])) == 0)
            && (rc = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF
                                                         | POSIX_SPAWN_SETSIGMASK)) == 0
            && (rc = posix_spawnattr_setpgroup(&attr, 0)) == 0) {
            sigset_of(&set, mask);
            rc = posix_spawnattr_setsigmask(&attr, &set);
            if (rc == 0) {
                sigset_of(&set, sigdefault);
                rc = posix_spawnattr_setsigdefault(&attr, &set);
            }
            if (rc == 0) {
                rc = posix_spawn(&pid, paths[0], &actions, &attr, args, environ_);
            }
        }
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attr);
    }
    free_strings(paths);
    free_strings(environ_);
    free_strings(args);
    return rc == 0 ? pid : -rc;
}

/* waitpid: (pid << 32) | status, 0 when WNOHANG finds nothing, -errno. */
JNIEXPORT jlong JNICALL FN(nWaitpid)(JNIEnv *env, jclass cls, jint pid, jint options) {
    (void) env, (void) cls;
    int status = 0;
    pid_t rc;
    while ((rc = waitpid(pid, &status, options)) < 0 && errno == EINTR) {
    }
    if (rc < 0) {
        return -errno;
    }
    return rc == 0 ? 0 : ((jlong) rc << 32) | (jlong) (unsigned int) status;
}

JNIEXPORT jint JNICALL FN(nKill)(JNIEnv *env, jclass cls, jint pid, jint sig) {
    (void) env, (void) cls;
    return kill(pid, sig) == 0 ? 0 : -errno;
}

JNIEXPORT jint JNICALL FN(nBecomeSubreaper)(JNIEnv *env, jclass cls) {
    (void) env, (void) cls;
    return prctl(PR_SET_CHILD_SUBREAPER, 1L, 0L, 0L, 0L) == 0 ? 0 : -errno;
}

JNIEXPORT jint JNICALL FN(nMallocTrim)(JNIEnv *env, jclass cls) {
    (void) env, (void) cls;
    return malloc_trim(0);
}

JNIEXPORT jint JNICALL FN(nUmask)(JNIEnv *env, jclass cls, jint mask) {
    (void) env, (void) cls;
    return (jint) umask((mode_t) mask);
}

/* pipe2(O_CLOEXEC) into fds[0..1]; 0 or -errno. */
JNIEXPORT jint JNICALL FN(nPipe)(JNIEnv *env, jclass cls, jintArray fds) {
    (void) cls;
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) {
        return -errno;
    }
    jint both[2] = {p[0], p[1]};
    (*env)->SetIntArrayRegion(env, fds, 0, 2, both);
    return 0;
}

/* read(2) into a direct buffer from position 0; bytes read, 0 at end of file, or -errno. */
JNIEXPORT jlong JNICALL FN(nRead)(JNIEnv *env, jclass cls, jint fd, jobject buffer, jlong n) {
    (void) cls;
    void *buf = (*env)->GetDirectBufferAddress(env, buffer);
    ssize_t rc;
    while ((rc = read(fd, buf, (size_t) n)) < 0 && errno == EINTR) {
    }
    return rc < 0 ? -errno : rc;
}

/* One write(2) of data[off, off+len), retried on EINTR; bytes written or -errno. */
JNIEXPORT jlong JNICALL FN(nWrite)(JNIEnv *env, jclass cls, jint fd, jbyteArray data, jint off, jint len) {
    (void) cls;
    char small[512];
    char *buf = len <= (jint) sizeof(small) ? small : malloc((size_t) len);
    if (buf == NULL) {
        return -ENOMEM;
    }
    (*env)->GetByteArrayRegion(env, data, off, len, (jbyte *) buf);
    ssize_t rc;
    while ((rc = write(fd, buf, (size_t) len)) < 0 && errno == EINTR) {
    }
    jlong result = rc < 0 ? -errno : rc;
    if (buf != small) {
        free(buf);
    }
    return result;
}

JNIEXPORT jint JNICALL FN(nClose)(JNIEnv *env, jclass cls, jint fd) {
    (void) env, (void) cls;
    return close(fd) == 0 ? 0 : -errno;
}

JNIEXPORT jint JNICALL FN(nSetNonBlocking)(JNIEnv *env, jclass cls, jint fd) {
    (void) env, (void) cls;
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0) {
        return -errno;
    }
    if ((flags & O_NONBLOCK) == 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
        return -errno;
    }
    return 0;
}

JNIEXPORT jint JNICALL FN(nSetPipeSize)(JNIEnv *env, jclass cls, jint fd, jint bytes) {
    (void) env, (void) cls;
    int rc = fcntl(fd, F_SETPIPE_SZ, bytes);
    return rc < 0 ? -errno : rc;
}

/* open(path, O_RDWR | O_CLOEXEC): the fd or -errno. */
JNIEXPORT jint JNICALL FN(nOpenReadWrite)(JNIEnv *env, jclass cls, jbyteArray path) {
    (void) cls;
    jsize len = (*env)->GetArrayLength(env, path);
    char *p = malloc((size_t) len + 1);
    if (p == NULL) {
        return -ENOMEM;
    }
    (*env)->GetByteArrayRegion(env, path, 0, len, (jbyte *) p);
    p[len] = '\0';
    int fd = open(p, O_RDWR | O_CLOEXEC);
    int e = errno;
    free(p);
    return fd < 0 ? -e : fd;
}

JNIEXPORT jint JNICALL FN(nEpollCreate)(JNIEnv *env, jclass cls) {
    (void) env, (void) cls;
    int fd = epoll_create1(EPOLL_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

JNIEXPORT jint JNICALL FN(nEpollCtl)(JNIEnv *env, jclass cls, jint epfd, jint op, jint fd, jint events, jlong data) {
    (void) env, (void) cls;
    struct epoll_event ev = {.events = (uint32_t) events, .data.u64 = (uint64_t) data};
    return epoll_ctl(epfd, op, fd, &ev) == 0 ? 0 : -errno;
}

/* epoll_wait into out: events of entry i at [2i], its data at [2i+1]; the count, 0 on timeout or
 * EINTR, or -errno. */
JNIEXPORT jint JNICALL FN(nEpollWait)(JNIEnv *env, jclass cls, jint epfd, jlongArray out, jint timeout) {
    (void) cls;
    struct epoll_event ev[64];
    jlong flat[128];
    int max = (*env)->GetArrayLength(env, out) / 2;
    if (max > 64) {
        max = 64;
    }
    int n = epoll_wait(epfd, ev, max, timeout);
    if (n < 0) {
        return errno == EINTR ? 0 : -errno;
    }
    for (int i = 0; i < n; i++) {
        flat[2 * i] = (jlong) ev[i].events;
        flat[2 * i + 1] = (jlong) ev[i].data.u64;
    }
    (*env)->SetLongArrayRegion(env, out, 0, 2 * n, flat);
    return n;
}

JNIEXPORT jint JNICALL FN(nEventfd)(JNIEnv *env, jclass cls) {
    (void) env, (void) cls;
    int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    return fd < 0 ? -errno : fd;
}

JNIEXPORT jstring JNICALL FN(nStrerror)(JNIEnv *env, jclass cls, jint errnum) {
    (void) cls;
    char buf[256];
    /* the GNU strerror_r returns the message, in buf or static */
    return (*env)->NewStringUTF(env, strerror_r(errnum, buf, sizeof(buf)));
}

/* 1 when sig is ignored (SIG_IGN), 0 when not, or -errno. */
JNIEXPORT jint JNICALL FN(nSignalIgnored)(JNIEnv *env, jclass cls, jint sig) {
    (void) env, (void) cls;
    struct sigaction old;
    if (sigaction(sig, NULL, &old) != 0) {
        return -errno;
    }
    return old.sa_handler == SIG_IGN ? 1 : 0;
}

JNIEXPORT jint JNICALL FN(nSignalDisposition)(JNIEnv *env, jclass cls, jint sig, jboolean ignore) {
    (void) env, (void) cls;
    return signal(sig, ignore ? SIG_IGN : SIG_DFL) == SIG_ERR ? -errno : 0;
}

/* getrlimit into out[0] (soft) and out[1] (hard); 0 or -errno. */
JNIEXPORT jint JNICALL FN(nGetrlimit)(JNIEnv *env, jclass cls, jint resource, jlongArray out) {
    (void) cls;
    struct rlimit rl;
    if (getrlimit(resource, &rl) != 0) {
        return -errno;
    }
    jlong both[2] = {(jlong) rl.rlim_cur, (jlong) rl.rlim_max};
    (*env)->SetLongArrayRegion(env, out, 0, 2, both);
    return 0;
}

JNIEXPORT jint JNICALL FN(nSetrlimit)(JNIEnv *env, jclass cls, jint resource, jlong soft, jlong hard) {
    (void) env, (void) cls;
    struct rlimit rl = {.rlim_cur = (rlim_t) soft, .rlim_max = (rlim_t) hard};
    return setrlimit(resource, &rl) == 0 ? 0 : -errno;
}

JNIEXPORT jint JNICALL FN(nGetpid)(JNIEnv *env, jclass cls) {
    (void) env, (void) cls;
    return getpid();
}

JNIEXPORT jint JNICALL FN(nGetuid)(JNIEnv *env, jclass cls) {
    (void) env, (void) cls;
    return (jint) getuid();
}

/* A direct buffer in malloc'd memory, not zeroed (ByteBuffer.allocateDirect zeroes its memory, which
 * makes all of it resident at once): a page counts only once a read has filled it. NULL, with
 * OutOfMemoryError pending, when there is no memory. */
JNIEXPORT jobject JNICALL FN(nAllocateBuffer)(JNIEnv *env, jclass cls, jlong size) {
    (void) cls;
    void *p = malloc((size_t) size);
    if (p == NULL) {
        (*env)->ThrowNew(env, (*env)->FindClass(env, "java/lang/OutOfMemoryError"), "native buffer");
        return NULL;
    }
    jobject buffer = (*env)->NewDirectByteBuffer(env, p, size);
    if (buffer == NULL) {
        free(p);
    }
    return buffer;
}

JNIEXPORT void JNICALL FN(nFreeBuffer)(JNIEnv *env, jclass cls, jobject buffer) {
    (void) cls;
    free((*env)->GetDirectBufferAddress(env, buffer));
}
