package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"zchat/internal/auth"
)

// ClusterFlags say how a member of the cluster (broker, proxy, reference,
// server, status) proves its membership on the member links.
type ClusterFlags struct {
	ClusterKey      string `default:"./data/cluster.key" type:"path" placeholder:"FILE" help:"The cluster key (zchat keygen writes one; zchat up creates <data>/cluster.key): the same file on every member. Only holders may connect to the broker backend, the proxy XSUB, the reference and the servers' peer ports."`
	InsecureCluster bool   `help:"Run the member links open (no authentication, no encryption), e.g. in a cluster with other implementations' servers. Anyone who reaches those ports can then act as a server."`
}

// cluster loads the key, or returns Open with a warning.
func (f ClusterFlags) cluster(log *slog.Logger) (auth.Cluster, error) {
	if f.InsecureCluster {
		log.Warn("member links are open (--insecure-cluster): anyone who reaches the broker backend, the proxy XSUB, the reference or a peer port can act as a server")
		return auth.Open(), nil
	}
	k, err := auth.LoadKeyFile(f.ClusterKey, log)
	if errors.Is(err, auth.ErrNoKeyFile) {
		return auth.Cluster{}, fmt.Errorf("%w; create one with `zchat keygen --out %s` and give the same file to every member "+
			"(--cluster-key or ZCHAT_CLUSTER_KEY), or run with --insecure-cluster", err, f.ClusterKey)
	}
	if err != nil {
		return auth.Cluster{}, err
	}
	return auth.WithKey(k, log), nil
}

// args passes the same choice on to a child process.
func (f ClusterFlags) args() []string {
	if f.InsecureCluster {
		return []string{"--insecure-cluster"}
	}
	return []string{"--cluster-key", f.ClusterKey}
}

// KeygenCmd writes a new cluster key.
type KeygenCmd struct {
	Out string `required:"" type:"path" placeholder:"FILE" help:"Where to write the key (mode 0600). An existing file is never replaced."`

	stdout io.Writer // os.Stdout unless a test sets it
}

func (c *KeygenCmd) Run(ctx context.Context) error {
	k, err := auth.WriteNewKeyFile(c.Out)
	if err != nil {
		return err
	}
	out := c.stdout
	if out == nil {
		out = os.Stdout
	}
	_, err = fmt.Fprintf(out, "wrote a new cluster key to %s (public key %s)\ngive this file to every member: --cluster-key %s or ZCHAT_CLUSTER_KEY\n", c.Out, k.Public, c.Out)
	return err
}
