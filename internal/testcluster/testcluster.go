package testcluster

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"zchat/internal/auth"
	"zchat/internal/cluster"
)

// ReadyTimeout bounds every wait for a component to come up.
const ReadyTimeout = 20 * time.Second

// stopGrace is how long a SIGTERMed component gets before SIGKILL.
const stopGrace = 10 * time.Second

// Options shape the cluster.
type Options struct {
	Servers    int      // number of servers, named s1..sN; 0 starts none
	ServerArgs []string // extra flags for every server (e.g. --sync-replicas 1)
	LogLevel   string   // of every component; default "debug"

	// InsecureCluster runs the member links open (--insecure-cluster)
	// instead of with the cluster's own key.
	InsecureCluster bool
}

// failureLogLines bounds how much of each log a failed test prints.
const failureLogLines = 400

// Cluster is a running test cluster. Its methods must be called from the
// test's goroutine.
type Cluster struct {
	t     testing.TB
	bin   string
	dir   string
	opts  Options
	env   []string
	key   auth.Key // the cluster key, unless opts.InsecureCluster
	ports struct {
		frontend, backend, xsub, xpub, reference int
		secureFrontend, secureXPub               int
	}
	mu    sync.Mutex // guards comps for the cleanup
	comps map[string]*component
	order []string
}

// component is one process of the cluster, possibly not running.
type component struct {
	name    string
	args    []string // subcommand and its flags
	data    string   // data directory, "" for none
	logPath string
	server  bool
	starts  int
	proc    *cluster.Proc
}

func (c *component) running() bool {
	if c.proc == nil {
		return false
	}
	select {
	case <-c.proc.Done():
		return false
	default:
		return true
	}
}

// Start builds the binary if needed and starts a reference, a broker, a
// proxy and opts.Servers servers, waiting until each is ready: servers are
// ready when requests through the broker are answered by every one of
// them. Everything is stopped when the test ends.
func Start(t testing.TB, opts Options) *Cluster {
	t.Helper()
	c := &Cluster{t: t, bin: Binary(t), dir: t.TempDir(), opts: opts, env: childEnv(), comps: map[string]*component{}}
	t.Cleanup(c.cleanup) // after TempDir: runs before the directory goes
	c.makeKey()
	c.ports.frontend, c.ports.backend = freePort(t), freePort(t)
	c.ports.xsub, c.ports.xpub, c.ports.reference = freePort(t), freePort(t), freePort(t)
	c.ports.secureFrontend, c.ports.secureXPub = freePort(t), freePort(t)
	c.define("reference", false, "reference", "--bind", c.Reference(), "--data", c.dataDir("reference"))
	c.define("broker", false, "broker", "--frontend", c.Frontend(), "--secure-frontend", c.SecureFrontend(), "--backend", c.Backend())
	c.define("proxy", false, "proxy", "--xsub", c.XSub(), "--xpub", c.XPub(), "--secure-xpub", c.SecureXPub())
	for _, name := range []string{"reference", "broker", "proxy"} {
		c.launch(c.comps[name])
	}
	for _, name := range []string{"reference", "broker", "proxy"} {
		c.waitReady(c.comps[name])
	}
	var servers []string
	for i := 1; i <= opts.Servers; i++ {
		name := fmt.Sprintf("s%d", i)
		c.launch(c.defineServer(name))
		servers = append(servers, name)
	}
	c.WaitServers(servers...)
	return c
}

// childEnv is our environment without ZCHAT_* variables, which would
// otherwise change the children's flags behind the test's back.
func childEnv() []string {
	return slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "ZCHAT_") })
}

func (c *Cluster) dataDir(name string) string { return filepath.Join(c.dir, "data", name) }

// define adds a member of the cluster: its flags get the cluster key.
func (c *Cluster) define(name string, server bool, args ...string) *component {
	comp := &component{
		name:    name,
		args:    append(args, c.MemberArgs()...),
		server:  server,
		logPath: filepath.Join(c.dir, "logs", name+".log"),
	}
	if name != "broker" && name != "proxy" {
		comp.data = c.dataDir(name)
	}
	c.mu.Lock()
	c.comps[name] = comp
	c.order = append(c.order, name)
	c.mu.Unlock()
	return comp
}

func (c *Cluster) defineServer(name string) *component {
	peer := endpoint(freePort(c.t))
	args := []string{"server", "--name", name, "--data", c.dataDir(name),
		"--broker", c.Backend(), "--proxy", c.XSub(), "--proxy-sub", c.XPub(),
		"--reference", c.Reference(), "--peer-bind", peer, "--advertise", peer}
	return c.define(name, true, append(args, c.opts.ServerArgs...)...)
}

// launch starts comp's process with output appended to its log file.
func (c *Cluster) launch(comp *component) {
	c.t.Helper()
	if err := os.MkdirAll(filepath.Dir(comp.logPath), 0o755); err != nil {
		c.t.Fatal(err)
	}
	f, err := os.OpenFile(comp.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		c.t.Fatal(err)
	}
	defer f.Close() // the child has its own descriptor
	comp.starts++
	fmt.Fprintf(f, "=== testcluster: start %d of %s: zchat %s\n", comp.starts, comp.name, strings.Join(comp.args, " "))
	level := c.opts.LogLevel
	if level == "" {
		level = "debug"
	}
	args := append([]string{"--log-level=" + level}, comp.args...)
	p, err := cluster.Start(cluster.Spec{Name: comp.name, Path: c.bin, Args: args, Env: c.env}, f)
	if err != nil {
		c.t.Fatalf("start %s: %v", comp.name, err)
	}
	c.mu.Lock()
	comp.proc = p
	c.mu.Unlock()
}

func (c *Cluster) get(name string) *component {
	c.t.Helper()
	comp, ok := c.comps[name]
	if !ok {
		c.t.Fatalf("testcluster: no component %q (have %v)", name, c.order)
	}
	return comp
}

// cleanup stops every running component concurrently, then prints the
// logs if the test failed.
func (c *Cluster) cleanup() {
	c.mu.Lock()
	var wg sync.WaitGroup
	for _, comp := range c.comps {
		if comp.proc != nil {
			wg.Add(1)
			go func(p *cluster.Proc) { defer wg.Done(); p.Stop(stopGrace) }(comp.proc)
		}
	}
	c.mu.Unlock()
	wg.Wait()
	if c.t.Failed() {
		for _, name := range c.order {
			c.t.Logf("==== log of %s (last %d lines) ====\n%s", name, failureLogLines, tail(c.Logs(name), failureLogLines))
		}
	}
}
