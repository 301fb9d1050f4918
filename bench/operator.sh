#!/usr/bin/env bash
# The operator benchmark: builds the operator, runs it as its own JVM against a fabric8 mock API
# server and creates N SupervisedPrograms (default 1000). Prints a Markdown table (also in
# operator/target/bench-operator.md). Not part of ./mvnw verify.
#   bench/operator.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=tools/jdk25.sh
source tools/jdk25.sh
./mvnw -B -q -Pbench -pl operator -am verify -DskipTests -Dbench.programs="${1:-1000}"
