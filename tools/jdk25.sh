# shellcheck shell=bash
# The one place kupervisor's launchers and scripts find their JDK (sourced by ./kupervisor, test.sh,
# tools/package/dist.sh and bench/*.sh): JAVA_HOME when it names a JDK 25 or newer, else Temurin 25
# (or another JDK 25) in /usr/lib/jvm. When none is found JAVA_HOME is left as it was, and the
# caller says so.
if ! { [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]] \
        && "$JAVA_HOME/bin/java" -version 2>&1 | grep -Eq 'version "(2[5-9]|[3-9][0-9])'; }; then
    for kupervisor_jdk in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25* /usr/lib/jvm/java-25*; do
        if [[ -x "$kupervisor_jdk/bin/java" ]]; then
            export JAVA_HOME="$kupervisor_jdk"
            break
        fi
    done
    unset kupervisor_jdk
fi
