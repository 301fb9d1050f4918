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
    size = du_mb([os.path.join(RUNTIME, x) for x in ("bin", "lib", "runtime")])
    py, pkgs = supervisord_runtime_mb()
    rows.append(("runtime copied into a pod (kupervisor: bin lib runtime; supervisord: %s)" % pkgs,
                 "%.1f MB" % py, "%.1f MB" % size, "%.2fx" % (size / py)))
    print("| measure | supervisord 4.2.5 | kupervisor | kupervisor / supervisord |\n|---|---|---|---|")
    for r in rows:
        print("| %s | %s | %s | %s |" % r)


if __name__ == "__main__":
    main()
