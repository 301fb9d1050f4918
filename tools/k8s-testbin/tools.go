//go:build tools

// Package tools pins the commands build.sh builds (the API server's three for the e2e tests,
// the node's four and the pause program for the real cluster), so that go.mod and go.sum hold everything
// they need. It is never compiled.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-proxy"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
	_ "k8s.io/kubernetes/cmd/kubelet"

	_ "kupervisor.io/tools/k8s-testbin/etcd"
	_ "kupervisor.io/tools/k8s-testbin/pause"
)
