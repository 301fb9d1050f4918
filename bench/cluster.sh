#!/usr/bin/env bash
# Figures from the real cluster (tools/k8s-cluster), beside supervisord 4.2.5 where it has a twin:
#   1. apply-to-RUNNING: N SupervisedPrograms (startsecs=1) applied with kubectl until every one is
#      RUNNING, for N=1 and N=50 (by default); supervisord's twin: supervisord started with N
#      programs (startsecs=1) until supervisorctl shows all RUNNING, on this machine.
#   2. the memory of an in-pod pod: the legacy image (tools/k8s-cluster/images/legacy) migrated
#      with `migrate --mode in-pod`, each container's cgroup working set (kubelet's stats summary)
#      after it settled, beside the same image running its own supervisord (its CMD).
# Needs the cluster up with its images (cluster.sh up && cluster.sh images) and a built cli
# (./kupervisor builds itself). Not part of the tests. Prints Markdown; also writes
# bench/results/cluster-<time>.md.
#   bench/cluster.sh [N...]        (default: 1 50)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
counts=("$@")
((${#counts[@]})) || counts=(1 50)
eval "$(tools/k8s-cluster/cluster.sh env)"
kubectl get nodes >/dev/null 2>&1 || { echo "bench/cluster.sh: no cluster: tools/k8s-cluster/cluster.sh up && tools/k8s-cluster/cluster.sh images" >&2; exit 1; }
settle=${BENCH_SETTLE:-40}
out=$(mktemp -d)
trap 'rm -rf "$out"; kubectl delete ns bench-apply bench-inpod bench-legacy --wait=false >/dev/null 2>&1 || true; [[ -n ${sd_pid:-} ]] && kill "$sd_pid" 2>/dev/null || true' EXIT
now_ms() { date +%s%3N; }

# as the README installs it: the CRD by kubectl (server-side), the chart without it
kubectl apply --server-side --force-conflicts -f crds/ >/dev/null
helm upgrade --install kupervisor helm/kupervisor -n kupervisor-system --create-namespace --skip-crds --wait --timeout 180s >/dev/null
kubectl wait --for=condition=Established crd/supervisedprograms.kupervisor.io --timeout=60s >/dev/null

# ---- 1. apply-to-RUNNING ----
apply_rows=()
for n in "${counts[@]}"; do
    kubectl delete ns bench-apply --wait=true --timeout=180s >/dev/null 2>&1 || true
    kubectl create ns bench-apply >/dev/null
    kubectl -n bench-apply wait --for=jsonpath='{.metadata.name}'=default serviceaccount/default --timeout=60s >/dev/null
    for i in $(seq 1 "$n"); do
        cat <<EOF
---
apiVersion: kupervisor.io/v1alpha1
kind: SupervisedProgram
metadata:
  name: p$i
spec:
  image: debian:12-slim
  command: /bin/sleep 3600
  startsecs: 1
  user: "65534"
EOF
    done >"$out/programs.yaml"
    t0=$(now_ms)
    kubectl apply -n bench-apply -f "$out/programs.yaml" >/dev/null
    # (user: the operator's pods are restricted by default and debian's image runs as root)
    until states=$(kubectl get sprog -n bench-apply -o jsonpath='{range .items[*]}{.status.state}{"\n"}{end}')
        [[ $(grep -cx RUNNING <<<"$states") -eq $n ]]; do
        if grep -qx FATAL <<<"$states"; then
            kubectl get sprog -n bench-apply | grep FATAL | head -n 3 >&2
            echo "bench/cluster.sh: a program went FATAL instead of RUNNING" >&2
            exit 1
        fi
        sleep 0.1
    done
    k_ms=$(($(now_ms) - t0))

    # supervisord's twin: n programs, startsecs=1, from start to every one RUNNING
    mkdir -p "$out/sd"
    {
        printf '[supervisord]\nnodaemon=true\nlogfile=%s/sd.log\npidfile=%s/sd.pid\nchildlogdir=%s\n' "$out/sd" "$out/sd" "$out/sd"
        printf '[unix_http_server]\nfile=%s/sd.sock\n[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n[supervisorctl]\nserverurl=unix://%s/sd.sock\n' "$out/sd" "$out/sd"
        printf '[program:p]\ncommand=/bin/sleep 3600\nstartsecs=1\nnumprocs=%d\nprocess_name=%%(program_name)s_%%(process_num)d\n' "$n"
    } >"$out/sd/supervisord.conf"
    t0=$(now_ms)
    supervisord -c "$out/sd/supervisord.conf" >"$out/sd/stdout" 2>&1 &
    sd_pid=$!
    until [[ $(supervisorctl -c "$out/sd/supervisord.conf" status 2>/dev/null | grep -c ' RUNNING ') -eq $n ]]; do
        sleep 0.05
    done
    s_ms=$(($(now_ms) - t0))
    kill "$sd_pid"
    wait "$sd_pid" 2>/dev/null || true
    sd_pid=
    rm -rf "$out/sd"
    apply_rows+=("| $n | $k_ms | $s_ms | $(python3 -c "print(f'{$k_ms/$s_ms:.2f}x')") |")
done
kubectl delete ns bench-apply --wait=false >/dev/null

# ---- 2. memory of an in-pod pod beside the same image under its own supervisord ----
working_sets() { # namespace -> "container bytes" lines, summed over the namespace's pod
    kubectl get --raw "/api/v1/nodes/$(kubectl get nodes -o jsonpath='{.items[0].metadata.name}')/proxy/stats/summary" \
        | python3 -c '
import json, sys
ns = sys.argv[1]
for pod in json.load(sys.stdin)["pods"]:
    if pod["podRef"]["namespace"] == ns:
        for c in pod.get("containers", []):
            print(c["name"], c.get("memory", {}).get("workingSetBytes", 0))
' "$1"
}
./kupervisor migrate -c tools/k8s-cluster/images/legacy/etc/supervisord.conf --mode in-pod \
    --image kupervisor-test/legacy:1 --mount-dir /etc/supervisor --name legacy -o "$out/inpod" >/dev/null
kubectl create ns bench-inpod >/dev/null
kubectl create ns bench-legacy >/dev/null
for ns in bench-inpod bench-legacy; do
    kubectl -n "$ns" wait --for=jsonpath='{.metadata.name}'=default serviceaccount/default --timeout=60s >/dev/null
done
kubectl apply -n bench-inpod -f "$out/inpod" >/dev/null
kubectl create deployment legacy -n bench-legacy --image kupervisor-test/legacy:1 >/dev/null
kubectl wait -n bench-inpod --for=condition=Ready pod -l app.kubernetes.io/name=legacy --timeout=180s >/dev/null
kubectl wait -n bench-legacy --for=condition=Ready pod -l app=legacy --timeout=180s >/dev/null
sleep "$settle"   # the daemons settle (kupervisor trims its heap 10 s after boot); the kubelet samples every ~10 s
working_sets bench-inpod >"$out/inpod.ws"
working_sets bench-legacy >"$out/legacy.ws"
memory=$(python3 - "$out/inpod.ws" "$out/legacy.ws" <<'EOF'
import sys
def read(p):
    return [(l.split()[0], int(l.split()[1])) for l in open(p) if l.strip()]
inpod, legacy = read(sys.argv[1]), read(sys.argv[2])
mib = lambda b: b / 1048576
total_k = sum(b for _, b in inpod)
total_s = sum(b for _, b in legacy)
print("| container | kupervisor (in-pod) MiB | supervisord (same image) MiB |")
print("|---|---|---|")
for name, b in inpod:
    print(f"| {name} | {mib(b):.1f} | |")
for name, b in legacy:
    print(f"| {name} (its CMD: supervisord) | | {mib(b):.1f} |")
print(f"| **pod total** | **{mib(total_k):.1f}** | **{mib(total_s):.1f}** ({total_k / total_s:.2f}x) |")
EOF
)

{
    echo "### Real cluster ($(date -u +%Y-%m-%d), $(kubectl version -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["serverVersion"]["gitVersion"])'), containerd $(containerd --version | awk '{print $3}'), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
    echo
    echo "apply-to-RUNNING (startsecs=1; kupervisor: kubectl apply until every SupervisedProgram is RUNNING, one pod each; supervisord: start until supervisorctl shows every process RUNNING):"
    echo
    echo "| programs | kupervisor operator, ms | supervisord 4.2.5, ms | time ratio (kupervisor / supervisord) |"
    echo "|---|---|---|---|"
    printf '%s\n' "${apply_rows[@]}"
    echo
    echo "Memory of the legacy image's pod, cgroup working set after ${settle} s (kubelet stats summary):"
    echo
    echo "$memory"
} | tee "bench/results/cluster-$(date -u +%Y%m%dT%H%M%SZ).md"
