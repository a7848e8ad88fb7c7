package server

import (
	"context"
	"fmt"
	"sync"

	"zchat/internal/auth"
	"zchat/internal/clock"
	"zchat/internal/registry"
	"zchat/internal/transport"
	"zchat/internal/wire"
)

// Peers is this server's view of the other servers: the live membership
// from the reference and a pipelined caller per peer. Replication and
// coordination reach other servers only through it.
type Peers struct {
	self     string
	lamport  *clock.Lamport
	physical *clock.Physical
	mu       sync.Mutex
	members  []registry.Member
	cluster  auth.Cluster // how to prove membership to peers
	callers  map[string]*transport.Caller
}

func newPeers(self string, l *clock.Lamport, p *clock.Physical, cluster auth.Cluster) *Peers {
	return &Peers{self: self, lamport: l, physical: p, cluster: cluster, callers: map[string]*transport.Caller{}}
}

// Members returns the other live servers, as last known.
func (p *Peers) Members() []registry.Member {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]registry.Member(nil), p.members...)
}

// Update replaces the membership, dialing new peers and dropping callers of
// peers that left or moved. A peer that left keeps no caller, so calls to it
// fail fast.
func (p *Peers) Update(members []registry.Member) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.members = p.members[:0]
	keep := map[string]bool{}
	for _, m := range members {
		if m.Name == p.self || m.Addr == "" {
			continue
		}
		p.members = append(p.members, m)
		keep[m.Name] = true
		p.dialLocked(m)
	}
	for name, c := range p.callers {
		if !keep[name] {
			go c.Close()
			delete(p.callers, name)
		}
	}
}

func (p *Peers) dialLocked(m registry.Member) {
	if c, ok := p.callers[m.Name]; ok && c.Endpoint() == m.Addr {
		return
	} else if ok {
		go c.Close()
	}
	c, err := transport.Dial(m.Addr, p.cluster)
	if err == nil {
		p.callers[m.Name] = c
	}
}

// Call sends one request envelope to the named peer and returns its reply.
// Lamport: tick before the send, observe the reply.
func (p *Peers) Call(ctx context.Context, name, service string, data map[string]any) (wire.Message, error) {
	p.mu.Lock()
	c := p.callers[name]
	p.mu.Unlock()
	if c == nil {
		return wire.Message{}, fmt.Errorf("peer %s: %w", name, transport.ErrUnreachable)
	}
	if data == nil {
		data = map[string]any{}
	}
	body, err := wire.Encode(wire.MsgPack, service, data, p.lamport.Tick(), p.physical.Seconds())
	if err != nil {
		return wire.Message{}, err
	}
	reply, err := c.Call(ctx, body)
	if err != nil {
		return wire.Message{}, fmt.Errorf("peer %s %s: %w", name, service, err)
	}
	m, err := wire.Decode(reply, 0)
	p.lamport.Observe(m.Clock)
	if err != nil {
		return m, fmt.Errorf("peer %s %s: %w", name, service, err)
	}
	return m, replyError(m)
}

// replyError turns an "erro" reply into an error.
func replyError(m wire.Message) error {
	if s, _ := m.OptString("status"); s == wire.StatusError {
		desc, _ := m.OptString("description")
		return fmt.Errorf("%s: %s", m.Service, desc)
	}
	return nil
}

func (p *Peers) close() {
	p.Update(nil)
}
