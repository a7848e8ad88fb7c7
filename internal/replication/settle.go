package replication

import (
	"context"
	"time"

	"zchat"
)

// SettleTimeout bounds WaitSettled: long enough for a healthy peer to
// commit (well under a millisecond on a LAN), short enough that a stopped
// peer not yet dropped from the membership costs a user little.
const SettleTimeout = 500 * time.Millisecond

// WaitSettled returns once every live peer holds ev, or after
// SettleTimeout. The server uses it for logins and channel creations: the
// broker sends a user's next request to another server, which must already
// know the user or channel (read your writes). Unlike WaitReplicated it
// never fails: the event is durable here and anti-entropy completes the rest.
func (r *Replicator) WaitSettled(ctx context.Context, ev zchat.Event) {
	peers := r.peerNames()
	if len(peers) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, SettleTimeout)
	defer cancel()
	for {
		held, changed := r.acks.allHold(peers, ev.Seq)
		if held {
			return
		}
		select {
		case <-changed:
		case <-ctx.Done():
			r.log.Debug("settle timed out", "event", ev.ID(), "peers", peers)
			return
		}
	}
}

// allHold reports whether every named peer holds seq, and returns the
// channel closed on the next change.
func (a *acks) allHold(peers []string, seq uint64) (bool, <-chan struct{}) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, name := range peers {
		if !a.peers[name].holds(seq) {
			return false, a.changed
		}
	}
	return true, a.changed
}
