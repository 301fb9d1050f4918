#!/usr/bin/python3
"""kupervisor supervisord beside supervisord 4.2.5 (Debian's package), same configs, same run.

Usage: bench/daemon.sh [--quick]   (--quick: shorter idle-CPU window, fewer repetitions)

Prints one table with both figures and the ratio for each measure, and writes it to
bench/results/daemon-<date>.md. The measures (from the daemon issue):
  restart latency after an exit from RUNNING (kill -9 to the next 'spawned:' log line)
  start to all of 50 programs spawned (process start to the 50th 'spawned:' line; JVM start included)
  log capture throughput of a flooding child, rotation on, no byte lost
  idle RSS with 10 programs
  CPU used over 60 idle seconds with 50 programs
  1,000 programs to all RUNNING
"""
import datetime
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QUICK = "--quick" in sys.argv
# idle means settled: start-up's transient memory (the JIT's arenas, a first GC) has been given back
# the launcher measured: the image's runtime (built by bench/daemon.sh), or another one
KUPERVISOR = os.environ.get("BENCH_KUPERVISOR", os.path.join(ROOT, "kupervisor"))
IDLE_SETTLE = float(os.environ.get("BENCH_IDLE_SETTLE", "12"))
LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) (\w{4}) (.*)$")


def ts(stamp):
    return datetime.datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S,%f").timestamp()


class Daemon:
    """One daemon (supervisord or kupervisor) on a config in its own directory."""

    def __init__(self, kind, programs, extra_supervisord=""):
        self.kind = kind
        self.dir = tempfile.mkdtemp(prefix="kbench-%s-" % kind)
        self.log = os.path.join(self.dir, "supervisord.log")
        with open(os.path.join(self.dir, "supervisord.conf"), "w") as f:
            f.write("[supervisord]\nnodaemon=true\nsilent=true\nminfds=8192\nloglevel=info\n"
                    "logfile=%s\npidfile=%s/s.pid\nchildlogdir=%s\n%s\n%s" % (
                        self.log, self.dir, self.dir, extra_supervisord, programs))

    def start(self):
        conf = os.path.join(self.dir, "supervisord.conf")
        if self.kind == "supervisord":
            cmd = ["/usr/bin/supervisord", "-c", conf]
        else:
            cmd = [KUPERVISOR, "supervisord", "-c", conf]
        self.t0 = time.time()
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     preexec_fn=lambda: os.setpgid(0, 0))
        return self

    def pid(self):
        # the launcher execs java, so the Popen pid is the daemon's pid either way
        return self.proc.pid

    def lines(self):
        try:
            with open(self.log) as f:
                return [m.groups() for m in map(LINE.match, f.read().splitlines()) if m]
        except FileNotFoundError:
            return []

    def wait_for(self, predicate, timeout=120):
        end = time.time() + timeout
        while time.time() < end:
            lines = self.lines()
            if predicate(lines):
                return lines
            time.sleep(0.02)
        raise SystemExit("%s: timed out waiting (log: %s)" % (self.kind, self.log))

    def stop(self):
        try:
            os.kill(self.proc.pid, signal.SIGTERM)
            self.proc.wait(60)
        except Exception:
            os.killpg(self.proc.pid, signal.SIGKILL)
        shutil.rmtree(self.dir, ignore_errors=True)

    def rss_kib(self):
        with open("/proc/%d/status" % self.pid()) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])

    def cpu_seconds(self):
        # schedstat has nanoseconds (stat's clock ticks are 10 ms); every thread counts
        total = 0
        for task in os.listdir("/proc/%d/task" % self.pid()):
            try:
                with open("/proc/%d/task/%s/schedstat" % (self.pid(), task)) as f:
                    total += int(f.read().split()[0])
            except FileNotFoundError:
                pass
        return total / 1e9


def count(lines, prefix):
    return sum(1 for _, _, msg in lines if msg.startswith(prefix))


def restart_latency(kind):
    d = Daemon(kind, "[program:victim]\ncommand=/bin/sleep 1000\nstartsecs=1\n").start()
    samples = []
    try:
        for i in range(3 if QUICK else 7):
            lines = d.wait_for(lambda l: count(l, "success: victim") >= i + 1)
            time.sleep(1.2)  # up for more than a second: no throttling on either side
            pid = int([m for _, _, m in lines if m.startswith("spawned: 'victim'")][-1].rsplit(" ", 1)[1])
            t_kill = time.time()
            os.kill(pid, signal.SIGKILL)
            lines = d.wait_for(lambda l: count(l, "spawned: 'victim'") >= i + 2)
            t_spawn = ts([s for s, _, m in lines if m.startswith("spawned: 'victim'")][-1])
            samples.append(max(t_spawn - t_kill, 0.0005))
    finally:
        d.stop()
    return statistics.median(samples) * 1000, "ms"


def start_50(kind):
    progs = "".join("[program:p%02d]\ncommand=/bin/sleep 1000\n" % i for i in range(50))
    samples = []
    for _ in range(2 if QUICK else 3):
        d = Daemon(kind, progs).start()
        try:
            lines = d.wait_for(lambda l: count(l, "spawned:") >= 50)
            last = max(ts(s) for s, _, m in lines if m.startswith("spawned:"))
            samples.append(last - d.t0)
        finally:
            d.stop()
    return statistics.median(samples) * 1000, "ms"


def throughput(kind):
    mib = 1024
    samples = []
    for _ in range(2 if QUICK else 3):
        # the previous run's gigabyte still being written back would throttle this one's writes
        os.sync()
        d = Daemon(kind, "[program:flood]\ncommand=/usr/bin/head -c %d /dev/zero\n"
                         "startsecs=0\nautorestart=false\nstdout_logfile=%%(here)s/flood.log\n"
                         "stdout_logfile_maxbytes=10MB\nstdout_logfile_backups=200\n" % (mib << 20)).start()
        try:
            lines = d.wait_for(lambda l: count(l, "exited: flood") >= 1, timeout=300)
            spawned = ts([s for s, _, m in lines if m.startswith("spawned: 'flood'")][0])
            exited = ts([s for s, _, m in lines if m.startswith("exited: flood")][0])
            time.sleep(0.5)
            total = sum(os.path.getsize(os.path.join(d.dir, f)) for f in os.listdir(d.dir) if f.startswith("flood.log"))
            lost = (mib << 20) - total
            if lost:
                raise SystemExit("%s lost %d bytes of the flood (log: %s)" % (kind, lost, d.log))
        finally:
            d.stop()
        samples.append(mib / (exited - spawned))
    return statistics.median(samples), "MiB/s, median of %d, no byte lost" % len(samples)


def idle_rss(kind):
    progs = "".join("[program:p%02d]\ncommand=/bin/sleep 1000\n" % i for i in range(10))
    d = Daemon(kind, progs).start()
    try:
        d.wait_for(lambda l: count(l, "success:") >= 10)
        time.sleep(IDLE_SETTLE)
        return d.rss_kib() / 1024, "MiB"
    finally:
        d.stop()


def idle_cpu(kind):
    window = 15 if QUICK else 60
    progs = "".join("[program:p%02d]\ncommand=/bin/sleep 100000\n" % i for i in range(50))
    d = Daemon(kind, progs).start()
    try:
        d.wait_for(lambda l: count(l, "success:") >= 50)
        time.sleep(IDLE_SETTLE)
        c0 = d.cpu_seconds()
        time.sleep(window)
        return (d.cpu_seconds() - c0) * 1000, "ms CPU in %d s" % window
    finally:
        d.stop()


def thousand(kind):
    progs = "".join("[program:p%04d]\ncommand=/bin/sleep 100000\nstdout_logfile=NONE\nstderr_logfile=NONE\n" % i
                    for i in range(1000))
    d = Daemon(kind, progs).start()
    try:
        lines = d.wait_for(lambda l: count(l, "success:") >= 1000, timeout=600)
        last = max(ts(s) for s, _, m in lines if m.startswith("success:"))
        return last - d.t0, "s"
    finally:
        d.stop()


MEASURES = [
    ("restart latency after an exit from RUNNING", restart_latency, "lower"),
    ("start to all of 50 programs spawned", start_50, "lower"),
    ("log capture throughput (1 GiB, rotation on)", throughput, "higher"),
    ("idle RSS with 10 programs (after %d s to settle)" % IDLE_SETTLE, idle_rss, "lower"),
    ("CPU over idle seconds (after %d s to settle), 50 programs" % IDLE_SETTLE, idle_cpu, "lower"),
    ("1,000 programs to all RUNNING", thousand, "lower"),
]


def main():
    subprocess.run([os.path.join(ROOT, "kupervisor"), "--version"], check=True, stdout=subprocess.DEVNULL)
    # one run of the daemon first: with ./kupervisor its class-data archive is written at its exit
    # (the image's runtime has its AOT cache from dist.sh); every measured run starts with it
    warm = Daemon("kupervisor", "[program:warm]\ncommand=/bin/sleep 1000\nstartsecs=1\n").start()
    warm.wait_for(lambda l: count(l, "success: warm") >= 1)
    warm.stop()
    rows = []
    for title, fn, better in MEASURES:
        sv, unit = fn("supervisord")
        kv, unit_k = fn("kupervisor")
        if better == "lower":
            ratio = sv / kv if kv > 0 else float("inf")
        else:
            ratio = kv / sv if sv > 0 else float("inf")
        rows.append((title, sv, kv, unit_k if "lost" in unit_k else unit, ratio, unit))
        print("%-48s supervisord %10.2f  kupervisor %10.2f  %-28s kupervisor is %.2fx %s" % (
            title, sv, kv, unit_k, ratio, "better" if ratio >= 1 else "worse"), flush=True)
    out = os.path.join(ROOT, "bench", "results")
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, "daemon-%s.md" % datetime.date.today().isoformat())
    with open(path, "w") as f:
        f.write("| measure | supervisord 4.2.5 | kupervisor | unit | kupervisor vs supervisord |\n|---|---|---|---|---|\n")
        for title, sv, kv, unit, ratio, sunit in rows:
            f.write("| %s | %.2f | %.2f | %s | %.2fx %s |\n" % (title, sv, kv, unit, ratio,
                                                           "better" if ratio >= 1 else "worse"))
    print("written to", path)


if __name__ == "__main__":
    main()
