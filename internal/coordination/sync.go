package coordination

import (
	"context"
	"sync"
	"time"

	"zchat/internal/clock"
	"zchat/internal/registry"
)

// rounds is the coordinator's Berkeley schedule: one round at a time.
type rounds struct {
	running bool
	n       int       // rounds started by this coordinator
	lastEnd time.Time // zero: a round is due at once
}

// maybeSync starts a round when one is due: SyncEvery messages exchanged
// here, a follower asking (it exchanged as many), or SyncIdle since the
// last round. It is checked every tick, so under load rounds run at most
// once per tick instead of once per ten messages.
func (l *loop) maybeSync() {
	c := l.c
	due := c.exchanged.Load() >= int64(c.cfg.SyncEvery) || c.syncAsked.Load() ||
		time.Since(l.sync.lastEnd) >= c.cfg.SyncIdle
	if l.sync.running || !due {
		return
	}
	c.exchanged.Store(0)
	c.syncAsked.Store(false)
	l.sync.running = true
	l.sync.n++
	round, members := l.sync.n, c.cfg.Membership.Peers()
	c.spawn(func() {
		c.runRound(l.ctx, round, members)
		c.result(l.ctx, func(l *loop) { l.sync.running, l.sync.lastEnd = false, time.Now() })
	})
}

// forwardSyncDemand: a follower that exchanged SyncEvery messages asks the
// coordinator for a round (extension request "sync"), so that the
// standard's rule holds for every server, not only the coordinator.
func (l *loop) forwardSyncDemand() {
	c, to := l.c, l.leader
	if to == "" || c.exchanged.Load() < int64(c.cfg.SyncEvery) {
		return
	}
	c.exchanged.Store(0)
	c.spawn(func() { _, _ = c.call(l.ctx, to, "sync", map[string]any{"server": c.cfg.Self}) })
}

// runRound is one Berkeley round: read every peer's clock, compute every
// participant's correction, apply ours and send the others theirs.
func (c *Coordinator) runRound(ctx context.Context, round int, members []registry.Member) {
	start := time.Now()
	readings := c.poll(ctx, members)
	adjustments := clock.Berkeley(c.cfg.Self, c.cfg.Physical.Now(), readings, c.cfg.Tolerance, c.cfg.MaxRTT)
	failed := c.distribute(ctx, round, adjustments)
	c.recordRound(newRoundReport(round, start, members, adjustments, failed))
}

// poll reads every peer's clock Samples times in a row, one peer after
// the other: requests in flight together would share the CPU on their
// way and make the round trips lopsided. Berkeley keeps each peer's
// reading with the shortest round trip, the most precise. A peer stops
// being read at its first failure, so a dead one costs one timeout.
func (c *Coordinator) poll(ctx context.Context, members []registry.Member) []clock.Reading {
	var readings []clock.Reading
	for _, m := range members {
		readings = append(readings, c.readSamples(ctx, m.Name)...)
	}
	return readings
}

func (c *Coordinator) readSamples(ctx context.Context, name string) []clock.Reading {
	var out []clock.Reading
	for range c.cfg.Samples {
		r, err := c.read(ctx, name)
		if err != nil {
			break
		}
		out = append(out, r)
	}
	return out
}

// distribute applies our own correction and sends each peer its own
// (extension request "adjust"), all at once; it returns the peers that
// did not acknowledge.
func (c *Coordinator) distribute(ctx context.Context, round int, adjustments []clock.Adjustment) []string {
	var wg sync.WaitGroup
	acked := make([]bool, len(adjustments))
	for i, a := range adjustments {
		if a.Name == c.cfg.Self {
			c.adjust(c.cfg.Self, round, a.Delta)
			acked[i] = true
			continue
		}
		wg.Go(func() { acked[i] = c.sendAdjust(ctx, round, a) == nil })
	}
	wg.Wait()
	var failed []string
	for i, a := range adjustments {
		if !acked[i] {
			failed = append(failed, a.Name)
		}
	}
	return failed
}

func (c *Coordinator) sendAdjust(ctx context.Context, round int, a clock.Adjustment) error {
	data := map[string]any{"delta": a.Delta.Seconds(), "coordinator": c.cfg.Self, "round": round}
	_, err := c.call(ctx, a.Name, "adjust", data)
	return err
}

// adjust applies a correction measured against our clock as it read,
// pending corrections excluded, clamped to MaxStep, and returns what it
// applied. It replaces the part of an earlier negative correction not yet
// slewed in: adding to it would count that part twice.
func (c *Coordinator) adjust(from string, round int, delta time.Duration) time.Duration {
	applied := clampStep(delta, c.cfg.MaxStep)
	p := c.cfg.Physical
	p.Adjust(applied - p.Pending())
	c.recordAdjust(from, round, delta, applied)
	return applied
}

// clampStep bounds one correction to ±limit. A clock further off converges
// over several rounds: the rounds go on measuring it, and each moves it by
// up to limit again. A step backwards is slewed anyway, and a round never
// absorbs more than limit of it (see DefaultMaxStep), so the bound only
// slows down the correction of a clock behind.
func clampStep(delta, limit time.Duration) time.Duration {
	return max(-limit, min(delta, limit))
}
