package server

import (
	"context"
	"maps"
	"time"

	"zchat"
	"zchat/internal/wire"
)

// StatusReporter is implemented by modules that add fields to `status`.
type StatusReporter interface {
	StatusFields() map[string]any
}

// services are the peer services: the standard `clock`, our `status`, and
// whatever the modules answer. Requests of the modules other than
// coordination count as messages exchanged for the Berkeley schedule;
// coordination's own traffic would schedule rounds by itself.
func (n *node) services() map[string]PeerService {
	s := map[string]PeerService{
		"clock":  n.clockService,
		"status": func(ctx context.Context, m wire.Message) map[string]any { return n.status() },
	}
	for _, m := range n.modules {
		for name, svc := range m.Services() {
			s[name] = n.counted(m, svc)
		}
	}
	return s
}

func (n *node) counted(m Module, svc PeerService) PeerService {
	if m == Module(n.coord) {
		return svc
	}
	return func(ctx context.Context, msg wire.Message) map[string]any {
		n.coord.Exchanged()
		return svc(ctx, msg)
	}
}

// clockService is the standard Berkeley poll: the responder's physical time.
func (n *node) clockService(ctx context.Context, m wire.Message) map[string]any {
	return map[string]any{"status": wire.StatusOK, "time": n.h.Physical.Seconds()}
}

func (n *node) statusService(ctx context.Context, _ Caller, m wire.Message) (map[string]any, *zchat.Event) {
	return n.status(), nil
}

func (n *node) status() map[string]any {
	peers := []string{}
	for _, p := range n.peers.Members() {
		peers = append(peers, p.Name)
	}
	var events uint64
	for _, seq := range n.store.Vector() {
		events += seq
	}
	s := map[string]any{
		"status": wire.StatusOK, "server": n.cfg.Name, "rank": n.member.Rank(),
		"coordinator": "", "time": n.h.Physical.Seconds(),
		"offset":  n.h.Physical.Offset().Seconds(),
		"lamport": n.h.Lamport.Now(), "lamport_clamped": n.h.ClampedClocks(),
		"peers": peers, "uptime": time.Since(n.started).Seconds(),
		"origin": n.store.Origin(), "events": events, "vector": n.store.Vector(),
	}
	for _, m := range n.modules {
		if r, ok := m.(StatusReporter); ok {
			maps.Copy(s, r.StatusFields())
		}
	}
	return s
}
