package server

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat"
	"zchat/internal/auth"
	"zchat/internal/clock"
	"zchat/internal/coordination"
	"zchat/internal/metrics"
	"zchat/internal/registry"
	"zchat/internal/replication"
	"zchat/internal/store"
	"zchat/internal/transport"
)

// Config is everything a server replica needs to run.
type Config struct {
	Name         string
	DataDir      string
	Broker       string // broker backend endpoint (DEALER connects)
	Proxy        string // proxy XSUB endpoint (PUB connects)
	ProxySub     string // proxy XPUB endpoint (SUB connects, for topic "servers")
	Reference    string
	PeerBind     string
	Advertise    string
	Limits       zchat.Limits
	ClockSkew    time.Duration
	SlewRate     float64       // how much slower the clock may run while absorbing a negative correction; 0: clock.DefaultSlewRate
	MaxClockStep time.Duration // largest clock correction applied at once; 0: coordination.DefaultMaxStep
	MaxInflight  int
	Heartbeat    time.Duration // interval of heartbeats to the reference
	SyncReplicas int           // peers that must commit an event before it is acknowledged
	SyncTimeout  time.Duration
	Logger       *slog.Logger
	Metrics      *metrics.Endpoint // metrics and health checks go here; nil: kept, not served

	// Cluster secures the member links: the peer endpoint accepts only
	// members, and the server proves membership to the broker's backend,
	// the proxy's XSUB, the reference and its peers. The zero value is
	// open.
	Cluster auth.Cluster
}

func (c *Config) defaults() {
	if c.Limits == (zchat.Limits{}) {
		c.Limits = zchat.DefaultLimits
	}
	if c.MaxInflight <= 0 {
		c.MaxInflight = 4096
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.SyncTimeout <= 0 {
		c.SyncTimeout = 2 * time.Second
	}
}

// Module is an optional part of a server, such as replication or
// coordination: it answers some peer services and runs its own loops until
// ctx ends.
type Module interface {
	Services() map[string]PeerService
	Run(ctx context.Context) error
}

// Run serves until ctx is cancelled, then answers the requests already
// accepted, flushes publications and closes the store.
func Run(ctx context.Context, cfg Config) error {
	cfg.defaults()
	log := cfg.Logger.With("server", cfg.Name)
	n := newNode(cfg, log)
	st, err := store.Open(cfg.DataDir, cfg.Name, store.Options{Logger: log, OnCommit: n.onCommit, OnCommitTime: n.obs.commits.ObserveTime})
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	defer st.Close()
	if err := n.setStore(st); err != nil {
		return err
	}
	log.Info("starting", "broker", cfg.Broker, "proxy", cfg.Proxy, "reference", cfg.Reference, "origin", st.Origin(), "cluster", cfg.Cluster)
	err = n.run(ctx)
	log.Info("stopped", "err", err)
	return err
}

// node is a running server: the pieces its modules share.
type node struct {
	cfg     Config
	log     *slog.Logger
	store   *store.Store
	h       *Handler
	peers   *Peers
	started time.Time
	member  *registry.Membership
	repl    *replication.Replicator
	coord   *coordination.Coordinator
	modules []Module
	pubs    chan Publication
	obs     *observer
}

func newNode(cfg Config, log *slog.Logger) *node {
	l, p := &clock.Lamport{}, clock.NewPhysical(cfg.ClockSkew, nil)
	if cfg.SlewRate != 0 {
		if err := p.SetSlewRate(cfg.SlewRate); err != nil {
			log.Warn("ignoring the slew rate", "err", err)
		}
	}
	n := &node{
		cfg: cfg, log: log, peers: newPeers(cfg.Name, l, p, cfg.Cluster),
		started: time.Now(), pubs: make(chan Publication, cfg.MaxInflight), obs: newObserver(cfg),
		h: &Handler{Name: cfg.Name, Lamport: l, Physical: p, Limits: cfg.Limits, Log: log, AccessKey: accessKey(cfg.Cluster)},
	}
	n.repl = replication.New(replication.Config{
		Self: cfg.Name, Peers: n.peers, Lamport: l, Logger: log,
		SyncReplicas: cfg.SyncReplicas, SyncTimeout: cfg.SyncTimeout,
	})
	return n
}

// setStore finishes the wiring once the store is open (the membership and
// coordinator need the node's sockets, which start in run). The Lamport
// clock resumes above every stored event, so that after a restart new
// events still sort after old ones.
func (n *node) setStore(st *store.Store) error {
	n.store = st
	n.h.Store = st
	n.h.Replicator = n.repl
	n.repl.SetStore(st)
	maxClock, err := st.MaxClock()
	n.h.Lamport.Observe(maxClock)
	return err
}

func (n *node) newCoordinator() *coordination.Coordinator {
	return coordination.New(coordination.Config{
		Self: n.cfg.Name, Membership: n.member, Peers: n.peers,
		Lamport: n.h.Lamport, Physical: n.h.Physical, ProxySub: n.cfg.ProxySub,
		Publish: n.publish, Logger: n.log, Skew: n.cfg.ClockSkew, MaxStep: n.cfg.MaxClockStep,
	})
}

func (n *node) publish(topic string, payload []byte) {
	p := Publication{Topic: topic, Payload: payload}
	n.obs.published(p)
	n.pubs <- p
}

func (n *node) run(ctx context.Context) error {
	peerSock, addr, release, err := bindPeer(n.cfg.PeerBind, n.cfg.Advertise, n.cfg.Cluster)
	if err != nil {
		return err
	}
	n.member = registry.Join(ctx, registry.MemberConfig{
		Reference: n.cfg.Reference, Self: registry.Member{Name: n.cfg.Name, Addr: addr},
		Interval: n.cfg.Heartbeat, Clock: n.h.Lamport, Logger: n.log, Cluster: n.cfg.Cluster,
	})
	go n.followMembership(ctx)
	n.coord = n.newCoordinator()
	n.modules = []Module{n.repl, n.coord}
	services := n.services()
	n.obs.register(n)
	n.h.Extensions = map[string]Service{"status": n.statusService}
	peer := &peerEndpoint{sock: peerSock, release: release, addr: addr, services: services, h: n.h, log: n.log}
	n.log.Info("peer endpoint", "advertise", addr)
	return n.runAll(ctx, peer)
}

func (n *node) followMembership(ctx context.Context) {
	for {
		select {
		case members := <-n.member.Changes():
			n.peers.Update(members)
		case <-ctx.Done():
			n.peers.close()
			return
		}
	}
}

// runAll runs the sockets and modules. The publisher outlives the broker
// frontend so that every accepted request's publication still goes out
// during shutdown.
func (n *node) runAll(ctx context.Context, peer *peerEndpoint) error {
	var wg sync.WaitGroup
	errs := make(chan error, 2+len(n.modules))
	start := func(f func(context.Context) error, c context.Context) {
		wg.Add(1)
		go func() { defer wg.Done(); errs <- f(c) }()
	}
	pubCtx, stopPub := context.WithCancel(context.WithoutCancel(ctx))
	pubDone := make(chan error, 1)
	go func() {
		pubDone <- (&publisher{endpoint: n.cfg.Proxy, cluster: n.cfg.Cluster, in: n.pubs, log: n.log}).run(pubCtx)
	}()
	start(peer.run, ctx)
	for _, m := range n.modules {
		start(m.Run, ctx)
	}
	n.joinCluster(ctx)
	err := n.serveBroker(ctx)
	stopPub()
	wg.Wait()
	close(errs)
	return firstError(err, <-pubDone, errs)
}

// joinTimeout bounds how long a starting server waits for the reference's
// list and its peers' events before it answers clients anyway (a lone
// server, a reference that is down).
const joinTimeout = 3 * time.Second

// joinCluster holds client requests back until this server knows the live
// peers and has pulled what they hold: the broker may send it, at once, a
// request that depends on what another server already acknowledged.
func (n *node) joinCluster(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, joinTimeout)
	defer cancel()
	start := time.Now()
	if err := n.member.Wait(ctx); err != nil {
		n.log.Warn("serving clients without the reference's list", "err", err)
		return
	}
	n.peers.Update(n.member.Peers())
	if err := n.repl.CatchUp(ctx); err != nil {
		n.log.Warn("serving clients before catching up", "err", err)
		return
	}
	n.log.Info("joined the cluster", "peers", len(n.member.Peers()), "took", time.Since(start).Round(time.Millisecond))
}

func firstError(err, pubErr error, errs <-chan error) error {
	if err != nil {
		return err
	}
	if pubErr != nil {
		return pubErr
	}
	for e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// serveBroker answers requests from the broker's backend over a DEALER, with
// many requests in flight so one slow commit does not serialize the cluster.
func (n *node) serveBroker(ctx context.Context) error {
	sock, err := zmq.NewSocket(zmq.DEALER)
	if err != nil {
		return fmt.Errorf("broker socket: %w", err)
	}
	transport.SetLiveness(sock)
	sock.SetRcvhwm(100000)
	sock.SetSndhwm(100000)
	if err := n.cfg.Cluster.Client(sock); err != nil {
		sock.Close()
		return fmt.Errorf("broker socket: %w", err)
	}
	if err := sock.Connect(n.cfg.Broker); err != nil {
		sock.Close()
		return fmt.Errorf("connect broker %s: %w", n.cfg.Broker, err)
	}
	r := &transport.Responder{Socket: sock, MaxInflight: n.cfg.MaxInflight, HandleEnvelope: n.handleClient, Log: n.log}
	return r.Run(ctx)
}

// handleClient answers one request the broker forwarded.
func (n *node) handleClient(ctx context.Context, envelope [][]byte, body []byte) []byte {
	start := time.Now()
	out := n.h.Handle(ctx, n.caller(envelope), body)
	n.coord.Exchanged()
	if out.Publication != nil {
		n.obs.published(*out.Publication)
		n.pubs <- *out.Publication
	}
	n.obs.request(out, time.Since(start), len(body))
	return out.Reply
}
