#!/usr/bin/env bash
# Builds kupervisor's self-contained runtime: a jlink-trimmed JRE, the kupervisor jar and a
# launcher, in one directory that can be copied into any glibc-based image (the init container
# of in-pod mode does exactly that). The Dockerfile runs this script; so does a test.
#
# Usage: tools/package/dist.sh OUT_DIR      (needs cli/target/kupervisor.jar: ./mvnw package)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${1:?usage: dist.sh OUT_DIR}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
jar="$root/cli/target/kupervisor.jar"
[[ -f "$jar" ]] || { echo "dist.sh: $jar is missing; run ./mvnw -DskipTests package first" >&2; exit 1; }

# the modules the jar uses, plus java.xml (XML-RPC) and jdk.zipfs-free extras the JDK cannot see
modules="$("$JAVA_HOME/bin/jdeps" --multi-release 25 --ignore-missing-deps --print-module-deps "$jar")"
modules="$modules,java.xml,jdk.httpserver,jdk.unsupported"

rm -rf "$out"
mkdir -p "$out/bin" "$out/lib"
"$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
    --compress=zip-6 --output "$out/runtime"
cp "$jar" "$out/lib/kupervisor.jar"
# a class-data archive of the runtime's own classes, for start-up
"$out/runtime/bin/java" -Xshare:dump >/dev/null 2>&1 || true

cat > "$out/bin/kupervisor" <<'LAUNCHER'
#!/bin/sh
# kupervisor's launcher inside an image: the runtime next to it, no JDK needed.
here="$(cd "$(dirname "$0")/.." && pwd)"
if [ "$1" = supervisord ]; then
    opts="-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -Xss256k -Xms4m -Xmx128m -XX:ReservedCodeCacheSize=16m -XX:MaxMetaspaceSize=64m -XX:-UsePerfData"
else
    opts="-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData"
fi
# shellcheck disable=SC2086
exec "$here/runtime/bin/java" $opts ${KUPERVISOR_JAVA_OPTS:-} --enable-native-access=ALL-UNNAMED -jar "$here/lib/kupervisor.jar" "$@"
LAUNCHER
chmod 755 "$out/bin/kupervisor"
cp "$root/bin/kubectl-supervisorctl" "$out/bin/kubectl-supervisorctl"
chmod 755 "$out/bin/kubectl-supervisorctl"
echo "kupervisor runtime in $out ($(du -sh "$out" | cut -f1); modules: $modules)"
