#!/usr/bin/env bash
# kupervisor supervisord beside Debian's supervisord 4.2.5 on the same configs, in one run.
# Takes about 6 minutes (--quick: about 3). Needs the supervisor package (apt-get install supervisor).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v /usr/bin/supervisord >/dev/null || { echo "needs Debian's supervisor package" >&2; exit 1; }
exec /usr/bin/python3 bench/daemon_bench.py "$@"
