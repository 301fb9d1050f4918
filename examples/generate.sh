#!/usr/bin/env bash
# Regenerates the manifests under examples/*/in-pod with kupervisor migrate. ExamplesTest runs the
# same commands and fails when the committed files differ.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf examples/timeit/in-pod examples/nginx-php-fpm/in-pod
./kupervisor migrate -c examples/timeit/supervisord.conf --mode in-pod --image python:3.12-slim \
    --mount-dir /etc/supervisor --name timeit --add-file examples/timeit/timeit.py --run-as-user 65532 \
    -o examples/timeit/in-pod
./kupervisor migrate -c examples/nginx-php-fpm/supervisord.conf --mode in-pod --image webdevops/php-nginx:8.3 \
    --mount-dir /etc/supervisor --name web --port http:80 -o examples/nginx-php-fpm/in-pod
