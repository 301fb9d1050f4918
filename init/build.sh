#!/usr/bin/env bash
# Builds kupervisor-init, the PID 1 of process pods, as a static binary: it runs in whatever image
# the program uses (glibc, musl or none). Usage: init/build.sh [OUTPUT] (default init/target/kupervisor-init).
# Needs a C compiler and a static libc (Debian: gcc, libc6-dev).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
exec "$here/../tools/cc-static.sh" "$here/kupervisor-init.c" "${1:-$here/target/kupervisor-init}"
