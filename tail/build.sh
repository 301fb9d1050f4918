#!/usr/bin/env bash
# Builds kupervisor-tail, the log sidecar of in-pod mode, as a static binary (it runs in the
# kupervisor image, which has no JVM in the sidecars' way). Usage: tail/build.sh [OUTPUT]
# (default tail/target/kupervisor-tail). Needs a C compiler and a static libc (Debian: gcc, libc6-dev).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
exec "$here/../tools/cc-static.sh" "$here/kupervisor-tail.c" "${1:-$here/target/kupervisor-tail}"
