package replication

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"zchat"
	"zchat/internal/store"
)

// A divergence is two different logs of one origin: the store refuses
// events that do not chain onto its log (store.Divergence), and
// anti-entropy compares heads. Which log is right is decided by one rule:
// the origin's own log wins. So a replica repairs its copy of an origin
// only while talking to that origin (repair), never on the word of
// another peer, and never takes events of its own origin from anyone.

// divergedError stops a fetch whose events contradict our log.
type divergedError struct{ d store.Divergence }

func (e *divergedError) Error() string { return "diverged: " + e.d.String() }

// headsDiverge tells why our head of origin (read before asking the peer)
// contradicts the peer's view, "" if it does not: the same seq with
// another hash, or, from the origin itself, more events than the origin
// says it wrote. The origin held every event we hold of it before we
// asked, so only a divergence (or a restored backup) makes ours longer.
// Heads of different lengths that agree on what both hold show up when
// the shorter side fetches: the fetched events do not chain onto its log.
func headsDiverge(ours zchat.Head, pv peerView, origin string) string {
	theirs, known := pv.heads[origin]
	switch {
	case ours.Seq == 0:
		return ""
	case origin == pv.origin && ours.Seq > pv.vector[origin]:
		return fmt.Sprintf("we hold %s up to %d, its origin wrote %d", origin, ours.Seq, pv.vector[origin])
	case known && theirs.Seq == ours.Seq && theirs.Hash != ours.Hash:
		return fmt.Sprintf("head %s:%d is %.16s here, %.16s there", origin, ours.Seq, ours.Hash, theirs.Hash)
	}
	return ""
}

// onDivergence handles a log of origin that differs between us and peer.
// It repairs ours if peer is that origin and refuses the peer's otherwise
// (the exchange with the origin will repair whichever side is wrong; if
// the origin is gone for good, both keep what they have). It reports
// whether our log was repaired, so that fetching from peer may go on.
func (r *Replicator) onDivergence(ctx context.Context, peer string, pv peerView, origin, why string) bool {
	r.stats.divergences.Add(1)
	if !isOrigin(peer, pv.origin, origin) {
		r.warnDivergence(peer, origin, "refused a diverging log from a peer that is not its origin", why)
		return false
	}
	if err := r.repair(ctx, peer, origin); err != nil {
		if ctx.Err() == nil {
			r.warnDivergence(peer, origin, "could not repair a diverged log from its origin", fmt.Sprintf("%s: %v", why, err))
		}
		return false
	}
	return true
}

// isOrigin tells whether peer, which says its own origin is peerOrigin,
// is the origin of origin. An origin is its server's name and a suffix
// (store.Open), so a peer can speak only for origins of its own name: a
// peer that claims another server's origin cannot make us truncate it.
func isOrigin(peer, peerOrigin, origin string) bool {
	return origin == peerOrigin && strings.HasPrefix(origin, peer+".")
}

// pushDiverged handles pushed events that contradict our log: they were
// not stored, and an anti-entropy round compares heads with every peer,
// which repairs our log if it is the wrong one.
func (r *Replicator) pushDiverged(sender string, ds []store.Divergence) {
	r.stats.divergences.Add(uint64(len(ds)))
	r.warnDivergence("origin "+sender, ds[0].Event.Origin, "refused pushed events that contradict our log", ds[0].String())
	r.triggerPull()
}

// recordOwnAck records how far peer holds our origin: up to head.Seq, with
// head.Hash there if checkable (peers that send no hashes are trusted). A
// hash that is not ours marks the ack as diverged (see peerAck). sent are
// events just pushed, which usually hold the acknowledged one.
func (r *Replicator) recordOwnAck(ctx context.Context, peer, peerOrigin string, head zchat.Head, checkable bool, sent []zchat.Event) {
	diverged := false
	if checkable && head.Seq > 0 {
		ours, err := r.ownHashAt(ctx, head.Seq, sent)
		if err != nil {
			r.log.Error("read own hash to check an acknowledgement", "peer", peer, "seq", head.Seq, "err", err)
			return
		}
		if diverged = ours != head.Hash; diverged {
			r.stats.divergences.Add(1)
			r.warnDivergence(peer, r.origin, "a peer holds another log of our origin; it repairs it from us",
				fmt.Sprintf("seq %d is %.16s there, %.16s here", head.Seq, head.Hash, ours))
		}
	}
	r.acks.update(peer, peerOrigin, head.Seq, diverged)
}

// ownHashAt is our hash at seq of our origin, zero if we wrote no such
// event.
func (r *Replicator) ownHashAt(ctx context.Context, seq uint64, sent []zchat.Event) (zchat.Hash, error) {
	for i := len(sent) - 1; i >= 0; i-- {
		if sent[i].Seq == seq {
			return sent[i].Hash, nil
		}
	}
	if h := r.store.Head(r.origin); h.Seq == seq {
		return h.Hash, nil
	}
	hashes, err := r.store.HashesAt(ctx, r.origin, []uint64{seq})
	if err != nil {
		return zchat.Hash{}, err
	}
	return hashes[0], nil
}

// warnEvery limits the warnings about one (peer, origin) divergence, which
// every anti-entropy round finds again until it is repaired.
const warnEvery = 10 * time.Second

// warnings remembers when each divergence was last logged.
type warnings struct {
	mu   sync.Mutex
	last map[[2]string]time.Time
}

func (r *Replicator) warnDivergence(peer, origin, what, detail string) {
	key, now := [2]string{peer, origin}, time.Now()
	r.warned.mu.Lock()
	if now.Sub(r.warned.last[key]) < warnEvery {
		r.warned.mu.Unlock()
		return
	}
	if r.warned.last == nil {
		r.warned.last = map[[2]string]time.Time{}
	}
	r.warned.last[key] = now
	r.warned.mu.Unlock()
	r.log.Warn(what, "peer", peer, "origin", origin, "detail", detail, "divergences", r.stats.divergences.Load())
}
