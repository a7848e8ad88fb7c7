package replication

import (
	"context"
	"fmt"
	"time"
)

// CatchUp pulls from every live peer once, retrying a peer that fails
// (its connection may still be being set up) from 10 ms doubling up to
// 200 ms, until every peer answered or ctx ends. A server calls it before
// it answers clients, so that it does not deny what the cluster already
// acknowledged (a channel, a user) because it just started or restarted.
func (r *Replicator) CatchUp(ctx context.Context) error {
	pending := r.peerNames()
	for delay := 10 * time.Millisecond; len(pending) > 0; delay = min(2*delay, 200*time.Millisecond) {
		var failed []string
		for _, peer := range pending {
			if err := r.pullFrom(ctx, peer); err != nil {
				failed = append(failed, peer)
			}
		}
		if pending = failed; len(pending) == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("replication: not caught up with %v: %w", pending, ctx.Err())
		case <-time.After(delay):
		}
	}
	return nil
}

// Refresh pulls once from every live peer, ignoring the ones that fail. A
// server calls it when a request names a channel or user it does not know:
// another server may have acknowledged it a moment ago.
func (r *Replicator) Refresh(ctx context.Context) {
	for _, peer := range r.peerNames() {
		_ = r.pullFrom(ctx, peer)
	}
}
