//go:build tools

// Package tools pins helm's command for build.sh. Helm is a module of its own because it brings
// newer k8s.io staging modules than the cluster's binaries are built with. It is never compiled.
package tools

import (
	_ "helm.sh/helm/v4/cmd/helm"
)
