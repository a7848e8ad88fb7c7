package replication

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"zchat/internal/registry"
)

// followMembers keeps one shipper per live peer and starts an
// anti-entropy round whenever the membership changes (a peer joined, left,
// or restarted at a new address), until ctx ends.
func (r *Replicator) followMembers(ctx context.Context) {
	tick := time.NewTicker(r.cfg.MembersInterval)
	defer tick.Stop()
	var last []registry.Member
	for {
		if members := r.members(); !slices.Equal(members, last) {
			r.log.Info("peers changed", "live", members)
			r.ships.sync(ctx, members)
			r.triggerPull()
			last = members
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// members is the live membership by name, ranks left out: a change of
// rank alone changes nothing for replication.
func (r *Replicator) members() []registry.Member {
	var out []registry.Member
	for _, m := range r.cfg.Peers.Members() {
		out = append(out, registry.Member{Name: m.Name, Addr: m.Addr})
	}
	slices.SortFunc(out, func(a, b registry.Member) int { return strings.Compare(a.Name, b.Name) })
	return out
}

func (r *Replicator) peerNames() []string {
	var names []string
	for _, m := range r.members() {
		names = append(names, m.Name)
	}
	return names
}

func (r *Replicator) triggerPull() {
	select {
	case r.pullNow <- struct{}{}:
	default:
	}
}

// antiEntropy runs a round at start, when triggered and every
// PullInterval.
func (r *Replicator) antiEntropy(ctx context.Context) {
	tick := time.NewTicker(r.cfg.PullInterval)
	defer tick.Stop()
	failing := map[string]bool{}
	for {
		r.pullAll(ctx, failing)
		r.stats.pullRounds.Add(1)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-r.pullNow:
		}
	}
}

// pullAll asks the peers one after the other, so that what one peer
// provided is not fetched again from the next.
func (r *Replicator) pullAll(ctx context.Context, failing map[string]bool) {
	for _, name := range r.peerNames() {
		if ctx.Err() != nil {
			return
		}
		err := r.pullFrom(ctx, name)
		if err != nil && !failing[name] && ctx.Err() == nil {
			r.log.Warn("anti-entropy failing", "peer", name, "err", err)
		}
		if err != nil {
			r.stats.pullErrors.Add(1)
		}
		failing[name] = err != nil
	}
}

// pullFrom compares version vectors with peer and fetches every range it
// has and we lack, whatever the origin.
func (r *Replicator) pullFrom(ctx context.Context, peer string) error {
	theirs, err := r.peerVector(ctx, peer)
	if err != nil {
		return err
	}
	mine := r.store.Vector()
	for _, origin := range sortedKeys(theirs) {
		if theirs[origin] > mine[origin] {
			if err := r.fetchRange(ctx, peer, origin, mine[origin], theirs[origin]); err != nil {
				return err
			}
		}
	}
	return nil
}

// peerVector asks for the peer's vector; the answer also tells how far
// the peer holds our origin, which counts as its acknowledgement.
func (r *Replicator) peerVector(ctx context.Context, peer string) (map[string]uint64, error) {
	ctx, cancel := context.WithTimeout(ctx, r.cfg.CallTimeout)
	defer cancel()
	m, err := r.cfg.Peers.Call(ctx, peer, svcVector, nil)
	if err != nil {
		return nil, err
	}
	vec, err := decodeVector(m.Data["vector"])
	if err != nil {
		return nil, err
	}
	origin, _ := m.OptString("origin")
	r.acks.update(peer, origin, vec[r.origin])
	return vec, nil
}

// recordAck reads a replicate reply: the peer's origin and how far it
// holds ours.
func (r *Replicator) recordAck(peer string, data map[string]any) error {
	origin, ok := data["origin"].(string)
	seq, ok2 := toUint(data["seq"])
	if !ok || !ok2 {
		return fmt.Errorf("replicate reply without origin or seq: %v", data)
	}
	r.acks.update(peer, origin, seq)
	return nil
}

func sortedKeys(m map[string]uint64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
