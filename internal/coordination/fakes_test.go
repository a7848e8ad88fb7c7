package coordination

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"zchat/internal/clock"
	"zchat/internal/election"
	"zchat/internal/registry"
	"zchat/internal/transport"
	"zchat/internal/wire"
)

// fakeNet is an in-memory cluster for tests run in a synctest bubble:
// every request goes through wire encoding and a peer's Services (or a
// clock service reading its Physical), announcements are delivered to
// every live server as if through the proxy. No sockets.
type fakeNet struct {
	t       *testing.T
	mu      sync.Mutex
	servers map[string]*fakeServer
	cfg     func(*Config) // adjusts every server's configuration
}

type fakeServer struct {
	name   string
	rank   int
	skew   time.Duration
	coord  *Coordinator
	phys   *clock.Physical
	up     bool // answering requests
	listed bool // in the registry's list
	cancel context.CancelFunc
	done   chan struct{}
}

func newFakeNet(t *testing.T) *fakeNet {
	return &fakeNet{t: t, servers: map[string]*fakeServer{}}
}

// start runs a server (again) with a fresh coordinator and clock.
func (n *fakeNet) start(name string, rank int, skew time.Duration) *fakeServer {
	s := &fakeServer{name: name, rank: rank, skew: skew, phys: clock.NewPhysical(skew, nil), up: true, listed: true}
	cfg := Config{
		Self: name, Membership: fakeMembership{n, s}, Peers: fakePeers{n, s},
		Physical: s.phys, Publish: n.broadcast, Skew: skew,
	}
	if n.cfg != nil {
		n.cfg(&cfg)
	}
	s.coord = New(cfg)
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel, s.done = cancel, make(chan struct{})
	n.mu.Lock()
	n.servers[name] = s
	n.mu.Unlock()
	go func() { defer close(s.done); s.coord.Run(ctx) }()
	return s
}

// kill stops a server at once, like SIGKILL: requests to it fail fast.
// The registry keeps listing it unless unlist is called.
func (n *fakeNet) kill(name string) {
	n.mu.Lock()
	s := n.servers[name]
	s.up = false
	n.mu.Unlock()
	s.cancel()
	<-s.done
}

func (n *fakeNet) unlist(name string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.servers[name].listed = false
}

func (n *fakeNet) stopAll() {
	for _, name := range n.names() {
		if n.isUp(n.server(name)) {
			n.kill(name)
		}
	}
}

func (n *fakeNet) names() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Sorted(maps.Keys(n.servers))
}

func (n *fakeNet) server(name string) *fakeServer {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.servers[name]
}

func (n *fakeNet) live() []*fakeServer {
	var out []*fakeServer
	for _, name := range n.names() {
		if s := n.server(name); n.isUp(s) {
			out = append(out, s)
		}
	}
	return out
}

// broadcast plays the proxy: [servers, payload] to every live server.
func (n *fakeNet) broadcast(topic string, payload []byte) {
	for _, s := range n.live() {
		s.coord.heard([][]byte{[]byte(topic), payload})
	}
}

// agreed returns the coordinator every live server follows, when they
// agree and it is the highest-ranked live server.
func (n *fakeNet) agreed() (string, bool) {
	live := n.live()
	if len(live) == 0 {
		return "", false
	}
	best := slices.MaxFunc(live, func(a, b *fakeServer) int { return a.rank - b.rank })
	for _, s := range live {
		if s.coord.Coordinator() != best.name {
			return "", false
		}
	}
	return best.name, true
}

// await polls cond in virtual time and fails after limit.
func (n *fakeNet) await(limit time.Duration, what string, cond func() bool) time.Duration {
	n.t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > limit {
			n.t.Fatalf("%s: not after %v; %s", what, limit, n.describe())
		}
		time.Sleep(5 * time.Millisecond)
	}
	return time.Since(start)
}

func (n *fakeNet) describe() string {
	out := ""
	for _, s := range n.live() {
		out += fmt.Sprintf("\n  %s(rank %d): %v", s.name, s.rank, s.coord.StatusFields())
	}
	return out
}

type fakeMembership struct {
	n *fakeNet
	s *fakeServer
}

func (m fakeMembership) Rank() int { return m.s.rank }

func (m fakeMembership) Peers() []registry.Member {
	m.n.mu.Lock()
	defer m.n.mu.Unlock()
	var out []registry.Member
	for _, s := range m.n.servers {
		if s.listed && s.name != m.s.name {
			out = append(out, registry.Member{Name: s.name, Rank: s.rank, Addr: "fake://" + s.name})
		}
	}
	return out
}

// fakePeers encodes each request and reply with the wire package, so that
// the services see what MessagePack decoding produces (int8, uint32, ...).
type fakePeers struct {
	n    *fakeNet
	from *fakeServer
}

func (p fakePeers) Call(ctx context.Context, name, service string, data map[string]any) (wire.Message, error) {
	to := p.n.server(name)
	if to == nil || !p.n.isUp(to) {
		return wire.Message{}, fmt.Errorf("peer %s: %w", name, transport.ErrUnreachable)
	}
	req, err := roundTrip(service, data)
	if err != nil {
		return wire.Message{}, err
	}
	return roundTrip(service, to.answer(ctx, req))
}

func (n *fakeNet) isUp(s *fakeServer) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return s.up
}

func (s *fakeServer) answer(ctx context.Context, req wire.Message) map[string]any {
	if req.Service == "clock" {
		return map[string]any{"time": s.phys.Seconds()}
	}
	if svc := s.coord.Services()[req.Service]; svc != nil {
		return svc(ctx, req)
	}
	return wire.ErrorData("unknown service " + req.Service)
}

func roundTrip(service string, data map[string]any) (wire.Message, error) {
	if data == nil {
		data = map[string]any{}
	}
	b, err := wire.Encode(wire.MsgPack, service, maps.Clone(data), 1, 0)
	if err != nil {
		return wire.Message{}, err
	}
	m, err := wire.Decode(b, 0)
	if s, _ := m.Data["status"].(string); s == wire.StatusError {
		return m, fmt.Errorf("%s: %v", service, m.Data["description"])
	}
	return m, err
}

func selfPeer(name string, rank int) election.Peer { return election.Peer{Name: name, Rank: rank} }
