#!/usr/bin/env bash
# Builds kupervisor's self-contained runtime: a jlink-trimmed JRE, the kupervisor jar and a
# launcher, in one directory that can be copied into any glibc-based image (the init container
# of in-pod mode does exactly that). The Dockerfile runs this script; so does a test.
#
# Usage: tools/package/dist.sh OUT_DIR      (needs cli/target/kupervisor.jar: ./mvnw package)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${1:?usage: dist.sh OUT_DIR}"
# shellcheck source=tools/jdk25.sh
source "$root/tools/jdk25.sh"
jar="$root/cli/target/kupervisor.jar"
[[ -f "$jar" ]] || { echo "dist.sh: $jar is missing; run ./mvnw -DskipTests package first" >&2; exit 1; }

# the modules the jar uses, plus java.xml (XML-RPC) and jdk.unsupported (signals), which jdeps cannot see
modules="$("$JAVA_HOME/bin/jdeps" --multi-release 25 --ignore-missing-deps --print-module-deps "$jar")"
modules="$modules,java.xml,jdk.unsupported"

rm -rf "$out"
mkdir -p "$out/bin" "$out/lib"
"$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
    --compress=zip-6 --output "$out/runtime"
cp "$jar" "$out/lib/kupervisor.jar"
# a class-data archive of the runtime's own classes, for start-up
"$out/runtime/bin/java" -Xshare:dump >/dev/null 2>&1 || true

# the daemon's JVM options, the same file as ./kupervisor's
cp "$root/tools/package/daemon.jvmoptions" "$out/lib/daemon.jvmoptions"

# an AOT cache of the daemon's start-up (JDK 25, JEP 483/515): one training run on a small
# config, stopped with SIGTERM once its program is RUNNING; the JVM writes the cache as it exits
train="$(mktemp -d)"
trap 'rm -rf "$train"' EXIT
cat > "$train/supervisord.conf" <<CONF
[supervisord]
nodaemon=true
silent=true
logfile=$train/supervisord.log
pidfile=$train/supervisord.pid
childlogdir=$train
[unix_http_server]
file=$train/supervisor.sock
[program:training]
command=/bin/sh -c 'echo training; exec sleep 60'
startsecs=1
CONF
# shellcheck disable=SC2086
"$out/runtime/bin/java" @"$out/lib/daemon.jvmoptions" -XX:AOTCacheOutput="$out/lib/kupervisor.aot" \
    -Xlog:aot=off -Xlog:cds=off -jar "$out/lib/kupervisor.jar" supervisord -c "$train/supervisord.conf" \
    >"$train/training.out" 2>&1 &
trainer=$!
for _ in $(seq 1 300); do
    grep -q "success: training" "$train/supervisord.log" 2>/dev/null && break
    sleep 0.1
done
kill -TERM "$trainer"
wait "$trainer" || true
[[ -s "$out/lib/kupervisor.aot" ]] || { echo "dist.sh: the AOT training run wrote no cache:" >&2; cat "$train/training.out" >&2; exit 1; }

cat > "$out/bin/kupervisor" <<LAUNCHER
#!/bin/sh
# kupervisor's launcher inside an image: the runtime next to it, no JDK needed.
here="\$(cd "\$(dirname "\$0")/.." && pwd)"
if [ "\$1" = supervisord ]; then
    # the AOT cache was trained with exactly these options (a cache that does not fit, say after
    # the runtime was copied elsewhere, is skipped without a word)
    opts="@\$here/lib/daemon.jvmoptions -XX:AOTCache=\$here/lib/kupervisor.aot -Xlog:aot=off -Xlog:cds=off"
else
    opts="-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData --enable-native-access=ALL-UNNAMED"
fi
# the environment as it was given (the programs inherit it, as under supervisord): the shell adds
# PWD when its caller had none
grep -qz '^PWD=' /proc/\$\$/environ 2>/dev/null || unset PWD
# shellcheck disable=SC2086
exec "\$here/runtime/bin/java" \$opts \${KUPERVISOR_JAVA_OPTS:-} -jar "\$here/lib/kupervisor.jar" "\$@"
LAUNCHER
chmod 755 "$out/bin/kupervisor"
cp "$root/bin/kubectl-supervisorctl" "$out/bin/kubectl-supervisorctl"
chmod 755 "$out/bin/kubectl-supervisorctl"
echo "kupervisor runtime in $out ($(du -sh "$out" | cut -f1); modules: $modules)"
