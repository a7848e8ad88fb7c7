package bench

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"zchat/internal/wire"
)

// clusterTarget is a whole cluster of child processes: reference, broker,
// proxy and servers s1..sN on free loopback ports.
type clusterTarget struct {
	*spawned
	cfg          *SpawnConfig
	servers      []string
	storeHistory *Summary // History timed on a filled store, without the request path
}

func spawnCluster(ctx context.Context, cfg *Config) (*clusterTarget, error) {
	sc := cfg.Spawn
	roles := []string{"frontend", "backend", "xsub", "xpub", "reference", "secure-frontend", "secure-xpub"}
	c := &clusterTarget{cfg: sc}
	for i := 1; i <= sc.Servers; i++ {
		c.servers = append(c.servers, serverName(i))
		roles = append(roles, "peer:"+serverName(i))
	}
	s, err := newSpawned(sc, cfg.Logger, roles...)
	if err != nil {
		return nil, err
	}
	c.spawned = s
	if err := c.boot(ctx, cfg); err != nil {
		c.stop()
		return nil, err
	}
	return c, nil
}

// boot fills the data directories, starts the infrastructure and the
// servers (all but the last one for a catch-up run) and waits until they
// serve.
func (c *clusterTarget) boot(ctx context.Context, cfg *Config) error {
	first := c.servers
	if c.cfg.Catchup {
		first = c.servers[:len(c.servers)-1]
	}
	if c.cfg.Fill > 0 {
		if err := c.fill(ctx, cfg, first); err != nil {
			return err
		}
	}
	infra := [][]string{
		{"reference", "reference", "--bind", c.eps["reference"], "--data", filepath.Join(c.dir, "reference")},
		append([]string{"broker", "broker", "--frontend", c.eps["frontend"], "--secure-frontend", c.eps["secure-frontend"],
			"--backend", c.eps["backend"]}, c.cfg.brokerArgs()...),
		{"proxy", "proxy", "--xsub", c.eps["xsub"], "--xpub", c.eps["xpub"], "--secure-xpub", c.eps["secure-xpub"]},
	}
	for _, a := range infra {
		if err := c.start(a[0], append(a[1:], c.members.args()...)...); err != nil {
			return err
		}
	}
	listening := []string{"reference", "frontend", "backend", "xsub", "xpub"}
	if c.members.secure() {
		listening = append(listening, "secure-frontend", "secure-xpub")
	}
	if err := c.waitDialable(ctx, []string{"reference", "broker", "proxy"}, listening...); err != nil {
		return err
	}
	for _, name := range first {
		if err := c.startServer(name); err != nil {
			return err
		}
	}
	return c.waitServers(ctx, first)
}

func (c *clusterTarget) fill(ctx context.Context, cfg *Config, servers []string) error {
	start := time.Now()
	template, cleanup, err := fillTemplate(ctx, c.cfg.FillCache, c.cfg.Fill, fillNames(cfg), cfg.Size)
	defer cleanup()
	if err != nil {
		return fmt.Errorf("fill: %w", err)
	}
	cfg.Logger.Info("fill template ready", "posts", c.cfg.Fill, "path", template, "took", time.Since(start).Round(time.Millisecond))
	for _, name := range servers {
		if err := installFill(template, c.dataDir(name)); err != nil {
			return fmt.Errorf("fill %s: %w", name, err)
		}
	}
	if cfg.Mix.Has(OpHistory) && !c.cfg.Catchup {
		s, err := measureStoreHistory(ctx, c.dataDir(servers[0]), servers[0], fillNames(cfg).channels[0], cfg.HistoryLimit)
		if err != nil {
			return fmt.Errorf("time store history: %w", err)
		}
		c.storeHistory = &s
	}
	return nil
}

// secure is the cluster's authenticated ports, which it has when its
// members have a key (the access key derives from it).
func (c *clusterTarget) secure() *access {
	if !c.members.secure() {
		return nil
	}
	return &access{frontend: c.secureFrontend(), xpub: c.secureXPub(), key: c.accessKey()}
}

func (c *clusterTarget) dataDir(name string) string { return filepath.Join(c.dir, name) }

// askPeer asks server name's peer endpoint, as a member.
func (c *clusterTarget) askPeer(name, service string, timeout time.Duration) (wire.Message, error) {
	return askAs(c.members.cluster, c.eps["peer:"+name], service, nil, timeout)
}

func (c *clusterTarget) startServer(name string) error {
	peer := c.eps["peer:"+name]
	args := []string{"server", "--name", name, "--data", c.dataDir(name),
		"--broker", c.eps["backend"], "--proxy", c.eps["xsub"], "--proxy-sub", c.eps["xpub"],
		"--reference", c.eps["reference"], "--peer-bind", peer, "--advertise", peer,
		"--sync-replicas", strconv.Itoa(c.cfg.SyncReplicas)}
	args = append(args, c.members.args()...)
	return c.startEnv(name, c.cfg.ServerEnv, append(args, c.cfg.ServerArgs...)...)
}

// waitServers waits until every named server has answered through the
// broker and, in a cluster of several, knows all the others as peers (a
// --sync-replicas write fails until it does).
func (c *clusterTarget) waitServers(ctx context.Context, names []string) error {
	seen := map[string]bool{}
	watch := append([]string{"reference", "broker", "proxy"}, names...)
	err := waitFor(ctx, fmt.Sprintf("servers %v to answer through the broker", names), readyTimeout, 20*time.Millisecond, func() (bool, error) {
		if err := c.alive(watch...); err != nil {
			return false, err
		}
		m, err := ask(c.frontend(), "users", nil, 500*time.Millisecond)
		if err == nil {
			s, _ := m.OptString("server")
			seen[s] = true
		}
		return !slices.ContainsFunc(names, func(n string) bool { return !seen[n] }), err
	})
	if err != nil || len(names) < 2 {
		return err
	}
	for _, name := range names {
		if err := c.waitPeers(ctx, name, len(names)-1); err != nil {
			return err
		}
	}
	return nil
}

// waitPeers waits until server name reports want peers in its status.
func (c *clusterTarget) waitPeers(ctx context.Context, name string, want int) error {
	return waitFor(ctx, name+"'s peers", readyTimeout, 50*time.Millisecond, func() (bool, error) {
		if err := c.alive(name); err != nil {
			return false, err
		}
		m, err := c.askPeer(name, "status", 500*time.Millisecond)
		if err != nil {
			return false, err
		}
		peers, _ := m.Data["peers"].([]any)
		return len(peers) >= want, nil
	})
}
