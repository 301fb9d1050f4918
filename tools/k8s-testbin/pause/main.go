// Command pause is the cluster's sandbox ("pause") container: it holds a pod's namespaces, reaps
// the children it is handed, and exits on SIGINT or SIGTERM. It is built static (CGO_ENABLED=0)
// and is the only file of the pause image that tools/k8s-cluster/cluster.sh writes, since no
// image registry is reachable here.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for s := range signals {
		if s == syscall.SIGCHLD {
			for {
				pid, err := syscall.Wait4(-1, nil, syscall.WNOHANG, nil)
				if pid <= 0 || err != nil {
					break
				}
			}
			continue
		}
		os.Exit(0)
	}
}
