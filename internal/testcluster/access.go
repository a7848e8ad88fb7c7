package testcluster

import (
	"os"
	"slices"
)

// Frontend is the broker's endpoint for clients (REQ).
func (c *Cluster) Frontend() string { return endpoint(c.ports.frontend) }

// SecureFrontend is the broker's endpoint for clients with a user key
// (CURVE with AccessKey; see AskAs). An insecure cluster has the flag but
// nothing listens there.
func (c *Cluster) SecureFrontend() string { return endpoint(c.ports.secureFrontend) }

// SecureXPub is the proxy's endpoint for subscribers with a user key
// (CURVE with AccessKey; auth.UserClient prepares a SUB for it). An
// insecure cluster has the flag but nothing listens there.
func (c *Cluster) SecureXPub() string { return endpoint(c.ports.secureXPub) }

// Backend is the broker's endpoint for servers.
func (c *Cluster) Backend() string { return endpoint(c.ports.backend) }

// XSub is the proxy's endpoint for publishers.
func (c *Cluster) XSub() string { return endpoint(c.ports.xsub) }

// XPub is the proxy's endpoint for subscribers (SUB).
func (c *Cluster) XPub() string { return endpoint(c.ports.xpub) }

// Reference is the registry's endpoint.
func (c *Cluster) Reference() string { return endpoint(c.ports.reference) }

// Binary is the zchat binary the cluster runs.
func (c *Cluster) Binary() string { return c.bin }

// DataDir is a component's data directory ("" for broker and proxy).
func (c *Cluster) DataDir(name string) string { return c.get(name).data }

// Servers lists the servers defined so far, running or not, in start order.
func (c *Cluster) Servers() []string {
	var out []string
	for _, name := range c.order {
		if c.comps[name].server {
			out = append(out, name)
		}
	}
	return out
}

// Running tells whether a component's process is alive (it may be paused).
func (c *Cluster) Running(name string) bool { return c.get(name).running() }

// Pid is the process id of a component's current process, 0 if none.
func (c *Cluster) Pid(name string) int {
	if comp := c.get(name); comp.proc != nil {
		return comp.proc.Pid()
	}
	return 0
}

// Logs returns everything a component has written so far, across restarts.
func (c *Cluster) Logs(name string) string {
	b, err := os.ReadFile(c.get(name).logPath)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	return string(b)
}

func (c *Cluster) runningServers() []string {
	return slices.DeleteFunc(c.Servers(), func(n string) bool { return !c.comps[n].running() })
}
