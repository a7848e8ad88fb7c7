package replication

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// peerAck is what one peer last said it holds of our origin. origin is the
// peer's own origin: a new one means its data directory was wiped, and
// only then may its position go down. diverged means that the peer's hash
// at seq is not ours: it holds another log of our origin (until it repairs
// it from us), so it holds none of our events as far as waiting for
// copies is concerned.
type peerAck struct {
	origin   string
	seq      uint64
	diverged bool
}

// holds reports whether the peer holds our event seq.
func (p peerAck) holds(seq uint64) bool { return !p.diverged && p.seq >= seq }

// acks tracks, per peer, how far it holds our events, and wakes the
// WaitReplicated callers whenever that changes.
type acks struct {
	mu      sync.Mutex
	peers   map[string]peerAck
	changed chan struct{} // closed and replaced on every change
}

func newAcks() *acks {
	return &acks{peers: map[string]peerAck{}, changed: make(chan struct{})}
}

// update records a peer's reply. A reply of the same incarnation that is
// lower than what we know is stale (replies of concurrent requests may
// arrive out of order) and is ignored, unless it is the first consistent
// one after a divergence (the peer truncated its copy of our log).
func (a *acks) update(peer, origin string, seq uint64, diverged bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	old, known := a.peers[peer]
	if known && old.origin == origin && seq <= old.seq && old.diverged == diverged {
		return
	}
	a.peers[peer] = peerAck{origin: origin, seq: seq, diverged: diverged}
	close(a.changed)
	a.changed = make(chan struct{})
}

// position is how far peer holds our origin, and whether it ever said.
func (a *acks) position(peer string) (uint64, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	p, ok := a.peers[peer]
	return p.seq, ok
}

// holders counts the peers holding seq and returns the channel that is
// closed on the next change.
func (a *acks) holders(seq uint64) (int, <-chan struct{}) {
	a.mu.Lock()
	defer a.mu.Unlock()
	n := 0
	for _, p := range a.peers {
		if p.holds(seq) {
			n++
		}
	}
	return n, a.changed
}

// wait blocks until k peers hold seq. The error wraps
// context.DeadlineExceeded, so that the client's reply says it timed out.
func (a *acks) wait(ctx context.Context, seq uint64, k int, timeout time.Duration) error {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		n, changed := a.holders(seq)
		if n >= k {
			return nil
		}
		select {
		case <-changed:
		case <-timer.C:
			return fmt.Errorf("replicated to %d of %d peers within %s: %w", n, k, timeout, context.DeadlineExceeded)
		case <-ctx.Done():
			return fmt.Errorf("replicated to %d of %d peers: %w", n, k, ctx.Err())
		}
	}
}

// snapshot copies the per-peer state for status.
func (a *acks) snapshot() map[string]peerAck {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make(map[string]peerAck, len(a.peers))
	for k, v := range a.peers {
		out[k] = v
	}
	return out
}
