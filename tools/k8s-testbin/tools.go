//go:build tools

// Package tools pins the commands build.sh builds, so that go.mod and go.sum hold everything
// they need. It is never compiled.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kubectl"

	_ "kupervisor.io/tools/k8s-testbin/etcd"
)
