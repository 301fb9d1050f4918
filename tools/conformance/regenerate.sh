#!/usr/bin/env bash
# Regenerate (or, with --check, verify) the expected.json of every conformance case from
# supervisord 4.2.5's own parse (Debian's `supervisor` package).
#
# Usage: tools/conformance/regenerate.sh [--check] [CASE_NAME...]
#
# For each case directory core/src/test/resources/conformance/cases/<case>/ (all of them, or
# only the named ones):
#   1. copy it (without expected.json) to /tmp/kupervisor-oracle/<case>/, fresh each time;
#   2. run, with that copy as the working directory,
#        env -i PATH=/usr/bin:/bin HOME=/root LC_CTYPE=C.UTF-8 <env.* of case.properties> \
#          /usr/bin/python3 tools/conformance/oracle-run.py [--relaxed] /tmp/kupervisor-oracle/<case>/supervisord.conf
#      (--relaxed unless case.properties says relaxed=false);
#   3. replace /tmp/kupervisor-oracle/<case> in the output with @CASE@ and write it to
#      <case>/expected.json in the source tree.
# With --check nothing is written; the script exits 1 and lists the cases whose expected.json
# is missing or differs from what supervisord says now.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cases_dir="$root/core/src/test/resources/conformance/cases"
runner="$here/oracle-run.py"
scratch_root=/tmp/kupervisor-oracle
python=/usr/bin/python3

check=false
selected=()
for arg in "$@"; do
  case "$arg" in
    --check) check=true ;;
    -h|--help) sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "regenerate.sh: unknown option $arg" >&2; exit 2 ;;
    *) selected+=("${arg%/}") ;;
  esac
done

die() { echo "regenerate.sh: $*" >&2; exit 2; }

[ -x "$python" ] || die "$python not found; the oracle needs Debian's python3 and supervisor packages (apt-get install -y supervisor)"
version=$(env -i PATH=/usr/bin:/bin "$python" -c '
import sys
sys.path.insert(0, "/usr/lib/python3/dist-packages")
from supervisor.options import VERSION
print(VERSION)' 2>/dev/null) \
  || die "supervisord's Python package is missing (no supervisor.options under /usr/lib/python3/dist-packages); install it with: apt-get install -y supervisor"
[ "$version" = "4.2.5" ] || die "supervisor $version is installed, but the expected files come from supervisor 4.2.5"
[ -d "$cases_dir" ] || die "no case directory $cases_dir"

if [ ${#selected[@]} -eq 0 ]; then
  for d in "$cases_dir"/*/; do selected+=("$(basename "$d")"); done
fi

# Reads case.properties (ASCII key=value lines without backslashes, '#'/'!' comments, so that
# java.util.Properties reads the same) and prints, NUL-separated:
# the relaxed flag ("--relaxed" or ""), then one NAME=value per env.NAME entry.
read_properties() {
  "$python" - "$1" <<'PY'
import re, sys
path = sys.argv[1]
relaxed, env, described = True, [], False
try:
    with open(path, encoding="ascii") as f:
        lines = f.read().splitlines()
except FileNotFoundError:
    lines = []
except UnicodeDecodeError:
    sys.exit("%s: must be ASCII (java.util.Properties reads it as ISO-8859-1)" % path)
for n, line in enumerate(lines, 1):
    s = line.lstrip()
    if not s or s[0] in "#!":
        continue
    if "=" not in s or "\\" in s:
        sys.exit("%s:%d: expected key=value without backslashes: %r" % (path, n, line))
    key, value = s.split("=", 1)
    key, value = key.strip(), value.lstrip()
    if key == "relaxed":
        if value.strip() not in ("true", "false"):
            sys.exit("%s:%d: relaxed must be true or false" % (path, n))
        relaxed = value.strip() == "true"
    elif key.startswith("env."):
        name = key[4:]
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            sys.exit("%s:%d: bad environment variable name %r" % (path, n, name))
        env.append("%s=%s" % (name, value))
    elif key == "description":
        described = bool(value.strip())
    else:
        sys.exit("%s:%d: unknown key %r" % (path, n, key))
if not described:
    sys.exit("%s: a description=<the supervisord rule this case pins down> line is required" % path)
out = ["--relaxed" if relaxed else ""] + env
sys.stdout.write("\0".join(out) + "\0")
PY
}

differ=()
for name in "${selected[@]}"; do
  src="$cases_dir/$name"
  [ -f "$src/supervisord.conf" ] || die "case $name: no $src/supervisord.conf"
  scratch="$scratch_root/$name"

  mapfile -d '' props < <(read_properties "$src/case.properties")
  [ ${#props[@]} -ge 1 ] || die "case $name: bad case.properties (see above)"
  relaxed=("${props[0]}")
  [ -n "${relaxed[0]}" ] || relaxed=()
  extra_env=("${props[@]:1}")

  rm -rf "$scratch"
  mkdir -p "$scratch_root"
  cp -a "$src" "$scratch"
  rm -f "$scratch/expected.json"

  set +e
  out=$(cd "$scratch" && env -i PATH=/usr/bin:/bin HOME=/root LC_CTYPE=C.UTF-8 "${extra_env[@]}" \
          "$python" "$runner" "${relaxed[@]}" "$scratch/supervisord.conf" 2>"$scratch_root/$name.stderr")
  rc=$?
  set -e
  if [ $rc -ne 0 ] && [ $rc -ne 1 ]; then
    cat "$scratch_root/$name.stderr" >&2
    die "case $name: the oracle failed (exit $rc)"
  fi
  case "$out" in
    "{"*) ;;
    *) cat "$scratch_root/$name.stderr" >&2; die "case $name: the oracle printed no JSON" ;;
  esac
  rm -f "$scratch_root/$name.stderr"
  out=${out//"$scratch"/@CASE@}
  case "$out" in
    *"$scratch_root"*) die "case $name: output still names $scratch_root outside the case directory; use paths inside the case" ;;
  esac

  if $check; then
    if ! cmp -s <(printf '%s\n' "$out") "$src/expected.json"; then
      differ+=("$name")
    fi
  else
    printf '%s\n' "$out" > "$src/expected.json"
  fi
done

if $check; then
  if [ ${#differ[@]} -gt 0 ]; then
    echo "expected.json differs from supervisord 4.2.5's parse (run tools/conformance/regenerate.sh):" >&2
    printf '  %s\n' "${differ[@]}" >&2
    exit 1
  fi
  echo "all ${#selected[@]} cases match supervisord $version"
else
  echo "wrote expected.json for ${#selected[@]} cases"
fi
