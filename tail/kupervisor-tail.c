/*
 * kupervisor-tail: the log sidecar of in-pod mode.
 *
 * It follows FILE by name from its first byte, as `tail -n +1 -F FILE` would, and writes its bytes
 * to stdout unchanged, so that this container's log (kubectl logs POD -c PROGRAM) is the program's
 * output: the whole log, then every byte as it is written, nothing added. What it has to say
 * itself goes to stderr, once per episode (a file it cannot open, a truncation).
 *
 * Why not GNU tail -F: when supervisord's rotation (close FILE, FILE.(N-1) -> FILE.N ... FILE ->
 * FILE.1, create FILE) runs several times before tail looks again, tail opens whatever FILE is
 * then and the files in between are lost (bench/footprint.sh measures it); and a restarted tail
 * starts over. This follower:
 *
 *   - reads the rest of the old file through the descriptor still open after a rotation, then the
 *     files written after it, found in FILE.1 ... FILE.N by inode (and birth time, so a reused
 *     inode number is not taken for a file already read), oldest first, then FILE. A look at the
 *     names is trusted only when a second look after the open finds them unchanged;
 *   - reads a truncated file (copytruncate, backups=0) again from its start, saying so;
 *   - after `supervisorctl clear` (FILE unlinked and created again) reads the old file to its end,
 *     then the new one;
 *   - with --position STATE, remembers in STATE the file and offset of the last byte written to
 *     stdout and which rotated files were read, so a restarted sidecar (the kubelet restarts it
 *     in place) goes on where the last one stopped: no byte lost, none repeated (a SIGKILL between
 *     a write and its record repeats that write's bytes, at most 64 KiB);
 *   - on SIGTERM (the kubelet stops sidecars after the main container) reads what is left, then
 *     exits 0, so the program's last lines are in the log;
 *   - sleeps in inotify between writes: a directory watch for FILE's names (creation, rename,
 *     removal, mode) and a watch on the file being read (modification). Nothing wakes it while the
 *     log is idle. Without inotify (the per-user limit of instances reached) it looks every second.
 *
 * A static binary (no libc of the image needed), in the kupervisor image beside kupervisor-init.
 *
 *   kupervisor-tail [--position STATE] FILE
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define PREFIX "kupervisor-tail: "
/* how far FILE.1 ... FILE.N is searched */
#define MAX_BACKUPS 10000
/* looks at names that kept moving before waiting for the next event */
#define RETRIES 20
/* the position file's first line: the file followed and the offset, fixed width so that an
   offset is recorded by one pwrite of this line */
#define HEADER_FORMAT "kupervisor-tail 1 %20llu %20llu %20llu %20llu\n"

/* A file's identity: device, inode and birth time (0 where the filesystem keeps none). */
typedef struct {
    unsigned long long dev, ino, btime;
} fkey;

static const fkey NO_FILE = {0, 0, 0};

/* The keys of FILE (index 0) and FILE.1, FILE.2 ... (NO_FILE where a name is missing). */
typedef struct {
    fkey *keys;
    int n, cap;
} names;

static const char *path;
static char dir[PATH_MAX];
static const char *base;
static size_t base_len;

static int cur = -1; /* the file being read, and its key and offset */
static fkey cur_key;
static unsigned long long pos;
static fkey *seen; /* files read (or older than the first one read) while still among the names */
static int n_seen, cap_seen;

static int inotify_fd = -1, dir_wd = -1, file_wd = -1;
static int retry_soon;      /* the names kept moving: look again shortly */
static char said_open[600]; /* the open or read problem said in this episode */
static int said_kind;       /* what it was: OPEN_PROBLEM or READ_PROBLEM */
static int said_watch, said_position;

static const char *position_path;
static int position_fd = -1;
static size_t position_len;

static char buf[65536];
static names look1, look2;

static void usage(void) {
    fputs("usage: kupervisor-tail [--position STATE] FILE\n"
          "Writes FILE from its first byte to stdout, then follows it by name across supervisord's\n"
          "rotation (FILE -> FILE.1 -> ...), truncation and re-creation (the log sidecar).\n"
          "  --position STATE  remember where it stopped in STATE and go on from there when restarted\n",
          stderr);
    exit(2);
}

static int missing(fkey k) {
    return k.ino == 0 && k.dev == 0;
}

static int same(fkey a, fkey b) {
    return a.dev == b.dev && a.ino == b.ino && a.btime == b.btime;
}

static void name_of(int k, char *out, size_t size) {
    if (k == 0) {
        snprintf(out, size, "%s", path);
    } else {
        snprintf(out, size, "%s.%d", path, k);
    }
}

static int key_at(int dirfd, const char *name, int flags, fkey *k) {
    struct statx sx;
    if (statx(dirfd, name, flags | AT_STATX_SYNC_AS_STAT, STATX_TYPE | STATX_INO | STATX_BTIME, &sx) != 0) {
        return -1;
    }
    if (!S_ISREG(sx.stx_mode)) {
        errno = S_ISDIR(sx.stx_mode) ? EISDIR : EINVAL;
        return -1;
    }
    k->dev = makedev(sx.stx_dev_major, sx.stx_dev_minor);
    k->ino = sx.stx_ino;
    k->btime = (sx.stx_mask & STATX_BTIME)
            ? (unsigned long long) sx.stx_btime.tv_sec * 1000000000ULL + sx.stx_btime.tv_nsec : 0;
    return 0;
}

static fkey key_of(const char *name) {
    fkey k;
    return key_at(AT_FDCWD, name, 0, &k) == 0 ? k : NO_FILE;
}

enum { OPEN_PROBLEM = 1, READ_PROBLEM };

/* Says a problem with the followed file once per episode (until a file opens or reads again). */
static void say_problem(int kind, const char *fmt, ...) {
    char message[sizeof said_open];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    if (strcmp(message, said_open) != 0) {
        fprintf(stderr, PREFIX "%s\n", message);
        snprintf(said_open, sizeof said_open, "%s", message);
    }
    said_kind = kind;
}

/* The end of an episode: a file opened (kind OPEN_PROBLEM) or read (READ_PROBLEM). */
static void problem_over(int kind) {
    if (said_open[0] != '\0' && said_kind == kind) {
        if (kind == OPEN_PROBLEM) fprintf(stderr, PREFIX "'%s' has become accessible\n", path);
        said_open[0] = '\0';
    }
}

static void look(names *l) {
    l->n = 0;
    int gap = 0;
    for (int k = 0; k <= MAX_BACKUPS && gap < 2; k++) {
        char name[PATH_MAX + 16];
        name_of(k, name, sizeof name);
        fkey key = key_of(name);
        if (l->n == l->cap) {
            l->cap = l->cap ? l->cap * 2 : 16;
            l->keys = realloc(l->keys, (size_t) l->cap * sizeof *l->keys);
            if (!l->keys) {
                fputs(PREFIX "out of memory\n", stderr);
                exit(1);
            }
        }
        l->keys[l->n++] = key;
        /* while a rotation shifts the chain one name is briefly missing: look one further */
        if (k > 0) gap = missing(key) ? gap + 1 : 0;
    }
    while (l->n > 1 && missing(l->keys[l->n - 1])) l->n--;
}

static int same_names(const names *a, const names *b) {
    if (a->n != b->n) return 0;
    for (int i = 0; i < a->n; i++) {
        if (!same(a->keys[i], b->keys[i])) return 0;
    }
    return 1;
}

static int index_of(const names *l, fkey k) {
    for (int i = 0; i < l->n; i++) {
        if (!missing(l->keys[i]) && same(l->keys[i], k)) return i;
    }
    return -1;
}

static int is_seen(fkey k) {
    for (int i = 0; i < n_seen; i++) {
        if (same(seen[i], k)) return 1;
    }
    return 0;
}

static void add_seen(fkey k) {
    if (missing(k) || is_seen(k)) return;
    if (n_seen == cap_seen) {
        cap_seen = cap_seen ? cap_seen * 2 : 16;
        seen = realloc(seen, (size_t) cap_seen * sizeof *seen);
        if (!seen) {
            fputs(PREFIX "out of memory\n", stderr);
            exit(1);
        }
    }
    seen[n_seen++] = k;
}

/* Forgets the files no longer among the names (their inode numbers get reused). */
static void keep_seen_among(const names *l) {
    int j = 0;
    for (int i = 0; i < n_seen; i++) {
        if (index_of(l, seen[i]) >= 0) seen[j++] = seen[i];
    }
    n_seen = j;
}

/* ---- the position file ---- */

static void say_position_problem(const char *what) {
    if (!said_position) {
        fprintf(stderr, PREFIX "cannot %s position file '%s': %s; a restart will start over\n", what,
                position_path, strerror(errno));
        said_position = 1;
    }
}

/* Records the file and offset (one pwrite of the fixed-width first line), and with `all` the
   files read too. */
static void record(int all) {
    if (position_fd < 0) return;
    char header[160];
    int n = snprintf(header, sizeof header, HEADER_FORMAT, cur_key.dev, cur_key.ino, cur_key.btime, pos);
    if (!all) {
        if (pwrite(position_fd, header, (size_t) n, 0) != n) say_position_problem("write");
        return;
    }
    size_t size = (size_t) n + (size_t) n_seen * 66 + 8;
    char *text = malloc(size);
    if (!text) return;
    size_t len = (size_t) n;
    memcpy(text, header, len);
    for (int i = 0; i < n_seen; i++) {
        len += (size_t) snprintf(text + len, size - len, "%llu %llu %llu\n", seen[i].dev, seen[i].ino, seen[i].btime);
    }
    len += (size_t) snprintf(text + len, size - len, "end\n");
    if (pwrite(position_fd, text, len, 0) != (ssize_t) len) {
        say_position_problem("write");
    } else if (len < position_len && ftruncate(position_fd, (off_t) len) != 0) {
        say_position_problem("write");
    }
    position_len = len;
    free(text);
}

/* Reads the position file: whether it held a position (cur_key, pos and seen are set from it). */
static int load_position(void) {
    position_fd = open(position_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (position_fd < 0) {
        say_position_problem("open");
        return 0;
    }
    FILE *f = fdopen(dup(position_fd), "r");
    if (!f) return 0;
    char line[256];
    int loaded = 0;
    if (fgets(line, sizeof line, f)
            && sscanf(line, "kupervisor-tail 1 %llu %llu %llu %llu", &cur_key.dev, &cur_key.ino, &cur_key.btime,
                      &pos) == 4) {
        loaded = 1;
        while (fgets(line, sizeof line, f) && strcmp(line, "end\n") != 0) {
            fkey k;
            if (sscanf(line, "%llu %llu %llu", &k.dev, &k.ino, &k.btime) == 3) add_seen(k);
        }
    }
    struct stat st;
    position_len = fstat(position_fd, &st) == 0 ? (size_t) st.st_size : 0;
    fclose(f);
    return loaded;
}

/* ---- reading ---- */

static void write_out(const char *data, size_t len) {
    while (len > 0) {
        ssize_t w = write(STDOUT_FILENO, data, len);
        if (w < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) {
                struct pollfd p = {STDOUT_FILENO, POLLOUT, 0};
                poll(&p, 1, -1);
                continue;
            }
            /* nobody reads the log any more; what was not written stays unrecorded */
            fprintf(stderr, PREFIX "standard output: %s\n", strerror(errno));
            exit(1);
        }
        data += w;
        len -= (size_t) w;
        pos += (unsigned long long) w;
        record(0);
    }
}

/* Writes what the current file holds beyond the offset; a file now shorter is read from its start. */
static void drain(void) {
    struct stat st;
    if (fstat(cur, &st) != 0) return;
    if ((unsigned long long) st.st_size < pos) {
        fprintf(stderr, PREFIX "%s: file truncated\n", path);
        pos = 0;
        record(0);
    }
    for (;;) {
        ssize_t n = pread(cur, buf, sizeof buf, (off_t) pos);
        if (n < 0) {
            if (errno == EINTR) continue;
            say_problem(READ_PROBLEM, "error reading '%s': %s", path, strerror(errno));
            return;
        }
        problem_over(READ_PROBLEM);
        if (n == 0) return;
        write_out(buf, (size_t) n);
    }
}

/* Watches the file being read for writes, through its descriptor (its name may have moved). */
static void watch_current(void) {
    if (inotify_fd < 0) return;
    if (file_wd >= 0) inotify_rm_watch(inotify_fd, file_wd);
    char fd_path[64];
    snprintf(fd_path, sizeof fd_path, "/proc/self/fd/%d", cur);
    file_wd = inotify_add_watch(inotify_fd, fd_path, IN_MODIFY);
    if (file_wd < 0 && !said_watch) {
        fprintf(stderr, PREFIX "cannot watch '%s': %s; looking every second instead\n", path, strerror(errno));
        said_watch = 1;
    }
}

static void switch_to(int fd, fkey key, unsigned long long offset) {
    if (cur >= 0) close(cur);
    cur = fd;
    cur_key = key;
    pos = offset;
    add_seen(key);
    problem_over(OPEN_PROBLEM);
    watch_current();
    record(1);
}

/* Opens a file by name and learns its key from the descriptor. */
static int open_file(const char *name, fkey *key) {
    int fd = open(name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) return -1;
    if (key_at(fd, "", AT_EMPTY_PATH, key) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

enum { FOUND, WAIT, RETRY };

/*
 * The file written after the current one. When the current file is FILE.k that is the nearest
 * name younger than it (FILE.(k-1), or FILE); when it is no longer among the names (cleared,
 * pushed past the last backup) or there is none yet, the oldest file not read yet, else FILE.
 * The answer counts only if the names look the same after the open as before it.
 */
static int next_file(int *fd, fkey *key) {
    look(&look1);
    keep_seen_among(&look1);
    if (cur >= 0) add_seen(cur_key);
    int k = cur >= 0 ? index_of(&look1, cur_key) : -1;
    int j;
    if (k == 0) {
        return WAIT;
    } else if (k > 0) {
        for (j = k - 1; j >= 0 && missing(look1.keys[j]); j--) {
        }
        if (j < 0) return WAIT; /* FILE was renamed and is not created yet */
    } else {
        for (j = look1.n - 1; j >= 1; j--) {
            if (!missing(look1.keys[j]) && !is_seen(look1.keys[j])) break;
        }
        if (j < 1) {
            if (missing(look1.keys[0]) || is_seen(look1.keys[0])) return WAIT;
            j = 0;
        }
    }
    char name[PATH_MAX + 16];
    name_of(j, name, sizeof name);
    int f = open_file(name, key);
    if (f < 0) {
        if (errno == ENOENT) return RETRY;
        say_problem(OPEN_PROBLEM, "cannot open '%s' for reading: %s", name, strerror(errno));
        return WAIT;
    }
    look(&look2);
    if (!same_names(&look1, &look2) || !same(*key, look2.keys[j])) {
        close(f);
        return RETRY;
    }
    *fd = f;
    return FOUND;
}

/* One round: what was appended, then whatever rotation, truncation or re-creation happened. */
static void step(void) {
    int fd;
    fkey key;
    int retries = 0;
    retry_soon = 0;
    if (cur < 0) {
        int r;
        while ((r = next_file(&fd, &key)) == RETRY && ++retries <= RETRIES) {
        }
        if (r != FOUND) {
            retry_soon = r == RETRY;
            return;
        }
        switch_to(fd, key, 0);
    }
    drain();
    for (int guard = 0; guard < 1000; guard++) {
        fkey at_name = key_of(path);
        if (!missing(at_name) && same(at_name, cur_key)) break;
        drain(); /* what was written to the old file before it was renamed */
        int r = next_file(&fd, &key);
        if (r == WAIT) break;
        if (r == RETRY) {
            if (++retries > RETRIES) {
                retry_soon = 1;
                break;
            }
            continue;
        }
        switch_to(fd, key, 0);
        drain();
    }
}

/* Where the follower starts: the position recorded by the sidecar before this one, if any, else
   FILE's first byte (the rotated files already there are older: they are not read). */
static void start(void) {
    look(&look1);
    if (position_path && load_position()) {
        /* the file moves to the next backup names while the daemon rotates between the look and
           the open: follow it upwards, then look again; it is gone only when a look lists it not */
        for (int tries = 0; !missing(cur_key) && tries <= RETRIES; tries++) {
            if (tries > 0) look(&look1);
            int k = index_of(&look1, cur_key);
            if (k < 0) break;
            for (int j = k; j <= MAX_BACKUPS && j <= k + RETRIES; j++) {
                char name[PATH_MAX + 16];
                name_of(j, name, sizeof name);
                fkey key;
                int fd = open_file(name, &key);
                if (fd < 0) break;
                if (same(key, cur_key)) {
                    switch_to(fd, key, pos);
                    return;
                }
                close(fd);
            }
        }
        /* none yet, or gone (cleared, rotated past the last backup): the oldest file not read */
        cur_key = NO_FILE;
        pos = 0;
        record(1);
        return;
    }
    cur_key = NO_FILE;
    pos = 0;
    n_seen = 0;
    for (int i = 1; i < look1.n; i++) add_seen(look1.keys[i]);
    record(1);
}

static int relevant(const struct inotify_event *e) {
    if (e->wd == file_wd || e->mask & IN_Q_OVERFLOW) return 1;
    if (e->wd != dir_wd) return 0;
    if (e->len == 0) return 1;
    if (strncmp(e->name, base, base_len) != 0) return 0;
    const char *rest = e->name + base_len;
    if (*rest == '\0') return 1;
    if (*rest++ != '.' || *rest == '\0') return 0;
    for (; *rest; rest++) {
        if (*rest < '0' || *rest > '9') return 0;
    }
    return 1;
}

/* Reads the pending events: whether one of them concerns FILE's names or the file being read. */
static int events(void) {
    char events_buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    int any = 0;
    for (;;) {
        ssize_t n = read(inotify_fd, events_buf, sizeof events_buf);
        if (n <= 0) return any;
        for (char *p = events_buf; p < events_buf + n;) {
            struct inotify_event *e = (struct inotify_event *) p;
            if (e->wd == dir_wd && e->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)) {
                dir_wd = -1;
                any = 1;
            } else if (e->wd == file_wd && e->mask & IN_IGNORED) {
                file_wd = -1;
            } else if (relevant(e)) {
                any = 1;
            }
            p += sizeof *e + e->len;
        }
    }
}

static void watch_dir(void) {
    if (inotify_fd < 0 || dir_wd >= 0) return;
    dir_wd = inotify_add_watch(inotify_fd, dir, IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_ATTRIB
            | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR);
    if (dir_wd < 0 && !said_watch) {
        fprintf(stderr, PREFIX "cannot watch '%s': %s; looking every second instead\n", dir, strerror(errno));
        said_watch = 1;
    }
}

int main(int argc, char **argv) {
    int i = 1;
    for (; i < argc; i++) {
        if (strcmp(argv[i], "--position") == 0 && i + 1 < argc) {
            position_path = argv[++i];
        } else if (strncmp(argv[i], "--position=", 11) == 0) {
            position_path = argv[i] + 11;
        } else if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            usage();
        } else {
            break;
        }
    }
    if (i != argc - 1 || argv[i][0] == '\0') usage();
    path = argv[i];
    const char *slash = strrchr(path, '/');
    if (slash == NULL) {
        snprintf(dir, sizeof dir, ".");
        base = path;
    } else {
        snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int) (slash - path), path);
        base = slash + 1;
    }
    base_len = strlen(base);
    if (base_len == 0) usage();

    signal(SIGPIPE, SIG_IGN);
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGHUP);
    sigprocmask(SIG_BLOCK, &stop, NULL);
    int signal_fd = signalfd(-1, &stop, SFD_CLOEXEC);
    if (signal_fd < 0) {
        perror(PREFIX "signalfd");
        return 1;
    }
    inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (inotify_fd < 0) {
        fprintf(stderr, PREFIX "no inotify (%s); looking every second instead\n", strerror(errno));
        said_watch = 1;
    }

    watch_dir();
    start();
    int pending = 1;
    for (;;) {
        watch_dir();
        if (pending) step();
        /* asleep until an event, unless something is not watched or not readable yet */
        int timeout = -1;
        if (inotify_fd < 0 || dir_wd < 0 || (cur >= 0 && file_wd < 0) || said_open[0] != '\0') timeout = 1000;
        if (retry_soon) timeout = 50;
        struct pollfd fds[2] = {{signal_fd, POLLIN, 0}, {inotify_fd, POLLIN, 0}};
        int ready = poll(fds, inotify_fd >= 0 ? 2 : 1, timeout);
        if (ready < 0 && errno != EINTR) {
            perror(PREFIX "poll");
            return 1;
        }
        if (fds[0].revents & POLLIN) {
            /* stopping: what the program wrote last is written before the exit */
            step();
            return 0;
        }
        pending = ready <= 0 || (inotify_fd >= 0 && (fds[1].revents & POLLIN) && events());
    }
}
