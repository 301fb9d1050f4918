#!/usr/bin/env bash
# Builds kube-apiserver, kubectl and etcd from this Go module (tools/k8s-testbin) into the layout
# fabric8 kube-api-test reads in offline mode, and beside them the node's binaries (kubelet,
# kube-controller-manager, kube-scheduler, kube-proxy), the sandbox's pause program and helm (its
# own module, helm/) for the real cluster of tools/k8s-cluster:
#
#   DIR/k8s/<X.Y.Z>-<os>-<arch>/{kube-apiserver,etcd,kubectl,kubelet,kube-controller-manager,
#                                kube-scheduler,kube-proxy,pause,helm}
#
# Usage: tools/k8s-testbin/build.sh [DIR]
#   DIR defaults to $KUPERVISOR_K8S_TESTBIN, else $HOME/.kupervisor/k8s-testbin (outside the work
#   tree, so CI's fresh clones on the same machine reuse it).
#
# Needs Go (the version in go.mod or newer) and the Go module proxy. A version stamp (hash of this
# module's files, this script and the Go version) skips the build when the binaries are current.
# Prints the resulting directory on the last line of stdout; everything else goes to stderr.
set -euo pipefail

start=$SECONDS
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir=${1:-${KUPERVISOR_K8S_TESTBIN:-$HOME/.kupervisor/k8s-testbin}}

say() { echo "k8s-testbin: $*" >&2; }
fail() {
    say "FAILED: $*"
    say "(after $((SECONDS - start)) s)"
    exit 1
}
took() { echo "$((SECONDS - start)) s"; }

command -v go >/dev/null 2>&1 || fail "no 'go' on PATH; install Go (go.mod says $(awk '$1=="go"{print $2}' "$here/go.mod") or newer)"

mkdir -p "$dir" || fail "cannot create $dir"
dir=$(cd "$dir" && pwd)
cd "$here"
goos=$(go env GOOS)
goarch=$(go env GOARCH)
# The version is the one go.mod requires; the staging modules are replaced with the matching v0.Y.Z.
kube_version=$(awk '$1=="k8s.io/kubernetes" && $2 ~ /^v[0-9]/ {print $2; exit}' go.mod)
[[ -n "$kube_version" ]] || fail "go.mod requires no k8s.io/kubernetes version"
out="$dir/k8s/${kube_version#v}-$goos-$goarch"

stamp=$(
    {
        cat go.mod go.sum tools.go etcd/main.go pause/main.go helm/go.mod helm/go.sum helm/tools.go build.sh
        go version
        echo "$goos/$goarch"
    } | sha256sum | cut -d' ' -f1
)
if [[ -f "$out/.stamp" && "$(head -n1 "$out/.stamp")" == "$stamp" ]] \
    && [[ -x "$out/kube-apiserver" && -x "$out/kubectl" && -x "$out/etcd" && -x "$out/kubelet" && -x "$out/helm" ]]; then
    say "up to date: $out (stamp matches; took $(took))"
    echo "$out"
    exit 0
fi

say "building Kubernetes $kube_version ($goos/$goarch) into $out"
say "  $(go version); GOPROXY=$(go env GOPROXY); GOCACHE=$(go env GOCACHE); GOMODCACHE=$(go env GOMODCACHE)"

export CGO_ENABLED=0
export GOFLAGS="-buildvcs=false -mod=readonly"
pkgs=(k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubectl ./etcd
    k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kube-controller-manager
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kube-proxy ./pause)
helm_version=$(cd helm && awk '$1=="require" && $2=="helm.sh/helm/v4" {print $3; exit}' go.mod)
[[ -n "$helm_version" ]] || fail "helm/go.mod requires no helm.sh/helm/v4 version"

# 1. Modules: download exactly what the three commands need. A failure here is the proxy's (or a
#    module it does not serve), not the compiler's.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! go list -deps -f '{{with .Module}}{{.Path}}{{end}}' "${pkgs[@]}" >/dev/null 2>"$log"; then
    cat "$log" >&2
    fail "could not load the modules that the commands need (Go module proxy: $(go env GOPROXY)); see go's messages above"
fi
if ! (cd helm && go list -deps helm.sh/helm/v4/cmd/helm >/dev/null 2>"$log"); then
    cat "$log" >&2
    fail "could not load the modules helm $helm_version needs (Go module proxy: $(go env GOPROXY)); see go's messages above"
fi
say "modules ready ($(took))"

# 2. Version ldflags, as Kubernetes' hack/lib/version.sh sets them, so that `kubectl version` and
#    the server's /version report the release. Commit and date come from the proxy's record of the
#    release tag (the module's Origin and Time).
etcd_version=$(go list -m -f '{{.Version}}' go.etcd.io/etcd/server/v3)
kube_time=$(go list -m -f '{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}' k8s.io/kubernetes)
# The release tag's commit: the module proxy's record of a version may name it (Origin.Hash), but
# it does so only now and then (and a module cache filled by a build keeps no Origin), so the
# commit of the version go.mod requires is written here, as the proxy once named it
# (Ref refs/tags/v1.34.12); another version is asked of the proxy, in a throw-away cache.
origin_hash() (
    cache=$(mktemp -d)
    trap 'rm -rf "$cache"' EXIT
    cd "$cache" && GOFLAGS=-modcacherw GOMODCACHE="$cache" go list -m -json "$1" 2>/dev/null \
        | sed -n 's/^[[:space:]]*"Hash": "\([0-9a-f]*\)".*/\1/p' | head -n1
)
case "$kube_version" in
    v1.34.12) kube_commit=26c89157669bdc7e3657302bc1abde758507095b ;;
    *) kube_commit=$(origin_hash "k8s.io/kubernetes@$kube_version") || true ;;
esac
[[ -n "$kube_commit" ]] || say "warning: no commit known for k8s.io/kubernetes $kube_version: gitCommit=unknown (add it to build.sh)"
# etcd: the proxy records no commit for go.etcd.io/etcd/server/v3; etcd --version then says so.
etcd_commit=$(origin_hash "go.etcd.io/etcd/server/v3@$etcd_version") || true
minor=${kube_version#v*.}
minor=${minor%%.*}
major=${kube_version#v}
major=${major%%.*}
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$kube_version -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
    ldflags+=" -X $pkg.gitCommit=${kube_commit:-unknown} -X $pkg.gitTreeState=clean -X $pkg.buildDate=$kube_time"
done
if [[ -n "$etcd_commit" ]]; then
    ldflags+=" -X go.etcd.io/etcd/api/v3/version.GitSHA=${etcd_commit:0:9}"
fi

# 3. Build into a fresh directory beside the target and swap it in whole.
mkdir -p "$dir/k8s"
tmp=$(mktemp -d "$dir/k8s/.build.XXXXXX")
trap 'rm -f "$log"; rm -rf "$tmp"' EXIT
if ! go build -trimpath -pgo=off -ldflags "$ldflags" -o "$tmp/" "${pkgs[@]}" 2>"$log"; then
    cat "$log" >&2
    fail "go build of ${pkgs[*]} failed (Kubernetes $kube_version, etcd $etcd_version, $(go version))"
fi
say "Kubernetes built ($(took))"
if ! (cd helm && go build -trimpath -pgo=off -ldflags "-s -w -X helm.sh/helm/v4/internal/version.version=$helm_version -X helm.sh/helm/v4/internal/version.gitTreeState=clean" -o "$tmp/helm" helm.sh/helm/v4/cmd/helm 2>"$log"); then
    cat "$log" >&2
    fail "go build of helm $helm_version failed ($(go version))"
fi
say "helm built ($(took))"

# 4. Each binary must run and name its version.
apiserver_says=$("$tmp/kube-apiserver" --version 2>&1) || fail "kube-apiserver --version: $apiserver_says"
[[ "$apiserver_says" == "Kubernetes $kube_version" ]] || fail "kube-apiserver --version says '$apiserver_says', expected 'Kubernetes $kube_version'"
kubectl_says=$("$tmp/kubectl" version --client 2>&1) || fail "kubectl version --client: $kubectl_says"
grep -q "^Client Version: $kube_version$" <<<"$kubectl_says" || fail "kubectl version --client says '$kubectl_says'"
etcd_says=$("$tmp/etcd" --version 2>&1) || fail "etcd --version: $etcd_says"
grep -q "^etcd Version: ${etcd_version#v}$" <<<"$etcd_says" || fail "etcd --version says '$etcd_says', expected ${etcd_version#v}"
for node_binary in kubelet kube-controller-manager kube-scheduler kube-proxy; do
    node_says=$("$tmp/$node_binary" --version 2>&1) || fail "$node_binary --version: $node_says"
    [[ "$node_says" == "Kubernetes $kube_version" ]] || fail "$node_binary --version says '$node_says', expected 'Kubernetes $kube_version'"
done
helm_says=$("$tmp/helm" version --template '{{.Version}}' 2>&1) || fail "helm version: $helm_says"
[[ "$helm_says" == "$helm_version" ]] || fail "helm version says '$helm_says', expected $helm_version"

{
    echo "$stamp"
    echo "kubernetes $kube_version (commit ${kube_commit:-unknown}, $kube_time)"
    echo "etcd $etcd_version (go.etcd.io/etcd/server/v3, as k8s.io/kubernetes' module graph selects)"
    echo "helm $helm_version (helm/go.mod)"
    go version
    echo "built $(date -u +%Y-%m-%dT%H:%M:%SZ) in $((SECONDS - start)) s"
} >"$tmp/.stamp"
rm -rf "$out"
mv "$tmp" "$out"
chmod 755 "$out"
say "$apiserver_says; $(head -n1 <<<"$kubectl_says"); etcd ${etcd_version#v}; helm $helm_version"
say "done: $out (took $(took))"
echo "$out"
