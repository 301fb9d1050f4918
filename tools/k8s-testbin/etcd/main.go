// Command etcd is etcd's server, at the go.etcd.io/etcd/server/v3 version that
// k8s.io/kubernetes' module graph selects.
//
// With KUPERVISOR_ETCD_LOOPBACK=true in its environment, URLs in its arguments that name 0.0.0.0
// name 127.0.0.1 instead: fabric8 kube-api-test starts etcd with --listen-client-urls
// http://0.0.0.0:PORT and has no setting to change that, and the tests keep every server on
// loopback. Without it, this is etcd as released.
package main

import (
	"os"
	"strings"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	args := os.Args
	if os.Getenv("KUPERVISOR_ETCD_LOOPBACK") == "true" {
		args = make([]string, len(os.Args))
		for i, arg := range os.Args {
			args[i] = strings.ReplaceAll(arg, "://0.0.0.0:", "://127.0.0.1:")
		}
	}
	etcdmain.Main(args)
}
