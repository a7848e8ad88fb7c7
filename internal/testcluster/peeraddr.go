package testcluster

import "slices"

// PeerAddr is a server's server-to-server endpoint (the one it advertises
// to the reference), which stays the same across restarts. Tests call
// peer services there, such as status or replication's history, to see
// one server's state instead of whichever server the broker picks.
func (c *Cluster) PeerAddr(name string) string {
	c.t.Helper()
	comp := c.get(name)
	i := slices.Index(comp.args, "--advertise")
	if !comp.server || i < 0 || i+1 >= len(comp.args) {
		c.t.Fatalf("testcluster: %s has no peer endpoint", name)
	}
	return comp.args[i+1]
}
