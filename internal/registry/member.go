package registry

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"zchat/internal/auth"
	"zchat/internal/clock"
)

// MemberConfig configures a server's membership in the registry.
type MemberConfig struct {
	Reference string        // the reference's endpoint
	Self      Member        // our name and advertised address; Rank is ignored
	Interval  time.Duration // between heartbeats; default 200ms
	Timeout   time.Duration // per request; default 500ms
	Logger    *slog.Logger
	Clock     *clock.Lamport // the server's Lamport clock; a private one if nil
	Cluster   auth.Cluster   // how to prove membership to the reference
}

// Membership is a server's view of the registry, kept up to date by a
// goroutine that owns the REQ socket to the reference. Its methods are
// safe for concurrent use.
type Membership struct {
	cfg       MemberConfig
	log       *slog.Logger
	rank      atomic.Int64
	mu        sync.Mutex
	peers     []Member
	changes   chan []Member
	ready     chan struct{} // closed once rank and list are known
	readyOnce sync.Once
	done      chan struct{}
}

// Join registers cfg.Self with the reference (service rank), then sends a
// heartbeat every Interval until ctx is done. While the reference is
// unreachable it keeps retrying with a fresh socket and keeps the last
// known list.
func Join(ctx context.Context, cfg MemberConfig) *Membership {
	if cfg.Interval <= 0 {
		cfg.Interval = 200 * time.Millisecond
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 500 * time.Millisecond
	}
	if cfg.Clock == nil {
		cfg.Clock = new(clock.Lamport)
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	m := &Membership{
		cfg:     cfg,
		log:     log,
		changes: make(chan []Member, 1),
		ready:   make(chan struct{}),
		done:    make(chan struct{}),
	}
	go m.loop(ctx)
	return m
}

// Rank is our rank, 0 until the reference has answered.
func (m *Membership) Rank() int { return int(m.rank.Load()) }

// Peers is the last known list of live servers other than us, by rank.
func (m *Membership) Peers() []Member {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.peers)
}

// Changes delivers the new Peers list whenever it changes. The channel
// holds only the latest list (an unread older one is replaced), so a slow
// reader never blocks the membership loop. It is never closed.
func (m *Membership) Changes() <-chan []Member { return m.changes }

// Wait blocks until our rank and the first list of live servers are
// known, or ctx is done.
func (m *Membership) Wait(ctx context.Context) error {
	select {
	case <-m.ready:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Done is closed when the membership loop has stopped and closed its
// socket, after the context given to Join is done.
func (m *Membership) Done() <-chan struct{} { return m.done }

func (m *Membership) loop(ctx context.Context) {
	defer close(m.done)
	c := &reqClient{endpoint: m.cfg.Reference, timeout: m.cfg.Timeout, clock: m.cfg.Clock, cluster: m.cfg.Cluster}
	defer c.close()
	ticker := time.NewTicker(m.cfg.Interval)
	defer ticker.Stop()
	reachable := true
	for {
		err := m.round(ctx, c)
		if ctx.Err() != nil {
			return
		}
		reachable = m.logReachability(reachable, err)
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

func (m *Membership) logReachability(was bool, err error) bool {
	switch {
	case err != nil && was:
		m.log.Warn("reference unreachable, keeping the last known list", "reference", m.cfg.Reference, "err", err)
	case err == nil && !was:
		m.log.Info("reference reachable again", "reference", m.cfg.Reference)
	}
	return err == nil
}

// round registers if needed, then heartbeats; it asks for the list
// separately only when the heartbeat reply lacks one (foreign reference).
func (m *Membership) round(ctx context.Context, c *reqClient) error {
	if m.Rank() == 0 {
		reply, err := c.call(ctx, svcRank, m.selfData())
		if err != nil {
			return err
		}
		m.setRank(reply.Data["rank"])
	}
	reply, err := c.call(ctx, svcHeartbeat, m.selfData())
	if err != nil {
		return err
	}
	m.setRank(reply.Data["rank"])
	list, ok := parseList(reply.Data["list"])
	if !ok {
		if reply, err = c.call(ctx, svcList, map[string]any{}); err != nil {
			return err
		}
		list, _ = parseList(reply.Data["list"])
	}
	m.setList(list)
	return nil
}

// selfData is a fresh request body (wire.Encode stamps into it).
func (m *Membership) selfData() map[string]any {
	return map[string]any{"user": m.cfg.Self.Name, "address": m.cfg.Self.Addr}
}

func (m *Membership) setRank(v any) {
	r, ok := rank(v)
	if !ok || r <= 0 {
		return
	}
	if old := m.rank.Swap(int64(r)); old != int64(r) {
		m.log.Info("rank known", "rank", r, "previous", old)
	}
}

func (m *Membership) setList(list []Member) {
	peers := slices.DeleteFunc(list, func(p Member) bool { return p.Name == m.cfg.Self.Name })
	m.mu.Lock()
	same := slices.Equal(m.peers, peers)
	if !same {
		m.peers = peers
	}
	m.mu.Unlock()
	m.readyOnce.Do(func() { close(m.ready) }) // the rank came in the same round
	if same {
		return
	}
	m.log.Info("peers changed", "peers", peers)
	m.notify(slices.Clone(peers))
}

// notify replaces any unread list with the latest one. Only the loop
// goroutine sends, so the second send cannot block.
func (m *Membership) notify(peers []Member) {
	select {
	case <-m.changes:
	default:
	}
	m.changes <- peers
}
