package replication

import (
	"context"
	"math"
	"sync"
	"time"

	"zchat"
	"zchat/internal/registry"
)

// shippers holds one shipper per live peer.
type shippers struct {
	r  *Replicator
	mu sync.Mutex
	by map[string]*shipper
}

func newShippers(r *Replicator) *shippers {
	return &shippers{r: r, by: map[string]*shipper{}}
}

// sync starts shippers for new peers, restarts those of peers at a new
// address (a restarted process, whose disk may be new) and stops those of
// peers that left.
func (s *shippers) sync(ctx context.Context, peers []registry.Member) {
	s.mu.Lock()
	defer s.mu.Unlock()
	keep := map[string]bool{}
	for _, m := range peers {
		keep[m.Name] = true
		if sh := s.by[m.Name]; sh != nil && sh.addr != m.Addr {
			sh.stop()
			delete(s.by, m.Name)
		}
		if s.by[m.Name] == nil {
			s.by[m.Name] = startShipper(ctx, s.r, m)
		}
	}
	for name, sh := range s.by {
		if !keep[name] {
			sh.stop()
			delete(s.by, name)
		}
	}
}

func (s *shippers) stopAll() { s.sync(context.Background(), nil) }

// notifyAll wakes every shipper without blocking: a wake-up already
// pending covers this one too.
func (s *shippers) notifyAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sh := range s.by {
		select {
		case sh.wake <- struct{}{}:
		default:
		}
	}
}

// shipper pushes our origin's events to one peer, one batch at a time, in
// seq order, from the position the peer last acknowledged.
type shipper struct {
	r       *Replicator
	peer    string
	addr    string
	wake    chan struct{}
	cancel  context.CancelFunc
	done    chan struct{}
	probed  bool      // the peer answered since this shipper started
	failing bool      // last call failed; logged once per outage
	backoff time.Time // peer far behind: leave the bulk to its anti-entropy until then
}

func startShipper(ctx context.Context, r *Replicator, peer registry.Member) *shipper {
	ctx, cancel := context.WithCancel(ctx)
	sh := &shipper{r: r, peer: peer.Name, addr: peer.Addr, wake: make(chan struct{}, 1),
		cancel: cancel, done: make(chan struct{})}
	go sh.run(ctx)
	return sh
}

func (sh *shipper) stop() {
	sh.cancel()
	<-sh.done
}

// run ships whenever woken by a local commit, and every PushInterval
// anyway, so that a peer that comes back is served without a new commit.
// After a failed call it retries sooner, from 10 ms doubling up to
// PushInterval: a connection that is still being set up (a peer that just
// joined) must not hold back the acknowledgements that wait for it.
func (sh *shipper) run(ctx context.Context) {
	defer close(sh.done)
	tick := time.NewTicker(sh.r.cfg.PushInterval)
	defer tick.Stop()
	var delay time.Duration
	for {
		sh.ship(ctx)
		var retry <-chan time.Time
		delay = sh.retryDelay(delay)
		if delay > 0 {
			retry = time.After(delay)
		}
		select {
		case <-ctx.Done():
			return
		case <-sh.wake:
		case <-tick.C:
		case <-retry:
		}
	}
}

// retryDelay is the wait before the next attempt after a failed call
// (none after a success): the previous wait doubled, from 10 ms to
// PushInterval.
func (sh *shipper) retryDelay(prev time.Duration) time.Duration {
	if !sh.failing {
		return 0
	}
	return min(max(2*prev, 10*time.Millisecond), sh.r.cfg.PushInterval)
}

// ship sends batches until the peer holds everything we have, a call
// fails, or the peer turns out to be far behind.
func (sh *shipper) ship(ctx context.Context) {
	if time.Now().Before(sh.backoff) {
		return
	}
	prev := uint64(math.MaxUint64)
	for ctx.Err() == nil {
		pos, known := sh.r.acks.position(sh.peer)
		known = known && sh.probed // what a restarted peer held may be gone
		if known && !sh.worthPushing(ctx, pos, prev) {
			return
		}
		if known {
			prev = pos
		}
		if !sh.shipFrom(ctx, pos, known) {
			return
		}
	}
}

// worthPushing decides whether to push after pos, which the peer holds
// (prev: what it held before the last push of this round).
func (sh *shipper) worthPushing(ctx context.Context, pos, prev uint64) bool {
	local := sh.r.localSeq.Load()
	switch {
	case pos >= local:
		return false
	case pos == prev:
		return false // the peer took nothing: try again later, not in a hot loop
	case local-pos > uint64(10*sh.r.cfg.PushBatch):
		sh.leaveToAntiEntropy(ctx)
		return false
	}
	return true
}

// leaveToAntiEntropy stops pushing to a peer this far behind (it restarted
// empty, or was away): its own pipelined pulls catch it up faster. The
// probe keeps its position fresh, so that pushing resumes once it is close.
func (sh *shipper) leaveToAntiEntropy(ctx context.Context) {
	sh.backoff = time.Now().Add(sh.r.cfg.PushInterval)
	sh.send(ctx, nil)
}

// shipFrom sends the batch after pos; with an unknown position it sends
// an empty probe first, so that a restart does not resend everything.
func (sh *shipper) shipFrom(ctx context.Context, pos uint64, known bool) bool {
	var events []zchat.Event
	if known {
		var err error
		events, err = sh.r.store.Since(sh.r.origin, pos, sh.r.cfg.PushBatch)
		if err != nil {
			sh.r.log.Error("read events to push", "peer", sh.peer, "err", err)
			return false
		}
		if len(events) == 0 {
			return false
		}
	}
	return sh.send(ctx, events)
}

// send pushes events (none: a probe) and records the peer's answer.
func (sh *shipper) send(ctx context.Context, events []zchat.Event) bool {
	cctx, cancel := context.WithTimeout(ctx, sh.r.cfg.CallTimeout)
	defer cancel()
	data := map[string]any{"origin": sh.r.origin, "events": encodeEvents(events)}
	m, err := sh.r.cfg.Peers.Call(cctx, sh.peer, svcReplicate, data)
	if err == nil {
		err = sh.r.recordAck(ctx, sh.peer, m.Data, events)
	}
	sh.r.stats.pushCalls.Add(1)
	if sh.noteFailure(ctx, err) {
		return false
	}
	sh.probed = true
	sh.r.stats.pushed.Add(uint64(len(events)))
	return true
}

// noteFailure logs the start and end of an outage, not every retry.
func (sh *shipper) noteFailure(ctx context.Context, err error) bool {
	switch {
	case err != nil && !sh.failing && ctx.Err() == nil:
		sh.r.log.Warn("push failing", "peer", sh.peer, "err", err)
	case err == nil && sh.failing:
		sh.r.log.Info("push resumed", "peer", sh.peer)
	}
	if err != nil {
		sh.r.stats.pushErrors.Add(1)
	}
	sh.failing = err != nil
	return err != nil
}
