package replication

import (
	"context"
	"errors"
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

// pullFrom compares vectors and heads with peer and fetches every range
// it has and we lack, whatever the origin. A log of an origin that differs
// between us (see headsDiverge, and fetched events that do not chain onto
// ours) is repaired if the peer is that origin and refused otherwise (see
// onDivergence).
func (r *Replicator) pullFrom(ctx context.Context, peer string) error {
	before := r.store.Heads() // before asking: headsDiverge relies on it
	pv, err := r.peerVector(ctx, peer)
	if err != nil {
		return err
	}
	origins := sortedKeys(pv.vector)
	if _, ok := pv.vector[pv.origin]; !ok && before[pv.origin].Seq > 0 {
		origins = append(origins, pv.origin) // the origin wrote nothing, and we hold some
	}
	for _, origin := range origins {
		if origin == r.origin {
			continue // our own log: the peer repairs its copy from us
		}
		if why := headsDiverge(before[origin], pv, origin); why != "" && !r.onDivergence(ctx, peer, pv, origin, why) {
			continue
		}
		if err := r.pullOrigin(ctx, peer, pv, origin); err != nil {
			return err
		}
	}
	return nil
}

// pullOrigin fetches what peer holds of origin beyond our vector. Fetched
// events that contradict our log go to onDivergence; after a repair the
// range is fetched once more, from where our log now ends.
func (r *Replicator) pullOrigin(ctx context.Context, peer string, pv peerView, origin string) error {
	for attempt := 0; attempt < 2; attempt++ {
		mine := r.store.Vector()[origin]
		if pv.vector[origin] <= mine {
			return nil
		}
		err := r.fetchRange(ctx, peer, origin, mine, pv.vector[origin])
		var d *divergedError
		if !errors.As(err, &d) {
			return err
		}
		if !r.onDivergence(ctx, peer, pv, origin, "fetched "+d.d.String()) {
			return nil
		}
	}
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
