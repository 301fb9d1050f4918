#!/usr/bin/env bash
# Builds kupervisor-init, the PID 1 of process pods, as a static binary: it runs in whatever image
# the program uses (glibc, musl or none). Usage: init/build.sh [OUTPUT] (default init/target/kupervisor-init).
# Needs a C compiler and a static libc (Debian: gcc, libc6-dev).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:-$here/target/kupervisor-init}
mkdir -p "$(dirname "$out")"
${CC:-cc} -static -Os -Wall -Wextra -Werror -o "$out.tmp" "$here/kupervisor-init.c"
strip "$out.tmp" 2>/dev/null || true
mv "$out.tmp" "$out"
echo "$out"
