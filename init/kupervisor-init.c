/*
 * kupervisor-init: PID 1 of a kupervisor process pod.
 *
 * The operator runs every process as its own pod, and the kubelet stops a container by sending
 * its PID 1 the image's STOPSIGNAL (TERM unless the image says otherwise), then SIGKILL after the
 * grace period. A program that is PID 1 gets no default signal actions (the kernel drops TERM for
 * a PID 1 without a handler) and nobody reaps its orphans. This init sits in between, as
 * supervisord sits between its children and the world:
 *
 *   - it starts COMMAND in a process group of its own (supervisord's setpgrp) with the umask and
 *     stderr redirection of the program's config;
 *   - it passes every signal it gets on to COMMAND (or to its whole group with -g: stopasgroup),
 *     turning TERM into the program's stopsignal (-s);
 *   - it reaps every orphan and exits as COMMAND exits: its exit code, or 128+N for a death by
 *     signal N, which is how the container runtime reports it;
 *   - a COMMAND that cannot be executed is reported in supervisord's words on the container's
 *     termination message (spawnerr: can't find command 'x'), exit status 127 (126: not
 *     executable).
 *
 * It is a static binary of its own (no libc of the image needed), copied into the pod by an init
 * container from the kupervisor image (--install DIR). Usage:
 *
 *   kupervisor-init [-s SIG] [-g] [-u UMASK] [-e] [-t FILE] -- COMMAND [ARG...]
 *   kupervisor-init --install DIR
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define PREFIX "kupervisor-init: "
#define SPAWNERR "spawnerr: "

static void usage(void) {
    fputs("usage: kupervisor-init [-s SIG] [-g] [-u UMASK] [-e] [-t FILE] -- COMMAND [ARG...]\n"
          "       kupervisor-init --install DIR\n"
          "  -s SIG    pass TERM (the kubelet's stop signal) on as signal number SIG (stopsignal)\n"
          "  -g        signal COMMAND's whole process group (stopasgroup)\n"
          "  -u UMASK  octal umask for COMMAND (umask)\n"
          "  -e        COMMAND's stderr goes to its stdout (redirect_stderr)\n"
          "  -t FILE   where a failure to execute COMMAND is written (default /dev/termination-log)\n",
          stderr);
    exit(2);
}

/* Copies this executable to DIR/kupervisor-init (the init container's job). */
static int install(const char *dir) {
    char target[4096];
    if (snprintf(target, sizeof target, "%s/kupervisor-init", dir) >= (int) sizeof target) {
        fprintf(stderr, PREFIX "directory name too long: %s\n", dir);
        return 1;
    }
    int in = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (in < 0) {
        perror(PREFIX "/proc/self/exe");
        return 1;
    }
    int out = open(target, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
    if (out < 0) {
        fprintf(stderr, PREFIX "%s: %s\n", target, strerror(errno));
        return 1;
    }
    char buf[65536];
    ssize_t n;
    while ((n = read(in, buf, sizeof buf)) > 0) {
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(out, buf + off, (size_t) (n - off));
            if (w < 0) {
                if (errno == EINTR) continue;
                fprintf(stderr, PREFIX "%s: %s\n", target, strerror(errno));
                return 1;
            }
            off += w;
        }
    }
    if (n < 0 || fchmod(out, 0755) != 0 || close(out) != 0) {
        fprintf(stderr, PREFIX "%s: %s\n", target, strerror(errno));
        return 1;
    }
    return 0;
}

/* In the child: says why COMMAND could not be executed, as supervisord says it, and exits. */
static void spawn_failed(const char *termination_log, const char *command, int err) {
    char message[4200];
    if (err == ENOENT || err == ENOTDIR) {
        snprintf(message, sizeof message, SPAWNERR "can't find command '%s'", command);
    } else if (err == EACCES) {
        snprintf(message, sizeof message, SPAWNERR "command at '%s' is not executable", command);
    } else {
        snprintf(message, sizeof message, SPAWNERR "couldn't exec %s: %s", command, strerror(err));
    }
    int fd = open(termination_log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0) {
        ssize_t ignored = write(fd, message, strlen(message));
        (void) ignored;
        close(fd);
    }
    fprintf(stderr, PREFIX "%s\n", message);
    _exit(err == EACCES ? 126 : 127);
}

int main(int argc, char **argv) {
    int stop_signal = 0, group = 0, redirect = 0;
    long mask = -1;
    const char *termination_log = "/dev/termination-log";
    int i = 1;
    if (argc == 3 && strcmp(argv[1], "--install") == 0) {
        return install(argv[2]);
    }
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        } else if (strcmp(a, "-g") == 0) {
            group = 1;
        } else if (strcmp(a, "-e") == 0) {
            redirect = 1;
        } else if (strcmp(a, "-s") == 0 && i + 1 < argc) {
            char *end;
            long s = strtol(argv[++i], &end, 10);
            if (*end != '\0' || s < 1 || s >= NSIG) usage();
            stop_signal = (int) s;
        } else if (strcmp(a, "-u") == 0 && i + 1 < argc) {
            char *end;
            mask = strtol(argv[++i], &end, 8);
            if (*end != '\0' || mask < 0 || mask > 07777) usage();
        } else if (strcmp(a, "-t") == 0 && i + 1 < argc) {
            termination_log = argv[++i];
        } else {
            usage();
        }
    }
    if (i >= argc) usage();
    char **command = argv + i;

    sigset_t all, none;
    sigfillset(&all);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &all, NULL);
    if (getpid() != 1) {
        /* not the container's PID 1 (a shared process namespace, a test): adopt orphans anyway */
        prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    }

    pid_t child = fork();
    if (child < 0) {
        perror(PREFIX "fork");
        return 1;
    }
    if (child == 0) {
        struct sigaction dfl;
        memset(&dfl, 0, sizeof dfl);
        dfl.sa_handler = SIG_DFL;
        for (int s = 1; s < NSIG; s++) {
            sigaction(s, &dfl, NULL); /* fails harmlessly for KILL, STOP and glibc's own */
        }
        sigprocmask(SIG_SETMASK, &none, NULL);
        setpgid(0, 0);
        if (mask >= 0) umask((mode_t) mask);
        if (redirect) dup2(1, 2);
        execvp(command[0], command);
        spawn_failed(termination_log, command[0], errno);
    }
    /* the child's own group exists once either side has called setpgid */
    setpgid(child, child);

    for (;;) {
        siginfo_t info;
        int sig = sigwaitinfo(&all, &info);
        if (sig < 0) {
            continue;
        }
        if (sig == SIGCHLD) {
            int status;
            pid_t pid;
            while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
                if (pid == child) {
                    if (WIFEXITED(status)) return WEXITSTATUS(status);
                    return 128 + WTERMSIG(status);
                }
            }
            continue;
        }
        if (sig == SIGTERM && stop_signal != 0) {
            sig = stop_signal;
        }
        if (kill(group ? -child : child, sig) != 0 && group) {
            kill(child, sig);
        }
    }
}
