package testcluster

import (
	"os"
	"syscall"
)

// Kill sends SIGKILL to a component and waits for it to exit.
func (c *Cluster) Kill(name string) {
	c.t.Helper()
	if comp := c.mustRun(name); comp != nil {
		comp.proc.Kill()
	}
}

// Stop sends SIGTERM to a component (SIGKILL after a grace period) and
// waits for it to exit.
func (c *Cluster) Stop(name string) {
	c.t.Helper()
	if comp := c.mustRun(name); comp != nil {
		comp.proc.Stop(stopGrace)
	}
}

// Pause stops a component with SIGSTOP: its connections stay open but it
// answers nothing, like a hung machine.
func (c *Cluster) Pause(name string) { c.t.Helper(); c.signal(name, syscall.SIGSTOP) }

// Resume continues a paused component with SIGCONT.
func (c *Cluster) Resume(name string) { c.t.Helper(); c.signal(name, syscall.SIGCONT) }

func (c *Cluster) signal(name string, sig syscall.Signal) {
	c.t.Helper()
	if comp := c.mustRun(name); comp != nil {
		if err := comp.proc.Signal(sig); err != nil {
			c.t.Fatalf("signal %v to %s: %v", sig, name, err)
		}
	}
}

func (c *Cluster) mustRun(name string) *component {
	c.t.Helper()
	comp := c.get(name)
	if !comp.running() {
		c.t.Fatalf("testcluster: %s is not running", name)
		return nil
	}
	return comp
}

// Restart stops a component if it runs (SIGTERM), starts it again with the
// same flags and data directory, and waits until it is ready.
func (c *Cluster) Restart(name string) {
	c.t.Helper()
	comp := c.get(name)
	if comp.running() {
		comp.proc.Stop(stopGrace)
	}
	c.launch(comp)
	c.waitReady(comp)
}

// StartServer starts a server: a new one (with its own peer port and data
// directory) or a defined one that is not running. It waits until the
// server answers through the broker.
func (c *Cluster) StartServer(name string) {
	c.t.Helper()
	comp, ok := c.comps[name]
	switch {
	case !ok:
		comp = c.defineServer(name)
	case !comp.server:
		c.t.Fatalf("testcluster: %s is not a server", name)
	case comp.running():
		c.t.Fatalf("testcluster: %s is already running", name)
	}
	c.launch(comp)
	c.waitReady(comp)
}

// Wipe deletes a stopped component's data directory, as if its disk had
// been replaced.
func (c *Cluster) Wipe(name string) {
	c.t.Helper()
	comp := c.get(name)
	if comp.running() {
		c.t.Fatalf("testcluster: stop %s before wiping it", name)
	}
	if comp.data == "" {
		c.t.Fatalf("testcluster: %s has no data directory", name)
	}
	if err := os.RemoveAll(comp.data); err != nil {
		c.t.Fatalf("wipe %s: %v", name, err)
	}
}
