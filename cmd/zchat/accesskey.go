package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"zchat/internal/auth"
)

// AccessKeyCmd prints the access public key of a cluster, derived from its
// cluster key: what operators publish so that users pin it
// (--server-key) instead of trusting the first answer of the open port.
type AccessKeyCmd struct {
	ClusterKey string `default:"./data/cluster.key" type:"path" placeholder:"FILE" help:"The cluster key file (members hold it)."`

	stdout io.Writer // os.Stdout unless a test sets it
}

func (c *AccessKeyCmd) Run(ctx context.Context, g *Globals) error {
	k, err := auth.LoadKeyFile(c.ClusterKey, g.Logger("access-key"))
	if err != nil {
		return err
	}
	out := c.stdout
	if out == nil {
		out = os.Stdout
	}
	_, err = fmt.Fprintln(out, auth.AccessKey(k).Public)
	return err
}
