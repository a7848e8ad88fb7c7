package server

import (
	"context"
	"errors"
	"testing"

	"zchat"
)

// refusingReplicator never has enough peers: every wait fails.
type refusingReplicator struct{ waits int }

func (r *refusingReplicator) WaitReplicated(ctx context.Context, ev zchat.Event) error {
	r.waits++
	return errors.New("replicated to 0 of 1 peers")
}

func (r *refusingReplicator) WaitSettled(ctx context.Context, ev zchat.Event) {}
func (r *refusingReplicator) Refresh(ctx context.Context)                     {}

// A retry of a post whose first attempt answered erro (peers too slow for
// --sync-replicas) must not get OK just because the post is stored here:
// that OK would promise a second copy that does not exist.
func TestRetryWaitsForReplicasToo(t *testing.T) {
	h := newHandler(t)
	repl := &refusingReplicator{}
	h.Replicator = repl
	call(t, h, request(t, "login", map[string]any{"user": "ana"}))
	call(t, h, request(t, "channel", map[string]any{"channel": "geral"}))
	post := map[string]any{"user": "ana", "channel": "geral", "message": "oi", "request_id": "r1"}
	for attempt := 1; attempt <= 2; attempt++ {
		m, _ := call(t, h, request(t, "publish", post))
		if s, _ := m.OptString("status"); s != "erro" {
			t.Errorf("attempt %d answered %q, want erro while no peer holds the post", attempt, s)
		}
	}
	if repl.waits != 2 {
		t.Errorf("WaitReplicated called %d times, want 2", repl.waits)
	}
}
