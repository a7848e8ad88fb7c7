package testcluster

import (
	"path/filepath"
	"slices"
	"time"

	"zchat/internal/auth"
	"zchat/internal/wire"
)

// makeKey writes the cluster's own key into its directory: every
// cluster has another, so that clusters of parallel tests never accept
// each other's members.
func (c *Cluster) makeKey() {
	c.t.Helper()
	if c.opts.InsecureCluster {
		return
	}
	k, err := auth.WriteNewKeyFile(c.ClusterKeyFile())
	if err != nil {
		c.t.Fatalf("testcluster: %v", err)
	}
	c.key = k
}

// ClusterKeyFile is the file of the cluster key ("" for an insecure
// cluster), for processes a test starts as members.
func (c *Cluster) ClusterKeyFile() string {
	if c.opts.InsecureCluster {
		return ""
	}
	return filepath.Join(c.dir, "cluster.key")
}

// ClusterKey is the cluster key (the zero Key for an insecure cluster).
func (c *Cluster) ClusterKey() auth.Key { return c.key }

// AccessKey is the key pair of the authenticated client ports
// (SecureFrontend, SecureXPub), derived from the cluster key; clients
// need its public half. The zero Key for an insecure cluster.
func (c *Cluster) AccessKey() auth.Key {
	if c.opts.InsecureCluster {
		return auth.Key{}
	}
	return auth.AccessKey(c.key)
}

// AskAs is Ask on the broker's secure frontend as the holder of user (a
// user key; auth.GenerateKey makes one): the servers see the request as
// user's.
func (c *Cluster) AskAs(user auth.Key, service string, data map[string]any, timeout time.Duration) (wire.Message, error) {
	return AskAs(c.SecureFrontend(), c.AccessKey().Public, user, service, data, timeout)
}

// Membership is what a test uses to act as a member of the cluster: a
// client of a member endpoint (reference, broker backend, proxy XSUB,
// peer port) is refused without it.
func (c *Cluster) Membership() auth.Cluster {
	if c.opts.InsecureCluster {
		return auth.Open()
	}
	return auth.WithKey(c.key, nil)
}

// MemberArgs are the flags that make a zchat process a member of the
// cluster.
func (c *Cluster) MemberArgs() []string {
	if c.opts.InsecureCluster {
		return []string{"--insecure-cluster"}
	}
	return []string{"--cluster-key", c.ClusterKeyFile()}
}

// Ask is the package's Ask for any endpoint of the cluster: as a member
// on the member endpoints, as an anonymous client elsewhere.
func (c *Cluster) Ask(ep, service string, data map[string]any, timeout time.Duration) (wire.Message, error) {
	return AskWith(c.clusterFor(ep), ep, service, data, timeout)
}

// clusterFor is how a client of ep must connect.
func (c *Cluster) clusterFor(ep string) auth.Cluster {
	members := []string{c.Backend(), c.XSub(), c.Reference()}
	for _, name := range c.order {
		if comp := c.comps[name]; comp.server {
			members = append(members, c.PeerAddr(name))
		}
	}
	if slices.Contains(members, ep) {
		return c.Membership()
	}
	return auth.Open()
}
