package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"zchat/internal/auth"
	"zchat/internal/broker"
	"zchat/internal/cluster"
	"zchat/internal/metrics"
	"zchat/internal/proxy"
	"zchat/internal/registry"
)

// BrokerCmd runs the request broker.
// Its limit defaults are broker.DefaultLimits (a test checks they agree).
type BrokerCmd struct {
	Frontend       string  `default:"tcp://*:5555" help:"ROUTER endpoint clients' REQ sockets connect to (open, the standard protocol)."`
	SecureFrontend string  `default:"tcp://*:5560" help:"ROUTER endpoint for clients that prove a user key of their own (CURVE with the access key, derived from the cluster key; zchat's clients use it to own their names). Empty disables it; so does --insecure-cluster."`
	Backend        string  `default:"tcp://*:5556" help:"DEALER endpoint servers connect to (members only)."`
	RateLimit      float64 `default:"100" help:"Requests per second each client connection may send on average; more get an immediate erro reply from the broker. 0 disables the limit."`
	RateBurst      int     `default:"200" help:"Requests a client connection may send at once above its rate (the token bucket's size)."`
	MaxFrame       int     `default:"65536" help:"Largest request forwarded, bytes (keep it at the servers' --max-frame); larger ones get an erro reply, and a frame over 4 times this costs the sender its connection."`
	MetricsFlag
	ClusterFlags
}

func (c *BrokerCmd) Run(ctx context.Context, g *Globals) error {
	log := g.Logger("broker")
	limits := broker.Limits{RatePerSecond: c.RateLimit, Burst: c.RateBurst, MaxFrame: c.MaxFrame}
	if c.MaxFrame < 1 {
		return fmt.Errorf("--max-frame %d: want a positive number of bytes", c.MaxFrame)
	}
	cluster, err := c.cluster(log)
	if err != nil {
		return err
	}
	return c.withMetrics(log, func(ep *metrics.Endpoint) error {
		return broker.Run(ctx, broker.Config{Frontend: c.Frontend, SecureFrontend: c.SecureFrontend, Backend: c.Backend,
			Limits: limits, Logger: log, Metrics: ep, Cluster: cluster})
	})
}

// ProxyCmd runs the publication proxy.
type ProxyCmd struct {
	XSub       string `name:"xsub" default:"tcp://*:5557" help:"XSUB endpoint servers' PUB sockets connect to (members only)."`
	XPub       string `name:"xpub" default:"tcp://*:5558" help:"XPUB endpoint subscribers' SUB sockets connect to (open, the standard protocol; never carries claimed names' private topics)."`
	SecureXPub string `name:"secure-xpub" default:"tcp://*:5561" help:"XPUB endpoint for subscribers that prove a user key of their own (CURVE with the access key, derived from the cluster key); the only one that carries a claimed name's private messages, to its owner's key alone. Empty disables it; so does --insecure-cluster."`
	MetricsFlag
	ClusterFlags
}

func (c *ProxyCmd) Run(ctx context.Context, g *Globals) error {
	log := g.Logger("proxy")
	cluster, err := c.cluster(log)
	if err != nil {
		return err
	}
	return c.withMetrics(log, func(ep *metrics.Endpoint) error {
		return proxy.Run(ctx, proxy.Config{XSub: c.XSub, XPub: c.XPub, SecureXPub: c.SecureXPub, Logger: log, Metrics: ep, Cluster: cluster})
	})
}

// ReferenceCmd runs the server registry.
type ReferenceCmd struct {
	Bind             string        `default:"tcp://*:5559" help:"REP endpoint servers connect to (members only)."`
	Data             string        `default:"./data/reference" type:"path" help:"Directory where server ranks persist."`
	HeartbeatTimeout time.Duration `default:"1s" help:"A server silent this long leaves the list."`
	MetricsFlag
	ClusterFlags
}

func (c *ReferenceCmd) Run(ctx context.Context, g *Globals) error {
	log := g.Logger("reference")
	cluster, err := c.cluster(log)
	if err != nil {
		return err
	}
	return c.withMetrics(log, func(ep *metrics.Endpoint) error {
		return registry.Run(ctx, registry.Config{
			Bind: c.Bind, DataDir: c.Data, HeartbeatTimeout: c.HeartbeatTimeout, Logger: log, Metrics: ep, Cluster: cluster,
		})
	})
}

// UpCmd runs a whole local cluster as supervised child processes.
type UpCmd struct {
	Data     string `default:"./data" type:"path" help:"Parent of every component's data directory (reference, s1, s2, ...)."`
	Servers  int    `default:"3" help:"Number of server replicas (s1..sN)."`
	Bots     int    `default:"2" help:"Number of bots (b1..bN)."`
	BasePort int    `default:"5555" help:"First port: +0 broker frontend, +1 backend, +2 proxy XSUB, +3 XPUB, +4 reference, +5 broker secure frontend, +6 proxy secure XPUB, +7+i server si's peer port."`

	InsecureCluster bool `help:"Run the member links open (see zchat server --help). Without it the cluster key is <data>/cluster.key, created on first start."`
}

func (c *UpCmd) Run(ctx context.Context, g *Globals) error {
	if c.Servers < 1 || c.Bots < 0 {
		return fmt.Errorf("need at least one server and no negative bot count")
	}
	if last := c.BasePort + portPeers + c.Servers; c.BasePort < 1 || last > 65535 {
		return fmt.Errorf("ports %d..%d out of range", c.BasePort, last)
	}
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find the zchat binary: %w", err)
	}
	if err := os.MkdirAll(c.Data, 0o755); err != nil {
		return err
	}
	log := g.Logger("up")
	member, err := c.clusterFlags(log)
	if err != nil {
		return err
	}
	t := topology{exe: exe, data: c.Data, servers: c.Servers, bots: c.Bots, base: c.BasePort, global: childGlobals(g), member: member.args()}
	log.Info("starting local cluster", "servers", c.Servers, "bots", c.Bots,
		"frontend", t.endpoint(portFrontend), "xpub", t.endpoint(portXPub),
		"secure_frontend", t.endpoint(portSecureFrontend), "secure_xpub", t.endpoint(portSecureXPub), "data", c.Data)
	sup := &cluster.Supervisor{Out: os.Stdout, Logger: log}
	return sup.Run(ctx, t.specs())
}

// clusterFlags are the children's: the key <data>/cluster.key, created
// if missing, or open.
func (c *UpCmd) clusterFlags(log *slog.Logger) (ClusterFlags, error) {
	f := ClusterFlags{ClusterKey: filepath.Join(c.Data, "cluster.key"), InsecureCluster: c.InsecureCluster}
	if f.InsecureCluster {
		return f, nil
	}
	k, created, err := auth.LoadOrCreateKeyFile(f.ClusterKey, log)
	if err != nil {
		return f, err
	}
	if created {
		log.Info("created the cluster key", "path", f.ClusterKey, "public", k.Public)
	}
	return f, nil
}

// childGlobals passes our global flags on to the children.
func childGlobals(g *Globals) []string {
	return []string{"--log-level=" + strings.ToLower(g.LogLevel.String()), "--log-format=" + g.LogFormat}
}

// Offsets from the base port of `zchat up`.
const (
	portFrontend = iota
	portBackend
	portXSub
	portXPub
	portReference
	portSecureFrontend
	portSecureXPub
	portPeers // server si's peer port is portPeers + i
)

// topology is the process layout of `zchat up`.
type topology struct {
	exe, data           string
	servers, bots, base int
	global              []string
	member              []string // the members' cluster flags
}

func (t topology) endpoint(offset int) string {
	return fmt.Sprintf("tcp://127.0.0.1:%d", t.base+offset)
}

func (t topology) spec(name string, optional bool, args ...string) cluster.Spec {
	return cluster.Spec{Name: name, Path: t.exe, Args: append(append([]string{}, t.global...), args...), Optional: optional}
}

// memberSpec is spec for a member of the cluster, which gets the cluster
// flags.
func (t topology) memberSpec(name string, args ...string) cluster.Spec {
	return t.spec(name, false, append(args, t.member...)...)
}

func (t topology) specs() []cluster.Spec {
	specs := []cluster.Spec{
		t.memberSpec("reference", "reference", "--bind", t.endpoint(portReference), "--data", filepath.Join(t.data, "reference")),
		t.memberSpec("broker", "broker", "--frontend", t.endpoint(portFrontend), "--secure-frontend", t.endpoint(portSecureFrontend),
			"--backend", t.endpoint(portBackend)),
		t.memberSpec("proxy", "proxy", "--xsub", t.endpoint(portXSub), "--xpub", t.endpoint(portXPub),
			"--secure-xpub", t.endpoint(portSecureXPub)),
	}
	for i := 1; i <= t.servers; i++ {
		name, peer := fmt.Sprintf("s%d", i), t.endpoint(portPeers+i)
		specs = append(specs, t.memberSpec(name, "server", "--name", name, "--data", filepath.Join(t.data, name),
			"--broker", t.endpoint(portBackend), "--proxy", t.endpoint(portXSub), "--proxy-sub", t.endpoint(portXPub),
			"--reference", t.endpoint(portReference), "--peer-bind", peer, "--advertise", peer))
	}
	// Bots are optional: until `zchat bot` exists, or if it cannot start,
	// the supervisor logs a warning instead of crash-looping.
	for i := 1; i <= t.bots; i++ {
		specs = append(specs, t.spec(fmt.Sprintf("b%d", i), true, "bot",
			"--broker", t.endpoint(portFrontend), "--proxy", t.endpoint(portXPub)))
	}
	return specs
}
