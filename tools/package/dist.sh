#!/usr/bin/env bash
# Builds kupervisor's self-contained runtime: a jlink-trimmed JRE, the kupervisor jars and a
# launcher, in one directory that can be copied into any glibc-based image. The Dockerfile runs
# this script; so do tests and bench/.
#
#   OUT/bin/kupervisor          the launcher
#   OUT/lib/kupervisor.jar      what a pod runs: supervisord, ctl, check, tail
#   OUT/lib/kupervisor.aot      the AOT cache every command starts from (trained on the daemon)
#   OUT/lib/libkupervisor-posix.so  the daemon's POSIX calls (JNI; supervisord/src/main/c)
#   OUT/runtime/                the JRE: only the modules kupervisor-pod.jar uses
#   OUT/migrate/                migrate's and the kubectl plugin's libraries (fabric8, Jackson,
#                               SnakeYAML); the in-pod init container does not copy them
#
# Usage: tools/package/dist.sh OUT_DIR      (needs the cli's jars: ./mvnw -DskipTests package)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${1:?usage: dist.sh OUT_DIR}"
# shellcheck source=tools/jdk25.sh
source "$root/tools/jdk25.sh"
jar="$root/cli/target/kupervisor-pod.jar"
migrate_jar="$root/cli/target/kupervisor-migrate.jar"
for j in "$jar" "$migrate_jar"; do
    [[ -f "$j" ]] || { echo "dist.sh: $j is missing; run ./mvnw -DskipTests package first" >&2; exit 1; }
done

# the modules the pod's jar uses (jdeps: java.base alone, since the XML-RPC codec reads XML with
# its own reader instead of java.xml's StAX, and jdk.unsupported for sun.misc.Signal), with
# jdk.unsupported in any case (libraries reach it by reflection); migrate's libraries run on the same
# modules (Jackson and SnakeYAML use java.sql, java.beans and java.xml only when they are there)
modules="$("$JAVA_HOME/bin/jdeps" --multi-release 25 --ignore-missing-deps --print-module-deps "$jar")"
[[ ",$modules," == *,jdk.unsupported,* ]] || modules="$modules,jdk.unsupported"

rm -rf "$out"
mkdir -p "$out/bin" "$out/lib" "$out/migrate"
# files no command runs: jrt-fs.jar (for tools of another JDK that read this image), classlist
# (the JDK's default CDS archive's class list: the AOT cache below is made from its training run),
# jexec (runs a jar through binfmt_misc), keytool
"$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
    --compress=zip-9 \
    --exclude-files='/java.base/lib/jrt-fs.jar,/java.base/lib/classlist,/java.base/lib/jexec,/java.base/bin/keytool' \
    --output "$out/runtime"
# the native symbol tables (5 MB of libjvm.so, 0.15 MB in the rest; what dlsym and JNI look up is
# in the dynamic symbol table, which stays): only a crash report's native frames name fewer
# functions without them. libsyslookup.so (the FFM's, which kupervisor no longer uses) is left as it is
if command -v strip >/dev/null; then
    strip --strip-unneeded "$out/runtime/lib/server/libjvm.so" "$out/runtime/bin/java" "$out/runtime/lib/jspawnhelper"
    find "$out/runtime/lib" -name '*.so' ! -name libsyslookup.so ! -name libjvm.so -exec strip --strip-unneeded {} +
else
    echo "dist.sh: no strip (binutils): the native libraries keep their symbol tables, 5 MB more" >&2
fi
cp "$jar" "$out/lib/kupervisor.jar"
# Posix's native half as the supervisord module built it, loaded from here (the launcher says
# where): the jar's copy would be written to a temporary file at every start
case "$(uname -m)" in
    x86_64) arch=amd64 ;;
    *) arch="$(uname -m)" ;;
esac
cp "$root/supervisord/target/classes/native/linux-$arch/libkupervisor-posix.so" "$out/lib/libkupervisor-posix.so"
cp "$migrate_jar" "$out/migrate/kupervisor-migrate.jar"

# the daemon's JVM options, the same file as ./kupervisor's
cp "$root/tools/package/daemon.jvmoptions" "$out/lib/daemon.jvmoptions"

# an AOT cache of the daemon's start-up (JDK 25, JEP 483/515): one training run on a small
# config, stopped with SIGTERM once its program is RUNNING; the JVM writes the cache as it exits.
# The other commands start from it too (the same class path first, the same GC and object
# headers): no separate class-data archive of the JDK's classes
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
    -Dkupervisor.posix.library="$out/lib/libkupervisor-posix.so" -Xlog:aot=off -Xlog:cds=off -cp "$out/lib/kupervisor.jar" io.kupervisor.cli.Main \
    supervisord -c "$train/supervisord.conf" >"$train/training.out" 2>&1 &
trainer=$!
for _ in $(seq 1 300); do
    grep -q "success: training" "$train/supervisord.log" 2>/dev/null && break
    sleep 0.1
done
kill -TERM "$trainer"
wait "$trainer" || true
[[ -s "$out/lib/kupervisor.aot" ]] || { echo "dist.sh: the AOT training run wrote no cache:" >&2; cat "$train/training.out" >&2; exit 1; }

cat > "$out/bin/kupervisor" <<'LAUNCHER'
#!/bin/sh
# kupervisor's launcher inside an image: the runtime next to it, no JDK needed.
here="$(cd "$(dirname "$0")/.." && pwd)"
# every command starts from the AOT cache, which was trained with the daemon's class path, GC and
# object headers (a cache that does not fit, say after the runtime was copied elsewhere, is
# skipped without a word)
cache="-XX:AOTCache=$here/lib/kupervisor.aot -Xlog:aot=off -Xlog:cds=off -Dkupervisor.posix.library=$here/lib/libkupervisor-posix.so"
cp="$here/lib/kupervisor.jar"
if [ "$1" = supervisord ]; then
    opts="@$here/lib/daemon.jvmoptions $cache"
else
    opts="-XX:+UseSerialGC -XX:+UseCompactObjectHeaders -XX:TieredStopAtLevel=1 -XX:-UsePerfData $cache --enable-native-access=ALL-UNNAMED"
    # migrate and the kubectl plugin: their libraries where the image has them (not in a pod's copy)
    if [ -f "$here/migrate/kupervisor-migrate.jar" ]; then
        cp="$cp:$here/migrate/kupervisor-migrate.jar"
    fi
fi
# the environment as it was given (the programs inherit it, as under supervisord): the shell adds
# PWD when its caller had none
grep -qz '^PWD=' /proc/$$/environ 2>/dev/null || unset PWD
# shellcheck disable=SC2086
exec "$here/runtime/bin/java" $opts ${KUPERVISOR_JAVA_OPTS:-} -cp "$cp" io.kupervisor.cli.Main "$@"
LAUNCHER
chmod 755 "$out/bin/kupervisor"
cp "$root/bin/kubectl-supervisorctl" "$out/bin/kubectl-supervisorctl"
chmod 755 "$out/bin/kubectl-supervisorctl"
pod_size=$(du -sk "$out/bin" "$out/lib" "$out/runtime" | awk '{s += $1} END {printf "%.1f", s / 1024}')
echo "kupervisor runtime in $out ($(du -sh "$out" | cut -f1); what a pod copies, bin lib runtime: $pod_size MiB; modules: $modules)"
