#!/usr/bin/env bash
# kupervisor's tests, as a new user runs them (README) and as CI runs them (.ci/run):
# installs the Debian packages the tests use when they are missing (supervisord 4.2.5 and
# supervisorctl, the real peers the tests compare against; Chromium for the web page; strace,
# which holds a syscall of a log sidecar to open a race; gcc and libc6-dev, for the daemon's JNI
# library and the static sidecar and init binaries), finds
# JDK 25, then runs ./mvnw verify.
set -euo pipefail
cd "$(dirname "$0")"
# shellcheck source=tools/jdk25.sh
source tools/jdk25.sh
if [[ ! -x "$JAVA_HOME/bin/java" ]]; then
    echo "test.sh: JDK 25 not found at $JAVA_HOME (set JAVA_HOME)" >&2
    exit 1
fi
packages=(supervisor chromium chromium-driver strace gcc libc6-dev)
if ! dpkg -s "${packages[@]}" >/dev/null 2>&1; then
    if [[ $(id -u) -ne 0 ]]; then
        echo "test.sh: the tests need Debian's ${packages[*]}: apt-get install -y ${packages[*]} (as root)" >&2
        exit 1
    fi
    missing=()
    for p in "${packages[@]}"; do
        dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
    done
    echo "test.sh: installing the Debian packages the tests use: ${missing[*]} (apt-get; a minute or two)" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    echo "test.sh: installed ${missing[*]}" >&2
fi
echo "test.sh: ./mvnw verify with $JAVA_HOME (about 5 minutes on 2 cores)" >&2
exec ./mvnw -B verify "$@"
