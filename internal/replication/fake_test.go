package replication

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"zchat"
	"zchat/internal/clock"
	"zchat/internal/registry"
	"zchat/internal/store"
	"zchat/internal/wire"
)

var quiet = slog.New(slog.DiscardHandler)

var errUnreachable = errors.New("fake: peer unreachable")

// fakeNet routes peer calls between in-process replicators, through the
// real wire encoding, and can cut links.
type fakeNet struct {
	mu    sync.Mutex
	nodes map[string]*node
	cut   map[[2]string]bool
}

func newFakeNet() *fakeNet {
	return &fakeNet{nodes: map[string]*node{}, cut: map[[2]string]bool{}}
}

// partition cuts the links between a and b, both ways.
func (n *fakeNet) partition(a, b string) { n.setCut(a, b, true) }
func (n *fakeNet) heal(a, b string)      { n.setCut(a, b, false) }

func (n *fakeNet) setCut(a, b string, cut bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.cut[[2]string{a, b}], n.cut[[2]string{b, a}] = cut, cut
}

// fakePeers is one node's view of the fake network. A cut peer stays a
// member, as a paused or partitioned server stays in the reference's list.
type fakePeers struct {
	net  *fakeNet
	self string
}

func (p *fakePeers) Members() []registry.Member {
	p.net.mu.Lock()
	defer p.net.mu.Unlock()
	var out []registry.Member
	for name, nd := range p.net.nodes {
		if name != p.self {
			out = append(out, registry.Member{Name: name, Addr: nd.addr})
		}
	}
	return out
}

func (p *fakePeers) Call(ctx context.Context, name, service string, data map[string]any) (wire.Message, error) {
	p.net.mu.Lock()
	target, cut := p.net.nodes[name], p.net.cut[[2]string{p.self, name}]
	p.net.mu.Unlock()
	if target == nil || cut {
		return wire.Message{}, fmt.Errorf("%s: %w", name, errUnreachable)
	}
	req, err := roundTrip(service, data)
	if err != nil {
		return req, err
	}
	svc := target.r.Services()[service]
	if svc == nil {
		return wire.Message{}, fmt.Errorf("unknown service %q", service)
	}
	reply, err := roundTrip(service, svc(ctx, req))
	if s, _ := reply.OptString("status"); err == nil && s == wire.StatusError {
		err = fmt.Errorf("%s: %v", service, reply.Data["description"])
	}
	return reply, err
}

// roundTrip encodes and decodes an envelope, as the sockets would.
func roundTrip(service string, data map[string]any) (wire.Message, error) {
	if data == nil {
		data = map[string]any{}
	}
	b, err := wire.Encode(wire.MsgPack, service, data, 1, 0)
	if err != nil {
		return wire.Message{}, err
	}
	return wire.Decode(b, 0)
}

// node is one replica: a real store in a directory and its replicator.
type node struct {
	name, dir, addr string
	st              *store.Store
	r               *Replicator
	lamport         *clock.Lamport
	stop            func()
}

// fastConfig makes rounds short so that tests finish quickly.
func fastConfig() Config {
	return Config{
		PushInterval: 20 * time.Millisecond, PullInterval: 50 * time.Millisecond,
		MembersInterval: 5 * time.Millisecond, CallTimeout: 5 * time.Second,
		SyncTimeout: 200 * time.Millisecond, Logger: quiet,
	}
}

// start runs a replica named name on dir (a fresh one if ""), joined to
// the network; it stops at the end of the test unless stopped before.
func (n *fakeNet) start(t testing.TB, name, dir string, cfg Config) *node {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	nd := &node{name: name, dir: dir, addr: fmt.Sprintf("fake://%s/%d", name, time.Now().UnixNano()), lamport: &clock.Lamport{}}
	cfg.Self, cfg.Peers, cfg.Lamport = name, &fakePeers{net: n, self: name}, nd.lamport
	nd.r = New(cfg)
	st, err := store.Open(dir, name, store.Options{Logger: quiet, OnCommit: nd.r.OnCommit})
	if err != nil {
		t.Fatal(err)
	}
	nd.st = st
	nd.r.SetStore(st)
	nd.stop = n.run(nd)
	t.Cleanup(nd.stop)
	return nd
}

// run starts nd's replicator and returns the function that takes it off
// the network, stops it and closes its store.
func (n *fakeNet) run(nd *node) func() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	n.mu.Lock()
	n.nodes[nd.name] = nd
	n.mu.Unlock()
	go func() { defer close(done); _ = nd.r.Run(ctx) }()
	var once sync.Once
	return func() {
		once.Do(func() {
			n.mu.Lock()
			if n.nodes[nd.name] == nd {
				delete(n.nodes, nd.name)
			}
			n.mu.Unlock()
			cancel()
			<-done
			_ = nd.st.Close()
		})
	}
}

// post submits n posts by user to channel general (created if needed).
func (nd *node) post(t testing.TB, n int) []zchat.Event {
	t.Helper()
	ctx := context.Background()
	nd.submit(t, ctx, zchat.Command{Kind: zchat.KindChannel, User: "u", Target: "general"})
	var out []zchat.Event
	for i := range n {
		cmd := zchat.Command{Kind: zchat.KindPost, User: "u-" + nd.name, Target: "general",
			Text: fmt.Sprintf("%s %d", nd.name, i), ReqID: fmt.Sprintf("%s-%d-%d", nd.name, time.Now().UnixNano(), i),
			Clock: nd.lamport.Tick()}
		out = append(out, nd.submit(t, ctx, cmd))
	}
	return out
}

// submit accepts cmd; a channel that exists already is fine.
func (nd *node) submit(t testing.TB, ctx context.Context, cmd zchat.Command) zchat.Event {
	t.Helper()
	if cmd.Clock == 0 {
		cmd.Clock = nd.lamport.Tick()
	}
	c, err := nd.st.Submit(ctx, cmd)
	if err != nil && !errors.Is(err, zchat.ErrChannelExists) {
		t.Fatalf("submit on %s: %v", nd.name, err)
	}
	return c.Event
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %s: %s", within, what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// converged reports whether every node holds the same vector and events.
func converged(nodes ...*node) bool {
	want := nodes[0].st.Vector()
	for _, nd := range nodes[1:] {
		if !sameVector(want, nd.st.Vector()) {
			return false
		}
	}
	return true
}

func sameVector(a, b map[string]uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for o, s := range a {
		if b[o] != s {
			return false
		}
	}
	return true
}

// waitReady waits until every node has heard from all its peers.
func waitReady(t testing.TB, nodes ...*node) {
	t.Helper()
	eventually(t, 5*time.Second, "replicators ready", func() bool {
		for _, nd := range nodes {
			if len(nd.r.acks.snapshot()) < len(nodes)-1 {
				return false
			}
		}
		return true
	})
}
