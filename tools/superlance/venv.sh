#!/usr/bin/env bash
# A Python virtual environment with superlance's event listeners (crashmail, fatalmailbatch,
# httpok, memmon...) from PyPI, for the tests that run them under supervisord and kupervisor.
# superlance imports supervisor.childutils: supervisor 4.2.5 is pinned beside it, as Debian ships.
#
# Usage: tools/superlance/venv.sh [DIR]     (default ~/.kupervisor/superlance-venv; prints DIR)
# Does nothing when DIR already has these versions.
set -euo pipefail
dir="${1:-$HOME/.kupervisor/superlance-venv}"
want="superlance==2.0.0 supervisor==4.2.5"
if [[ -f "$dir/.stamp" && "$(cat "$dir/.stamp")" == "$want" ]]; then
    echo "$dir"
    exit 0
fi
python="$(command -v python3)" || { echo "venv.sh: python3 is needed" >&2; exit 1; }
rm -rf "$dir"
"$python" -m venv "$dir" >&2
# shellcheck disable=SC2086
"$dir/bin/pip" install --disable-pip-version-check -q $want >&2
echo "$want" > "$dir/.stamp"
echo "$dir"
