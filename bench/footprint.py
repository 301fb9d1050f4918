"""The in-pod footprint beside supervisord 4.2.5 (run by bench/footprint.sh)."""
import os
import subprocess
import tempfile
import time

import daemon_bench as d

ROOT = d.ROOT
RUNTIME = os.environ.get("BENCH_RUNTIME", os.path.join(ROOT, "bench", "results", "runtime"))
SETTLE = float(os.environ.get("BENCH_IDLE_SETTLE", "12"))


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS for %d" % pid)


def sidecar_rss(command):
    """RSS of a follower of a log that a program wrote 1 MiB to, once it has caught up and is idle."""
    work = tempfile.mkdtemp(prefix="kbench-tail-")
    log = os.path.join(work, "p.log")
    with open(log, "wb") as f:
        f.write((b"x" * 79 + b"\n") * 13108)
    out = os.path.join(work, "out")
    with open(out, "wb") as sink:
        proc = subprocess.Popen(command(work, log), stdout=sink, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while os.path.getsize(out) < os.path.getsize(log):
            if time.time() > deadline or proc.poll() is not None:
                raise RuntimeError("%s did not deliver the log" % command(work, log))
            time.sleep(0.05)
        time.sleep(SETTLE)
        return rss_kib(proc.pid) / 1024
    finally:
        proc.terminate()
        proc.wait()


def rotation_delivery(command):
    """Bytes a follower delivers of a log rotated supervisord's way (f -> f.1 -> ..., no backup
    deleted) 300 times while 30 MiB are written, against what was written."""
    work = tempfile.mkdtemp(prefix="kbench-rot-")
    log = os.path.join(work, "p.log")
    open(log, "wb").close()
    out = os.path.join(work, "out")
    with open(out, "wb") as sink:
        proc = subprocess.Popen(command(work, log), stdout=sink, stderr=subprocess.DEVNULL)
    written = 0
    try:
        time.sleep(0.5)  # both followers have opened the first file
        line = 0
        for rotation in range(300):
            with open(log, "ab") as f:
                for _ in range(1000):
                    data = b"%09d %s\n" % (line, b"x" * 90)
                    f.write(data)
                    written += len(data)
                    line += 1
            for i in range(rotation, 0, -1):
                os.rename("%s.%d" % (log, i), "%s.%d" % (log, i + 1))
            os.rename(log, log + ".1")
            open(log, "wb").close()
        # delivered: once the output stops growing for 3 s
        last, still = -1, 0
        while still < 30:
            size = os.path.getsize(out)
            still = still + 1 if size == last else 0
            last = size
            time.sleep(0.1)
        return os.path.getsize(out), written
    finally:
        proc.terminate()
        proc.wait()


def du_mb(paths):
    total = 0
    for top in paths:
        for base, _, files in os.walk(top):
            for name in files:
                p = os.path.join(base, name)
                if not os.path.islink(p):
                    total += os.path.getsize(p)
    return total / 1e6


def supervisord_runtime_mb():
    """What supervisord needs in an image: Debian's supervisor and the Python it runs on."""
    pkgs = subprocess.run(["dpkg-query", "-W", "-f", "${Package}\n"], capture_output=True, text=True).stdout.split()
    wanted = [p for p in pkgs if p == "supervisor" or p.startswith("python3.") and p.endswith("-minimal")
              or p.startswith("libpython3.") and (p.endswith("-minimal") or p.endswith("-stdlib"))]
    files = []
    for p in wanted:
        listing = subprocess.run(["dpkg", "-L", p], capture_output=True, text=True).stdout.split("\n")
        files += [f for f in listing if os.path.isfile(f) and not os.path.islink(f) and "/share/doc/" not in f
                  and "/share/man/" not in f]
    return sum(os.path.getsize(f) for f in set(files)) / 1e6, "+".join(wanted)


def tree_rss_kib(root):
    """RSS of a process and all its descendants, summed (shared pages count in each, on both sides)."""
    children = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open("/proc/%s/stat" % pid) as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(pid))
        except (FileNotFoundError, ProcessLookupError, IndexError):
            pass
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            total += rss_kib(pid)
        except (FileNotFoundError, ProcessLookupError, RuntimeError):
            continue  # exited meanwhile (or a kernel thread)
        todo.extend(children.get(pid, []))
    return total


def sidecar_files(example):
    """The log files the example's in-pod manifest streams through kupervisor-tail sidecars."""
    import yaml
    with open(os.path.join(ROOT, "examples", example, "in-pod", "deployment.yaml")) as f:
        spec = yaml.safe_load(f)["spec"]["template"]["spec"]
    # native sidecars: init containers that keep running (restartPolicy: Always)
    return [c["command"][-1] for c in spec["containers"] + spec.get("initContainers", [])
            if c["command"][0].endswith("/kupervisor-tail")]


def whole_pod(example, programs):
    """The example's config under supervisord, then under kupervisor as its in-pod manifest runs it
    (--health-port, --stable-auto-logs, one kupervisor-tail per streamed log): the RSS of each daemon
    with its programs (and kupervisor's sidecars), summed, once settled."""
    conf = os.path.join(ROOT, "examples", example, "supervisord.conf")
    env = dict(os.environ)
    # the images put php-fpm on PATH (Debian names it php-fpm8.2)
    shims = tempfile.mkdtemp(prefix="kbench-path-")
    if os.path.exists("/usr/sbin/php-fpm8.2"):
        os.symlink("/usr/sbin/php-fpm8.2", os.path.join(shims, "php-fpm"))
    env["PATH"] = shims + ":" + env.get("PATH", "")
    os.makedirs("/run/php", exist_ok=True)
    tail = os.path.join(RUNTIME, "bin", "kupervisor-tail")
    results = []
    for kind in ("supervisord", "kupervisor"):
        if kind == "supervisord":
            cmd = ["/usr/bin/supervisord", "-n", "-c", conf]
        else:
            cmd = [d.KUPERVISOR, "supervisord", "-n", "-c", conf, "--health-port", "9100", "--stable-auto-logs"]
        daemon = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  preexec_fn=lambda: os.setpgid(0, 0))
        sidecars, work = [], tempfile.mkdtemp(prefix="kbench-pod-")
        try:
            if kind == "kupervisor":
                for i, log in enumerate(sidecar_files(example)):
                    sidecars.append(subprocess.Popen([tail, "--position", os.path.join(work, "pos%d" % i), log],
                                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            time.sleep(SETTLE)  # the programs are up (startsecs) and both daemons have settled
            running = int(subprocess.run(["pgrep", "-c", "-P", str(daemon.pid)], capture_output=True,
                                         text=True).stdout or 0)
            if daemon.poll() is not None or running != programs:
                raise SystemExit("%s: %s runs %d of its %d programs (is %s installed?)"
                                 % (example, kind, running, programs, "nginx-light, php8.2-fpm" if programs == 2 else "python3"))
            results.append((tree_rss_kib(daemon.pid) + sum(rss_kib(s.pid) for s in sidecars)) / 1024)
        finally:
            for s in sidecars:
                s.terminate()
                s.wait()
            daemon.terminate()
            daemon.wait(60)
    return results


def main():
    rows = []
    tail = os.path.join(RUNTIME, "bin", "kupervisor-tail")
    c_tail = sidecar_rss(lambda w, log: [tail, "--position", os.path.join(w, "pos"), log])
    jvm_tail = sidecar_rss(lambda w, log: [os.path.join(RUNTIME, "bin", "kupervisor"), "tail", "-F", "-n", "+1", log])
    rows.append(("log sidecar RSS, idle after 1 MiB (supervisord: none, its own process writes the log)",
                 "-", "%.2f MiB (kupervisor-tail); %.1f MiB before (kupervisor tail -F, a JVM)" % (c_tail, jvm_tail), "-"))
    for name, command in (("kupervisor-tail", lambda w, log: [tail, "--position", os.path.join(w, "pos"), log]),
                          ("GNU tail -F", lambda w, log: ["tail", "-F", "-n", "+1", "-s", "0.05", log])):
        got, written = rotation_delivery(command)
        rows.append(("%s: bytes delivered across 300 rotations" % name, "-",
                     "%d of %d (%.2f%% lost)" % (got, written, 100.0 * (written - got) / written), "-"))
    sv, _ = d.idle_rss("supervisord")
    kv, _ = d.idle_rss("kupervisor")
    rows.append(("daemon idle RSS, 10 programs", "%.1f MiB" % sv, "%.1f MiB" % kv, "%.2fx" % (kv / sv)))
    for example, programs in (("timeit", 1), ("nginx-php-fpm", 2)):
        sv_pod, kv_pod = whole_pod(example, programs)
        rows.append(("whole pod, the %s example: the daemon, its programs and (kupervisor) its log sidecars, RSS summed"
                     % example, "%.1f MiB" % sv_pod, "%.1f MiB" % kv_pod, "%.2fx" % (kv_pod / sv_pod)))
    size = du_mb([os.path.join(RUNTIME, x) for x in ("bin", "lib", "runtime")])
    py, pkgs = supervisord_runtime_mb()
    rows.append(("runtime copied into a pod (kupervisor: bin lib runtime; supervisord: %s)" % pkgs,
                 "%.1f MB" % py, "%.1f MB" % size, "%.2fx" % (size / py)))
    print("| measure | supervisord 4.2.5 | kupervisor | kupervisor / supervisord |\n|---|---|---|---|")
    for r in rows:
        print("| %s | %s | %s | %s |" % r)


if __name__ == "__main__":
    main()
