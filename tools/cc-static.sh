#!/usr/bin/env bash
# Compiles one C file of kupervisor's (init/, tail/) into a static, stripped binary that runs in any
# image (glibc, musl or none). Usage: tools/cc-static.sh SOURCE.c OUTPUT. Needs a C compiler and a
# static libc (Debian: gcc, libc6-dev). The binary appears under OUTPUT only once it is complete.
set -euo pipefail
src=${1:?usage: cc-static.sh SOURCE.c OUTPUT}
out=${2:?usage: cc-static.sh SOURCE.c OUTPUT}
mkdir -p "$(dirname "$out")"
${CC:-cc} -static -Os -Wall -Wextra -Werror -o "$out.tmp" "$src"
strip "$out.tmp" 2>/dev/null || true
mv "$out.tmp" "$out"
echo "$out"
