#!/usr/bin/env bash
# A real single-node Kubernetes cluster on this machine, for kupervisor's cluster tests and for a
# person who wants to try kupervisor on a kubelet: containerd, etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler, kubelet and kube-proxy started by hand, the Kubernetes
# binaries from tools/k8s-testbin, images made and built locally (no registry is needed).
#
#   tools/k8s-cluster/cluster.sh up       start the cluster; the last line is `export KUBECONFIG=...`
#   tools/k8s-cluster/cluster.sh images   base images without a registry, `docker build` of the
#                                         project's Dockerfile, loaded into the cluster's containerd
#   tools/k8s-cluster/cluster.sh down     stop everything it started, undo its changes to the host
#   tools/k8s-cluster/cluster.sh env      `export` lines: KUBECONFIG, PATH with kubectl and helm
#   tools/k8s-cluster/cluster.sh status   what runs, one line per component
#   tools/k8s-cluster/cluster.sh leftovers  what of the cluster is still on the host (exit 1 if any)
#   tools/k8s-cluster/cluster.sh kubelet stop|start   lose the node and find it again (tests)
#
# Needs root (containers, cgroups, iptables, a network interface), Debian's packages (installed
# when missing: containerd, runc, containernetworking-plugins, iptables, conntrack, docker.io,
# debootstrap) and the binaries of tools/k8s-testbin/build.sh (built when missing).
#
# Everything it keeps is under $KUPERVISOR_CLUSTER_DIR (default $HOME/.kupervisor/cluster);
# images and the Docker build cache stay there across `down`, so the next `images` is quick.
# Traffic stays on this machine: the API server and the kubelet listen on the node address
# (10.213.0.1, on a veth pair the script creates), etcd and the components' own ports on
# loopback, pods on the bridge kupbr0 (10.244.0.0/16); Services are 10.96.0.0/16. There is no
# masquerading to the outside. See README.md beside this script.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
state=${KUPERVISOR_CLUSTER_DIR:-$HOME/.kupervisor/cluster}
testbin_dir=${KUPERVISOR_K8S_TESTBIN:-$HOME/.kupervisor/k8s-testbin}

node_name=kupervisor-node
node_ip=10.213.0.1
node_if=kupnode0          # the node's address lives here; its veth peer is kupnode1
bridge=kupbr0
pod_cidr=10.244.0.0/16
service_cidr=10.96.0.0/16
service_ip=10.96.0.1      # the first address of service_cidr: the `kubernetes` Service
apiserver_port=6443
etcd_port=12379
etcd_peer_port=12380
pause_image=localhost/kupervisor/pause:1
packages=(containerd runc containernetworking-plugins iptables conntrack docker.io debootstrap)
# sysctls that kubelet and the bridge plugin change; saved by `up`, restored by `down`
sysctls=(vm.overcommit_memory kernel.panic kernel.panic_on_oops net.ipv4.ip_forward)

say() { echo "cluster: $*" >&2; }
fail() {
    say "FAILED: $*"
    exit 1
}

run=$state/run
log=$state/log
etc=$state/etc
pki=$state/pki
containerd_sock=$run/containerd.sock
docker_sock=$run/docker.sock
admin_kubeconfig=$etc/admin.kubeconfig

bin_dir() {
    local dir
    dir=$("$repo/tools/k8s-testbin/build.sh" "$testbin_dir" | tail -n1) || fail "tools/k8s-testbin/build.sh failed"
    echo "$dir"
}

need_root() {
    [[ $(id -u) -eq 0 ]] || fail "needs root (containers, cgroups, iptables, a network interface); run it with sudo"
}

install_packages() {
    local missing=()
    for p in "${packages[@]}"; do
        dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
    done
    ((${#missing[@]} == 0)) && return 0
    say "installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# ---- processes: started in the background, recorded by pid, stopped by pid ----

is_running() {
    local pidfile=$run/$1.pid
    [[ -f $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

start() { # name command...
    local name=$1
    shift
    if is_running "$name"; then
        return 0
    fi
    say "starting $name"
    setsid "$@" </dev/null >>"$log/$name.log" 2>&1 &
    echo $! >"$run/$name.pid"
}

stop() { # name [seconds]
    local name=$1 wait=${2:-20} pid
    [[ -f $run/$name.pid ]] || return 0
    pid=$(cat "$run/$name.pid")
    if kill -0 "$pid" 2>/dev/null; then
        say "stopping $name (pid $pid)"
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq $((wait * 10))); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then
            say "$name did not stop within ${wait}s: SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    rm -f "$run/$name.pid"
}

wait_for() { # what seconds command...
    local what=$1 seconds=$2
    shift 2
    local deadline=$((SECONDS + seconds))
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || fail "$what not ready after ${seconds}s (logs: $log)"
        sleep 0.2
    done
}

# ---- the host: interface, sysctls ----

host_up() {
    if ! ip link show "$node_if" >/dev/null 2>&1; then
        say "creating $node_if with the node address $node_ip"
        ip link add "$node_if" type veth peer name "${node_if%0}1"
        ip addr add "$node_ip/32" dev "$node_if"
        ip link set "${node_if%0}1" up
        ip link set "$node_if" up
    fi
    if [[ ! -f $state/sysctl.saved ]]; then
        for s in "${sysctls[@]}"; do
            echo "$s=$(sysctl -n "$s")"
        done >"$state/sysctl.saved"
        cp "$state/sysctl.saved" "$state/sysctl.host"
    fi
    # pods reach the API server (a local address) and each other through the bridge
    sysctl -qw net.ipv4.ip_forward=1
}

# ---- certificates and configuration ----

pki_up() {
    [[ -f $pki/done ]] && return 0
    say "making a CA, the API server's certificate and the service-account keys in $pki"
    mkdir -p "$pki"
    (
        cd "$pki"
        openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 \
            -subj "/CN=kupervisor-cluster-ca" 2>/dev/null
        openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr \
            -subj "/CN=kube-apiserver" 2>/dev/null
        printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' \
            "IP:$service_ip,IP:$node_ip,IP:127.0.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,DNS:$node_name" \
            >apiserver.ext
        openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
            -extfile apiserver.ext -out apiserver.crt 2>/dev/null
        openssl genrsa -out sa.key 2048 2>/dev/null
        openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
        touch done
    )
}

kubeconfig() { # file user token
    cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: kupervisor
  cluster:
    server: https://$node_ip:$apiserver_port
    certificate-authority: $pki/ca.crt
users:
- name: $2
  user:
    token: $3
contexts:
- name: kupervisor
  context:
    cluster: kupervisor
    user: $2
current-context: kupervisor
EOF
}

config_up() {
    mkdir -p "$etc/cni/net.d"
    if [[ ! -f $etc/tokens.csv ]]; then
        local admin node
        admin=$(openssl rand -hex 16)
        node=$(openssl rand -hex 16)
        # token,user,uid,"groups"
        printf '%s,admin,admin,"system:masters"\n%s,system:node:%s,system:node:%s,"system:nodes"\n' \
            "$admin" "$node" "$node_name" "$node_name" >"$etc/tokens.csv"
        chmod 600 "$etc/tokens.csv"
    fi
    kubeconfig "$admin_kubeconfig" admin "$(awk -F, '$2=="admin"{print $1}' "$etc/tokens.csv")"
    kubeconfig "$etc/kubelet.kubeconfig" "system:node:$node_name" \
        "$(awk -F, -v u="system:node:$node_name" '$2==u{print $1}' "$etc/tokens.csv")"

    cat >"$etc/cni/net.d/10-kupervisor.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "kupervisor",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$bridge",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{"subnet": "$pod_cidr"}]],
        "routes": [{"dst": "0.0.0.0/0"}],
        "dataDir": "$state/cni/ipam"
      }
    },
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
EOF

    containerd config default >"$etc/containerd.toml.default"
    python3 - "$etc/containerd.toml.default" "$etc/containerd.toml" <<EOF
import re, sys
text = open(sys.argv[1]).read()
def setting(key, value, section=None):
    # the first "key = ..." line after the section's header (or anywhere, without a section)
    global text
    start = 0
    if section:
        start = text.find('[' + section + ']')
        if start < 0:
            sys.exit('containerd config default has no [' + section + ']')
    head, tail = text[:start], text[start:]
    tail, n = re.subn(r'(?m)^(\s*)' + re.escape(key) + r' = .*$', lambda m: m.group(1) + key + ' = ' + value, tail, count=1)
    if n != 1:
        sys.exit('containerd config default has no ' + key)
    text = head + tail
setting('root', '"$state/containerd"')
setting('state', '"$run/containerd"')
setting('address', '"$containerd_sock"', 'grpc')
setting('sandbox_image', '"$pause_image"')
setting('bin_dir', '"/usr/lib/cni"')
setting('conf_dir', '"$etc/cni/net.d"')
# without CAP_SYS_RESOURCE every sandbox fails: "can't get final child's PID from pipe: EOF"
setting('restrict_oom_score_adj', 'true')
open(sys.argv[2], 'w').write(text)
EOF

    cat >"$etc/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $node_ip
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
authentication:
  anonymous:
    enabled: true
  webhook:
    enabled: false
authorization:
  mode: AlwaysAllow
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
containerRuntimeEndpoint: unix://$containerd_sock
podLogsDir: $state/pod-logs
clusterDomain: cluster.local
resolvConf: /etc/resolv.conf
evictionHard:
  memory.available: "100Mi"
  nodefs.available: "1%"
  imagefs.available: "1%"
  nodefs.inodesFree: "1%"
# images come from this machine, not a registry: never collect them
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
serializeImagePulls: false
EOF

    cat >"$etc/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clusterCIDR: $pod_cidr
hostnameOverride: $node_name
bindAddress: 127.0.0.1
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
clientConnection:
  kubeconfig: $admin_kubeconfig
conntrack:
  maxPerCore: 0
EOF
}

# ---- images: the sandbox's pause image, written as a docker archive by hand ----

pause_image_up() {
    local bin=$1
    if ctr -a "$containerd_sock" -n k8s.io images ls -q 2>/dev/null | grep -qx "$pause_image"; then
        return 0
    fi
    say "making the pause image $pause_image from $bin/pause"
    local work
    work=$(mktemp -d)
    mkdir "$work/root" "$work/image"
    cp "$bin/pause" "$work/root/pause"
    tar --numeric-owner --owner=0 --group=0 --mtime=@0 -C "$work/root" -cf "$work/layer.tar" pause
    local diff_id config config_id
    diff_id=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
    config=$(printf '{"architecture":"amd64","os":"linux","config":{"Entrypoint":["/pause"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created_by":"tools/k8s-cluster/cluster.sh"}]}' "$diff_id")
    config_id=$(printf '%s' "$config" | sha256sum | cut -d' ' -f1)
    printf '%s' "$config" >"$work/image/$config_id.json"
    mkdir "$work/image/$diff_id"
    mv "$work/layer.tar" "$work/image/$diff_id/layer.tar"
    printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s/layer.tar"]}]' \
        "$config_id" "$pause_image" "$diff_id" >"$work/image/manifest.json"
    tar -C "$work/image" -cf "$work/pause.tar" .
    ctr -a "$containerd_sock" -n k8s.io images import --no-unpack=false "$work/pause.tar" >/dev/null
    rm -rf "$work"
}

containerd_up() {
    mkdir -p "$state/containerd" "$run/containerd"
    start containerd containerd --config "$etc/containerd.toml"
    wait_for containerd 30 ctr -a "$containerd_sock" version
}

# ---- up ----

start_kubelet() {
    start kubelet "$bin/kubelet" --config "$etc/kubelet.yaml" --kubeconfig "$etc/kubelet.kubeconfig" \
        --hostname-override "$node_name" --node-ip "$node_ip" \
        --root-dir "$state/kubelet" --cert-dir "$state/kubelet/pki"
}

kubectl_admin() {
    "$bin/kubectl" --kubeconfig "$admin_kubeconfig" "$@"
}

node_ready() {
    [[ $(kubectl_admin get node "$node_name" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null) == True ]]
}

cmd_up() {
    need_root
    install_packages
    bin=$(bin_dir)
    mkdir -p "$run" "$log" "$etc" "$state/etcd" "$state/kubelet" "$state/pod-logs" "$state/cni/ipam"
    local t0=$SECONDS
    host_up
    pki_up
    config_up
    containerd_up
    pause_image_up "$bin"

    start etcd "$bin/etcd" --name kupervisor --data-dir "$state/etcd" \
        --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
        --listen-peer-urls "http://127.0.0.1:$etcd_peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer_port" \
        --initial-cluster "kupervisor=http://127.0.0.1:$etcd_peer_port" --listen-metrics-urls "" \
        --log-level warn
    wait_for etcd 30 curl -sf "http://127.0.0.1:$etcd_port/health"

    start kube-apiserver "$bin/kube-apiserver" \
        --etcd-servers "http://127.0.0.1:$etcd_port" \
        --bind-address "$node_ip" --advertise-address "$node_ip" --secure-port "$apiserver_port" \
        --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
        --client-ca-file "$pki/ca.crt" --token-auth-file "$etc/tokens.csv" \
        --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction \
        --service-cluster-ip-range "$service_cidr" \
        --service-account-issuer https://kubernetes.default.svc.cluster.local \
        --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
        --kubelet-preferred-address-types InternalIP \
        --default-not-ready-toleration-seconds 30 --default-unreachable-toleration-seconds 30 \
        --allow-privileged=true --profiling=false
    wait_for kube-apiserver 60 kubectl_admin get --raw /readyz

    start kube-controller-manager "$bin/kube-controller-manager" \
        --kubeconfig "$admin_kubeconfig" --authentication-kubeconfig "$admin_kubeconfig" \
        --authorization-kubeconfig "$admin_kubeconfig" --leader-elect=false \
        --bind-address 127.0.0.1 --secure-port 10257 \
        --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" \
        --use-service-account-credentials=false --service-cluster-ip-range "$service_cidr" \
        --node-monitor-grace-period 20s \
        --profiling=false
    start kube-scheduler "$bin/kube-scheduler" \
        --kubeconfig "$admin_kubeconfig" --authentication-kubeconfig "$admin_kubeconfig" \
        --authorization-kubeconfig "$admin_kubeconfig" --leader-elect=false \
        --bind-address 127.0.0.1 --secure-port 10259 --profiling=false
    start_kubelet
    start kube-proxy "$bin/kube-proxy" --config "$etc/kube-proxy.yaml"

    wait_for "node $node_name" 120 node_ready
    # pods need their namespace's default ServiceAccount and the kube-root-ca.crt ConfigMap
    wait_for "the default ServiceAccount" 60 kubectl_admin -n default get serviceaccount default
    wait_for "the kube-root-ca.crt ConfigMap" 60 kubectl_admin -n default get configmap kube-root-ca.crt
    say "node $node_name Ready ($((SECONDS - t0)) s); logs in $log"
    echo "export KUBECONFIG=$admin_kubeconfig"
}

# ---- images ----

docker_up() {
    mkdir -p "$state/docker" "$run/docker"
    start dockerd dockerd --data-root "$state/docker" --exec-root "$run/docker" \
        -H "unix://$docker_sock" --pidfile "$run/docker/docker.pid" \
        --containerd "$containerd_sock" --storage-driver overlay2 \
        --iptables=false --ip-forward=false --ip-masq=false --bridge none
    wait_for dockerd 60 docker -H "unix://$docker_sock" version
}

docker_() {
    docker -H "unix://$docker_sock" "$@"
}

has_image() {
    docker_ image inspect "$1" >/dev/null 2>&1
}

# debian:12-slim, as debootstrap makes it from Debian's mirror (the one apt uses here)
debian_image() {
    has_image debian:12-slim && return 0
    local tar=$state/images/debian-12-minbase.tar
    if [[ ! -f $tar ]]; then
        local mirror root
        mirror=$(apt-get indextargets --format '$(REPO_URI)' 2>/dev/null | grep -m1 '/debian/$' || true)
        mirror=${mirror:-http://deb.debian.org/debian/}
        root=$(mktemp -d "$state/images/rootfs.XXXXXX")
        say "debootstrap --variant=minbase bookworm from $mirror (a few minutes, once)"
        debootstrap --variant=minbase bookworm "$root" "$mirror" >"$log/debootstrap.log" 2>&1 \
            || fail "debootstrap failed (log: $log/debootstrap.log)"
        rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
        tar --numeric-owner -C "$root" -cf "$tar.tmp" .
        mv "$tar.tmp" "$tar"
        rm -rf "$root"
    fi
    say "docker import of the Debian root as debian:12-slim"
    docker_ import --change 'CMD ["bash"]' "$tar" debian:12-slim >/dev/null
}

# eclipse-temurin:25-jdk and :25-jre as the Dockerfile names them: this machine's Temurin 25 on
# debian:12-slim, at the path the real images use, with this machine's CA bundle (the build stage
# downloads from Maven Central)
temurin_images() {
    local jdk=${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}
    [[ -x $jdk/bin/java ]] || fail "no JDK 25 at $jdk (set JAVA_HOME_25)"
    local want=() tag
    for tag in 25-jdk 25-jre; do
        has_image "eclipse-temurin:$tag" || want+=("$tag")
    done
    ((${#want[@]} == 0)) && return 0
    local ctx
    ctx=$(mktemp -d)
    cp -rL "$jdk" "$ctx/jdk"
    # the JRE: every module of the JDK but jlink (a runtime image cannot link another), without
    # headers and debug symbols
    "$jdk/bin/jlink" --add-modules "$("$jdk/bin/java" --list-modules | sed 's/@.*//' | grep -v -x -e jdk.jlink -e jdk.jpackage | paste -sd, -)" \
        --strip-debug --no-man-pages --no-header-files --output "$ctx/jre" >/dev/null \
        || fail "jlink of a JRE from $jdk failed"
    cp -L /etc/ssl/certs/ca-certificates.crt "$ctx/ca-certificates.crt"
    for tag in "${want[@]}"; do
        local java=jdk
        [[ $tag == 25-jre ]] && java=jre
        say "building eclipse-temurin:$tag from $jdk"
        # as the real JDK image: binutils, because jlink --strip-debug runs objcopy
        local packages=""
        [[ $tag == 25-jdk ]] && packages="RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends binutils >/dev/null && rm -rf /var/lib/apt/lists/*"
        cat >"$ctx/Dockerfile.$tag" <<EOF
FROM debian:12-slim
$packages
COPY $java /opt/java/openjdk
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
ENV JAVA_HOME=/opt/java/openjdk PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8
EOF
        docker_ build --network host -f "$ctx/Dockerfile.$tag" -t "eclipse-temurin:$tag" "$ctx" \
            >"$log/docker-build-temurin-$tag.log" 2>&1 \
            || { tail -n 30 "$log/docker-build-temurin-$tag.log" >&2; fail "docker build of eclipse-temurin:$tag failed"; }
    done
    rm -rf "$ctx"
}

load_image() { # name
    docker_ save "$1" | ctr -a "$containerd_sock" -n k8s.io images import --no-unpack=false - >/dev/null
}

cmd_images() {
    need_root
    install_packages
    mkdir -p "$run" "$log" "$etc" "$state/images"
    [[ -f $etc/containerd.toml ]] || config_up
    containerd_up
    docker_up
    local t0=$SECONDS
    debian_image
    temurin_images
    local version targets=(kupervisor operator) t
    # the tag the chart (appVersion) and migrate's --kupervisor-image name
    version=$(sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$repo/helm/kupervisor/Chart.yaml")
    [[ -n $version ]] || fail "no appVersion in helm/kupervisor/Chart.yaml"
    for t in "${targets[@]}"; do
        say "docker build --target $t -t kupervisor/$t:$version (the project's Dockerfile; the build stage downloads from Maven Central: --network host)"
        docker_ build --network host --target "$t" -t "kupervisor/$t:$version" "$repo" >"$log/docker-build-$t.log" 2>&1 \
            || { tail -n 30 "$log/docker-build-$t.log" >&2; fail "docker build --target $t failed (log: $log/docker-build-$t.log)"; }
        load_image "kupervisor/$t:$version"
    done
    # the images the examples and the cluster tests name, made here (tools/k8s-cluster/images/*;
    # each Dockerfile says its tag), and Debian's root itself, which test programs run in
    local d tag built=("kupervisor/kupervisor:$version" "kupervisor/operator:$version")
    for d in "$here"/images/*/; do
        tag=$(sed -n 's/^# tag: *//p' "$d/Dockerfile")
        [[ -n $tag ]] || fail "$d/Dockerfile has no '# tag:' line"
        say "docker build -t $tag ($d)"
        docker_ build --network host -t "$tag" "$d" >"$log/docker-build-$(basename "$d").log" 2>&1 \
            || { tail -n 30 "$log/docker-build-$(basename "$d").log" >&2; fail "docker build of $d failed"; }
        built+=("$tag")
    done
    built+=(debian:12-slim)
    for tag in "${built[@]:2}"; do
        load_image "$tag"
    done
    say "images built and loaded into the cluster's containerd ($((SECONDS - t0)) s): ${built[*]}"
}

# ---- down ----

our_chains() { # table
    iptables -t "$1" -S 2>/dev/null | awk '$1=="-N" && $2 ~ /^(KUBE|CNI)-/ {print $2}'
}

cmd_down() {
    need_root
    local bin=
    [[ -d $testbin_dir/k8s ]] && bin=$(ls -d "$testbin_dir"/k8s/*/ 2>/dev/null | sort -V | tail -n1)
    bin=${bin%/}
    # pods first, while the kubelet still runs, so that CNI releases their addresses
    if is_running kubelet && is_running kube-apiserver && [[ -n $bin ]]; then
        say "deleting every pod"
        "$bin/kubectl" --kubeconfig "$admin_kubeconfig" delete pods --all -A --wait=true --timeout=60s >/dev/null 2>&1 || true
    fi
    stop kube-proxy
    stop kubelet
    stop kube-scheduler
    stop kube-controller-manager
    stop kube-apiserver
    stop etcd
    stop dockerd 30
    if is_running containerd; then
        # containers the kubelet or dockerd left: kill their tasks before containerd goes
        local ns c
        for ns in k8s.io moby; do
            for c in $(ctr -a "$containerd_sock" -n "$ns" tasks ls -q 2>/dev/null); do
                ctr -a "$containerd_sock" -n "$ns" tasks kill -s SIGKILL "$c" >/dev/null 2>&1 || true
                ctr -a "$containerd_sock" -n "$ns" tasks delete -f "$c" >/dev/null 2>&1 || true
            done
        done
    fi
    stop containerd 30
    # shims outlive containerd; theirs are under our state folder
    pkill -KILL -f "containerd-shim.*-address $containerd_sock" 2>/dev/null || true
    # mounts under the state folder (kubelet volumes, sandboxes' shm, overlay roots), deepest first
    awk -v s="$state/" -v r="$run/" 'index($2, s) == 1 || index($2, r) == 1 {print $2}' /proc/self/mounts \
        | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
    if [[ -n $bin && -x $bin/kube-proxy ]]; then
        "$bin/kube-proxy" --cleanup >/dev/null 2>&1 || true
    fi
    # chains the kubelet and kube-proxy add (KUBE-FIREWALL, KUBE-KUBELET-CANARY...) and the CNI
    # plugins' (CNI-HOSTPORT-*), in every table: first the jumps to them, then their rules, then them
    local table chain
    for table in filter nat mangle; do
        for chain in $(our_chains "$table"); do
            iptables -t "$table" -S 2>/dev/null | awk -v c="$chain" '$1=="-A" && $0 ~ ("-j " c "( |$)") {sub(/^-A/, "-D"); print}' \
                | while read -r rule; do eval "iptables -t $table $rule" 2>/dev/null || true; done
        done
        for chain in $(our_chains "$table"); do
            iptables -t "$table" -F "$chain" 2>/dev/null || true
        done
        for chain in $(our_chains "$table"); do
            iptables -t "$table" -X "$chain" 2>/dev/null || true
        done
    done
    ip link del "$bridge" 2>/dev/null || true
    ip link del "$node_if" 2>/dev/null || true
    # pod network namespaces the CNI plugin made (cni-<uuid>)
    local n
    for n in $(ip netns list 2>/dev/null | awk '$1 ~ /^cni-/ {print $1}'); do
        ip netns delete "$n" 2>/dev/null || true
    done
    if [[ -f $state/sysctl.saved ]]; then
        while IFS= read -r kv; do
            sysctl -qw "$kv" || true
        done <"$state/sysctl.saved"
        rm -f "$state/sysctl.saved"
    fi
    # the next `up` starts an empty cluster; certificates, images and Docker's build cache stay
    rm -rf "$state/cni/ipam" "$state/etcd" "$state/kubelet" "$state/pod-logs"
    say "down: nothing of the cluster runs (images and build cache kept in $state)"
}

# What of the cluster is still on this host: processes, mounts, interfaces, network namespaces,
# iptables chains, changed sysctls. Prints one line each and exits 1 if there is any (after
# `down` there must be none).
cmd_leftovers() {
    local found=0 pid cmd
    for pid in $(ls /proc | grep -E '^[0-9]+$'); do
        cmd=$( (tr '\0' ' ' <"/proc/$pid/cmdline") 2>/dev/null) || continue
        case "$cmd" in
            *"$state"* | *"$testbin_dir/k8s/"*) echo "process $pid: ${cmd:0:160}"; found=1 ;;
        esac
    done
    while read -r _ mnt _; do
        case "$mnt" in "$state"/* | "$run"/*) echo "mount $mnt"; found=1 ;; esac
    done </proc/self/mounts
    local l
    for l in "$node_if" "$bridge"; do
        ip link show "$l" >/dev/null 2>&1 && { echo "interface $l"; found=1; }
    done
    for l in $(ip -o link show type veth 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1); do
        [[ $(ip -o link show "$l" 2>/dev/null) == *" master $bridge "* ]] && { echo "interface $l (on $bridge)"; found=1; }
    done
    for l in $(ip netns list 2>/dev/null | awk '$1 ~ /^cni-/ {print $1}'); do
        echo "network namespace $l"
        found=1
    done
    local table chain
    for table in filter nat mangle; do
        for chain in $(our_chains "$table"); do
            echo "iptables chain $table/$chain"
            found=1
        done
    done
    if [[ -f $state/sysctl.host ]]; then
        local kv
        while IFS= read -r kv; do
            [[ "${kv%%=*}=$(sysctl -n "${kv%%=*}")" == "$kv" ]] || { echo "sysctl ${kv%%=*}=$(sysctl -n "${kv%%=*}") (was ${kv#*=})"; found=1; }
        done <"$state/sysctl.host"
    fi
    return $found
}

cmd_env() {
    local bin
    bin=$(ls -d "$testbin_dir"/k8s/*/ 2>/dev/null | sort -V | tail -n1)
    [[ -n $bin ]] || fail "no binaries in $testbin_dir/k8s (run tools/k8s-testbin/build.sh)"
    echo "export KUBECONFIG=$admin_kubeconfig"
    echo "export PATH=${bin%/}:\$PATH"
    echo "export DOCKER_HOST=unix://$docker_sock"
    echo "export CONTAINERD_ADDRESS=$containerd_sock"
}

cmd_status() {
    local c
    for c in containerd dockerd etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy; do
        if is_running "$c"; then
            echo "$c running (pid $(cat "$run/$c.pid"))"
        else
            echo "$c stopped"
        fi
    done
}

case "${1:-}" in
    up) cmd_up ;;
    images) cmd_images ;;
    down) cmd_down ;;
    env) cmd_env ;;
    status) cmd_status ;;
    leftovers) cmd_leftovers ;;
    kubelet)
        # a node lost and found again, for the tests: the kubelet stopped (its containers keep
        # running, as on a partitioned node) and started again
        need_root
        case "${2:-}" in
            stop) stop kubelet ;;
            start)
                bin=$(bin_dir)
                start_kubelet
                wait_for "node $node_name" 120 node_ready
                ;;
            *) fail "usage: $0 kubelet stop|start" ;;
        esac
        ;;
    *)
        echo "usage: $0 up|images|down|env|status|leftovers|kubelet stop|start" >&2
        exit 2
        ;;
esac
