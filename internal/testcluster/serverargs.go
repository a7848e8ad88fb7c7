package testcluster

// StartServerWith starts a new server like StartServer, with extra flags
// for it alone after Options.ServerArgs (e.g. --clock-skew=5s); they stay
// in force across Restart.
func (c *Cluster) StartServerWith(name string, args ...string) {
	c.t.Helper()
	if _, ok := c.comps[name]; ok {
		c.t.Fatalf("testcluster: %s is already defined", name)
	}
	comp := c.defineServer(name)
	comp.args = append(comp.args, args...)
	c.launch(comp)
	c.waitReady(comp)
}
