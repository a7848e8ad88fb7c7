package replication

import (
	"context"
	"fmt"

	"zchat"
)

// fetched is the answer to one fetch.
type fetched struct {
	events []zchat.Event
	err    error
}

// fetchRange copies origin's events (after, to] from peer. Up to
// FetchWindow fetches are in flight while earlier batches are applied, in
// order, since the store applies an origin's events only contiguously.
// Events that contradict our log stop it with a *divergedError.
func (r *Replicator) fetchRange(ctx context.Context, peer, origin string, after, to uint64) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	futures := make(chan chan fetched, r.cfg.FetchWindow-1)
	go r.issueFetches(ctx, peer, origin, after, to, futures)
	for f := range futures {
		res := <-f
		if res.err != nil {
			return res.err
		}
		if len(res.events) == 0 {
			return fmt.Errorf("fetch %s after %d from %s: no events", origin, after, peer)
		}
		applied, err := r.apply(ctx, res.events)
		if err != nil {
			return err
		}
		r.stats.pulled.Add(uint64(len(applied.Events)))
		if len(applied.Diverged) > 0 {
			return &divergedError{applied.Diverged[0]} // the rest cannot chain either
		}
	}
	return ctx.Err()
}

// issueFetches starts one fetch per batch of the range, each answering on
// its own channel, and queues the channels in range order. The capacity of
// futures bounds how many are in flight ahead of the applier.
func (r *Replicator) issueFetches(ctx context.Context, peer, origin string, after, to uint64, futures chan<- chan fetched) {
	defer close(futures)
	batch := uint64(r.cfg.FetchBatch)
	for from := after; from < to; from += batch {
		f := make(chan fetched, 1)
		select {
		case futures <- f:
		case <-ctx.Done():
			return
		}
		go func() { f <- r.fetch(ctx, peer, origin, from, min(batch, to-from)) }()
	}
}

func (r *Replicator) fetch(ctx context.Context, peer, origin string, after, limit uint64) fetched {
	ctx, cancel := context.WithTimeout(ctx, 5*r.cfg.CallTimeout) // a big batch on a busy peer
	defer cancel()
	data := map[string]any{"origin": origin, "after": after, "limit": limit}
	m, err := r.cfg.Peers.Call(ctx, peer, svcFetch, data)
	r.stats.fetchCalls.Add(1)
	if err != nil {
		return fetched{err: err}
	}
	events, err := decodeEvents(m.Data["events"])
	return fetched{events: events, err: err}
}
