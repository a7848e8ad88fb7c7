package replication

import (
	"context"
	"fmt"

	"zchat"
)

// searchProbes is how many seqs one round of the search asks about: a
// log of a million events is searched in 5 round trips.
const searchProbes = 16

// search finds the first seq where two hash chains of one origin differ.
// Hashes chain, so if they agree at a seq they agree at every seq before
// it: the answer is the one seq hi with agreement at hi-1 (lo) and
// disagreement at hi. lo starts at 0 (Genesis, shared by all logs).
type search struct{ lo, hi uint64 }

func (s search) done() bool { return s.hi <= s.lo+1 }

// probes splits (lo, hi) evenly by up to k seqs, ascending.
func (s search) probes(k int) []uint64 {
	gap := s.hi - s.lo - 1 // seqs strictly between
	n := min(uint64(k), gap)
	step := (gap + 1) / (n + 1) // >= 1; i*step stays <= gap: no overflow
	out := make([]uint64, 0, n)
	for i := uint64(1); i <= n; i++ {
		out = append(out, s.lo+i*step)
	}
	return out
}

// narrow takes the answers for probes (same[i]: both hold probes[i] with
// one hash). The first disagreement is the new hi and the agreement just
// before it the new lo; answers that break the chain's monotony (a wrong
// or lying peer) cannot stop the search, which shrinks every round.
func (s search) narrow(probes []uint64, same []bool) search {
	for i, seq := range probes {
		if !same[i] {
			return search{lo: s.lo, hi: seq}
		}
		s.lo = seq
	}
	return s
}

// repair makes our log of origin a prefix of the origin's own log: peer is
// that origin. It finds the first seq where our chain departs from the
// origin's answers and truncates ours from there; fetching then brings the
// origin's events. Repairs run one at a time (pulls run concurrently:
// anti-entropy, CatchUp, Refresh), and each one reads our head afresh, so
// a second repair of the same divergence finds nothing to do.
func (r *Replicator) repair(ctx context.Context, peer, origin string) error {
	r.repairMu.Lock()
	defer r.repairMu.Unlock()
	head := r.store.Head(origin)
	if head.Seq == 0 {
		return nil
	}
	same, err := r.compareHashes(ctx, peer, origin, []uint64{head.Seq})
	if err != nil || same[0] {
		return err // our whole log is the origin's: nothing to repair
	}
	s := search{lo: 0, hi: head.Seq}
	for !s.done() {
		probes := s.probes(searchProbes)
		if same, err = r.compareHashes(ctx, peer, origin, probes); err != nil {
			return err
		}
		s = s.narrow(probes, same)
	}
	removed, err := r.store.Truncate(ctx, origin, s.hi)
	if err != nil {
		return err
	}
	r.stats.repairs.Add(1)
	r.stats.truncated.Add(uint64(removed))
	r.log.Warn("repaired a diverged log from its origin", "origin", origin, "from", s.hi, "removed", removed, "held", head.Seq)
	return nil
}

// compareHashes tells, for each seq, whether the peer's hash of origin's
// event is ours (both hold it, with one hash).
func (r *Replicator) compareHashes(ctx context.Context, peer, origin string, seqs []uint64) ([]bool, error) {
	ours, err := r.store.HashesAt(ctx, origin, seqs)
	if err != nil {
		return nil, err
	}
	theirs, err := r.peerHashes(ctx, peer, origin, seqs)
	if err != nil {
		return nil, err
	}
	same := make([]bool, len(seqs))
	for i := range seqs {
		same[i] = !ours[i].IsZero() && ours[i] == theirs[i]
	}
	return same, nil
}

// peerHashes asks peer for its hashes of origin's events at seqs.
func (r *Replicator) peerHashes(ctx context.Context, peer, origin string, seqs []uint64) ([]zchat.Hash, error) {
	ctx, cancel := context.WithTimeout(ctx, r.cfg.CallTimeout)
	defer cancel()
	m, err := r.cfg.Peers.Call(ctx, peer, svcHashes, map[string]any{"origin": origin, "seqs": seqs})
	if err != nil {
		return nil, fmt.Errorf("hashes of %s from %s: %w", origin, peer, err)
	}
	return decodeHashes(m.Data["hashes"], len(seqs))
}
