#!/usr/bin/env bash
# The in-pod footprint beside supervisord 4.2.5, in one run (issue 18): a log sidecar's RSS, the
# daemon's idle RSS with 10 programs, the whole pod of the timeit and nginx-php-fpm examples (each
# daemon with its programs, and kupervisor's log sidecars, as the example's in-pod manifest runs
# them), and the runtime the init container copies into a pod. About two minutes, as root (nginx
# binds port 80). Needs Debian's supervisor, nginx-light and php8.2-fpm packages, python3-yaml and
# a C compiler with a static libc.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v /usr/bin/supervisord >/dev/null || { echo "needs Debian's supervisor package" >&2; exit 1; }
for p in nginx php-fpm8.2; do
    command -v "$p" >/dev/null || { echo "needs Debian's nginx-light and php8.2-fpm (the nginx-php-fpm example's programs)" >&2; exit 1; }
done
# shellcheck source=tools/jdk25.sh
source tools/jdk25.sh
./kupervisor --version >/dev/null   # builds the jars when sources changed
tools/package/dist.sh bench/results/runtime >/dev/null
tail/build.sh bench/results/runtime/bin/kupervisor-tail >/dev/null
export BENCH_KUPERVISOR="${BENCH_KUPERVISOR:-$PWD/bench/results/runtime/bin/kupervisor}"
exec /usr/bin/python3 bench/footprint.py "$@"
