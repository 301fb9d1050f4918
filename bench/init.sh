#!/usr/bin/env bash
# The cost of a PID 1 in a process pod: kupervisor-init beside Debian's tini-static and dumb-init.
# For each: its size, its resident memory while the program runs, and the time to start and reap
# a program through it (N runs of `INIT -- /bin/true`, against /bin/true alone). A preStop hook
# costs nothing while the program runs, but a /bin/sh (and kill) per stop, and reaps nothing.
# Usage: bench/init.sh [N]   (default 2000; needs gcc, and apt-get for tini and dumb-init)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-2000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
init/build.sh "$work/kupervisor-init" >/dev/null
(cd "$work" && apt-get download tini dumb-init >/dev/null 2>&1 && for d in *.deb; do dpkg-deb -x "$d" x; done)
declare -A bin=([kupervisor-init]="$work/kupervisor-init" [tini-static]="$work/x/usr/bin/tini-static"
    [dumb-init]="$work/x/usr/bin/dumb-init")
declare -A args=([kupervisor-init]="-s 3 -g --" [tini-static]="-s -g --" [dumb-init]="--rewrite 15:3 --")

runs() { # command... : seconds for N runs
    local t0 t1
    t0=$(date +%s.%N)
    for ((i = 0; i < n; i++)); do "$@"; done
    t1=$(date +%s.%N)
    echo "$t1 - $t0" | bc
}
base=$(runs /bin/true)
printf '| init | linked | size | RSS while the program runs | start+reap of /bin/true (%s runs) | per run over /bin/true alone | rewrites TERM to the stopsignal | umask, redirect_stderr |\n|---|---|---|---|---|---|---|---|\n' "$n"
for name in kupervisor-init tini-static dumb-init; do
    b=${bin[$name]}
    linked=$(file -b "$b" | grep -o 'statically linked\|dynamically linked')
    size=$(stat -c %s "$b")
    # shellcheck disable=SC2086
    "$b" ${args[$name]} /bin/sleep 5 &
    pid=$!
    sleep 0.5
    rss=$(awk '/VmRSS/{print $2" "$3}' "/proc/$pid/status")
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    # shellcheck disable=SC2086
    t=$(runs "$b" ${args[$name]} /bin/true)
    per=$(echo "scale=3; ($t - $base) * 1000000 / $n" | bc)
    case $name in
        kupervisor-init) rw=yes; um=yes ;;
        tini-static) rw=no; um=no ;;
        dumb-init) rw=yes; um=no ;;
    esac
    printf '| %s | %s | %s KB | %s | %.2f s | %s µs | %s | %s |\n' "$name" "$linked" "$((size / 1024))" "$rss" "$t" "$per" "$rw" "$um"
done
printf '\n(/bin/true alone: %.2f s for %s runs; %s cores, load %s)\n' "$base" "$n" "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)"
