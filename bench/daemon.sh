#!/usr/bin/env bash
# kupervisor supervisord beside Debian's supervisord 4.2.5 on the same configs, in one run.
# Takes about 9 minutes (--quick: about 4). Needs the supervisor package (apt-get install supervisor).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v /usr/bin/supervisord >/dev/null || { echo "needs Debian's supervisor package" >&2; exit 1; }
# kupervisor as the image carries it: the jlink runtime with the daemon's AOT cache (dist.sh)
# shellcheck source=tools/jdk25.sh
source tools/jdk25.sh
./kupervisor --version >/dev/null   # builds the jar when sources changed
tools/package/dist.sh bench/results/runtime >/dev/null
export BENCH_KUPERVISOR="${BENCH_KUPERVISOR:-$PWD/bench/results/runtime/bin/kupervisor}"
exec /usr/bin/python3 bench/daemon_bench.py "$@"
