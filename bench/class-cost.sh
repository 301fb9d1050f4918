#!/usr/bin/env bash
# What the daemon's idle RSS is made of (issue 18): a sleeping JVM with the daemon's options and its
# own AOT cache, before and after the FFM (what the daemon's POSIX calls went through until they
# moved to JNI), and after loading kupervisor's Posix class (JNI); the number of classes each
# loaded; then the daemon itself with 10 programs (bench/daemon_bench.py). About two minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=tools/jdk25.sh
source tools/jdk25.sh
./kupervisor --version >/dev/null   # builds the jars when sources changed
rt="${BENCH_RUNTIME:-bench/results/runtime}"
tools/package/dist.sh "$rt" >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$JAVA_HOME/bin/javac" -d "$work" bench/ClassCost.java
"$JAVA_HOME/bin/jar" cf "$work/cost.jar" -C "$work" ClassCost.class
cp="$work/cost.jar:$rt/lib/kupervisor.jar"
java=("$rt/runtime/bin/java" "@$rt/lib/daemon.jvmoptions" -Xlog:aot=off -Xlog:cds=off
      -Dkupervisor.posix.library="$rt/lib/libkupervisor-posix.so")

measure() {   # label, arguments of ClassCost
    local label="$1"; shift
    local aot="$work/$(echo "$*" | tr -c 'a-zA-Z0-9' _).aot"
    timeout 10 "${java[@]}" -XX:AOTCacheOutput="$aot" -cp "$cp" ClassCost "$@" >/dev/null 2>&1 || true
    "${java[@]}" -XX:AOTCache="$aot" -Xlog:class+load=info:file="$work/classes" -cp "$cp" ClassCost "$@" \
        >"$work/out" 2>&1 &
    local pid=$!
    until grep -q ready "$work/out" 2>/dev/null; do sleep 0.1; done
    sleep 6
    # the daemon gives its JIT's freed arenas back once it has settled (malloc_trim); so do these
    "$JAVA_HOME/bin/jcmd" "$pid" System.trim_native_heap >/dev/null
    sleep 1
    local rss
    rss=$(awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$pid/status")
    printf '| %s | %s | %s MiB |\n' "$label" "$(wc -l <"$work/classes")" "$rss"
    kill "$pid"; wait "$pid" 2>/dev/null || true
}

echo "| a JVM with the daemon's options, sleeping | classes loaded | idle RSS |"
echo "|---|---|---|"
measure "prints a line" hello
measure "after one FFM downcall (getpid)" ffm 0
measure "after 12 more distinct native signatures, errno captured" ffm 12
if [[ "$(uname -m)" == x86_64 ]]; then
    measure "the FFM's least instead: two calls through one syscall(2) signature, errno captured" syscall
fi
measure "after loading kupervisor's Posix (JNI: its native library)" class io.kupervisor.supervisord.posix.Posix
BENCH_KUPERVISOR="$PWD/$rt/bin/kupervisor" /usr/bin/python3 - <<'PY'
import sys
sys.path.insert(0, "bench")
sys.argv = ["class-cost"]
import daemon_bench as d
for kind in ("kupervisor", "supervisord"):
    rss, _ = d.idle_rss(kind)
    print("| %s, 10 programs (bench/daemon_bench.py) | | %.1f MiB |" % ("the daemon" if kind == "kupervisor" else "supervisord 4.2.5", rss))
PY
