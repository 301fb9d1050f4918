#!/usr/bin/env bash
# Compiles Posix's native half (kupervisor_posix.c) into a shared library for the JVM that runs
# this build. Usage: build.sh JAVA_HOME OUTPUT. Maven's supervisord module runs it (compile phase);
# needs a C compiler (Debian: gcc, libc6-dev). The library appears under OUTPUT only once complete.
set -euo pipefail
jdk=${1:?usage: build.sh JAVA_HOME OUTPUT}
out=${2:?usage: build.sh JAVA_HOME OUTPUT}
src="$(cd "$(dirname "$0")" && pwd)/kupervisor_posix.c"
if ! command -v "${CC:-cc}" >/dev/null; then
    echo "kupervisor: building the daemon's native library needs a C compiler (Debian: apt-get install gcc libc6-dev)" >&2
    exit 1
fi
mkdir -p "$(dirname "$out")"
# no _FORTIFY_SOURCE: its checked variants would tie the library to the build machine's glibc
${CC:-cc} -shared -fPIC -O2 -s -U_FORTIFY_SOURCE -Wall -Wextra -Werror \
    -I"$jdk/include" -I"$jdk/include/linux" -o "$out.tmp" "$src"
mv "$out.tmp" "$out"
