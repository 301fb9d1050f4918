#!/usr/bin/env bash
# Parse time of a 1,000-program configuration (main file + 20 included files), kupervisor beside
# supervisord 4.2.5 (Debian's package) in the same run. Prints the figures and the ratios.
# Usage: bench/parse.sh [PROGRAMS]   (default 1000)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
programs="${1:-1000}"
# shellcheck source=tools/jdk25.sh
source "$root/tools/jdk25.sh"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 - "$work" "$programs" <<'PY'
import os, sys
work, n = sys.argv[1], int(sys.argv[2])
os.makedirs(os.path.join(work, "conf.d"))
with open(os.path.join(work, "supervisord.conf"), "w") as f:
    f.write("[supervisord]\nnodaemon=true\nlogfile=%(here)s/supervisord.log\n"
            "[unix_http_server]\nfile=%(here)s/s.sock\n"
            "[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n"
            "[include]\nfiles = conf.d/*.conf\n")
per_file = n // 20
for i in range(20):
    with open(os.path.join(work, "conf.d", "part%02d.conf" % i), "w") as f:
        for j in range(per_file):
            k = i * per_file + j
            f.write(f"""[program:app{k:04d}]
command=/bin/sleep %(process_num)d ; a comment
directory=%(here)s
environment=APP_ID="{k}",HOME="/srv/app{k}",PATH="/usr/bin:%(ENV_PATH)s"
autorestart=unexpected
startsecs=1
startretries=3
stopsignal=TERM
stdout_logfile=%(here)s/app{k}.log
stdout_logfile_maxbytes=10MB
redirect_stderr=true

""")
PY

oracle="$root/tools/conformance/supervisor-oracle.py"
[[ -f "$oracle" ]] || oracle="$root/../shared/conformance/supervisor-oracle.py"
jar="$root/cli/target/kupervisor.jar"
[[ -f "$jar" ]] || (cd "$root" && ./mvnw -B -q -DskipTests -pl cli -am package)

py_ms=$(cd "$work" && /usr/bin/python3 - <<'PY'
import sys, time, statistics
sys.path.insert(0, "/usr/lib/python3/dist-packages")
from supervisor.options import ServerOptions
times = []
for i in range(6):
    o = ServerOptions(); o.configfile = "supervisord.conf"
    t = time.perf_counter(); o.process_config(do_usage=False); times.append(time.perf_counter() - t)
print("%.1f %.1f %d" % (times[0] * 1000, statistics.median(times[1:]) * 1000,
      sum(len(g.process_configs) for g in o.process_group_configs)))
PY
)
read -r py_first py_warm py_procs <<<"$py_ms"

kp=$(cd "$work" && "$JAVA_HOME/bin/java" -cp "$jar" "$root/bench/ParseBench.java" supervisord.conf 20)
kp_cold=$(sed -E 's/.*cold_ms=([0-9.]+).*/\1/' <<<"$kp")
kp_warm=$(sed -E 's/.*warm_median_ms=([0-9.]+).*/\1/' <<<"$kp")

# what a user waits for: the whole command, JVM start included, against supervisord's whole parse
cli_start=$(date +%s%N)
(cd "$work" && "$root/kupervisor" check --json -c supervisord.conf >/dev/null)
cli_ms=$(( ($(date +%s%N) - cli_start) / 1000000 ))
py_cli_start=$(date +%s%N)
(cd "$work" && /usr/bin/python3 "$oracle" supervisord.conf >/dev/null)
py_cli_ms=$(( ($(date +%s%N) - py_cli_start) / 1000000 ))

echo "programs: $programs (supervisord parsed $py_procs processes; kupervisor: $kp)"
printf "%-44s %12s %12s %8s\n" "measure" "supervisord" "kupervisor" "ratio"
printf "%-44s %10.1fms %10.1fms %7.2fx\n" "first parse in a fresh process" "$py_first" "$kp_cold" "$(echo "$py_first / $kp_cold" | bc -l)"
printf "%-44s %10.1fms %10.1fms %7.2fx\n" "parse, warm (median)" "$py_warm" "$kp_warm" "$(echo "$py_warm / $kp_warm" | bc -l)"
printf "%-44s %10dms %10dms %7.2fx\n" "whole command (oracle.py vs check --json)" "$py_cli_ms" "$cli_ms" "$(echo "$py_cli_ms / $cli_ms" | bc -l)"
echo "(ratio = supervisord / kupervisor: above 1 means kupervisor is faster)"
