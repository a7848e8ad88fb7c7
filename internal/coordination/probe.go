package coordination

import (
	"context"
	"math"
	"time"

	"zchat/internal/clock"
	"zchat/internal/wire"
)

// probe is a follower's watch on its coordinator: a standard clock request
// every ProbeEvery, one at a time. A dead coordinator's connection drops at
// once on a LAN (the request fails fast); a stopped one lets the request
// time out. ProbeFailures failures in a row make it lost.
type probe struct {
	inFlight bool
	last     time.Time
	failures int
}

// checkCoordinator starts a probe of the coordinator when one is due. A
// coordinator the registry does not list (yet) is not probed: the server
// may not have dialed it, and the node itself elects if such a
// coordinator stops announcing.
func (l *loop) checkCoordinator() {
	target := l.leader
	_, listed := l.ranks[target]
	if !listed || target == l.self.Name || l.probe.inFlight || time.Since(l.probe.last) < l.c.cfg.ProbeEvery {
		return
	}
	l.probe.inFlight, l.probe.last = true, time.Now()
	l.c.spawn(func() {
		r, err := l.c.read(l.ctx, target)
		l.c.result(l.ctx, func(l *loop) { l.probed(target, r, err) })
	})
}

// probed counts the outcome of a probe of target, unless the coordinator
// changed meanwhile (the node ignores a stale loss report anyway). Any
// reply proves the coordinator alive; a reading also tells how far our
// clock is from its own.
func (l *loop) probed(target string, r clock.Reading, err error) {
	l.probe.inFlight = false
	if target != l.leader {
		return
	}
	if err == nil {
		l.probe.failures = 0
		if offset, ok := offsetOf(r); ok {
			l.c.setLeaderOffset(offset)
		}
		return
	}
	l.probe.failures++
	if l.probe.failures >= l.c.cfg.ProbeFailures {
		l.c.log.Info("coordinator unreachable, electing", "coordinator", target, "failures", l.probe.failures, "err", err)
		l.probe.failures = 0
		l.node.CoordinatorLost(target)
	}
}

// read asks target for its clock (standard request "clock", reply "time"),
// timing the request on our clock. Remote is zero when the reply has no
// readable time.
func (c *Coordinator) read(ctx context.Context, target string) (clock.Reading, error) {
	sent := c.cfg.Physical.Now()
	reply, err := c.call(ctx, target, "clock", nil)
	r := clock.Reading{Name: target, Sent: sent, Received: c.cfg.Physical.Now()}
	if err != nil {
		return r, err
	}
	if remote, ok := wire.Seconds(reply.Data["time"]); ok {
		r.Remote = fromSeconds(remote)
	}
	return r, nil
}

// offsetOf is the peer's clock minus ours, compensated by half the round
// trip as clock.Berkeley does.
func offsetOf(r clock.Reading) (time.Duration, bool) {
	if r.Remote.IsZero() {
		return 0, false
	}
	rtt := r.Received.Sub(r.Sent)
	return r.Remote.Add(rtt / 2).Sub(r.Received), true
}

// fromSeconds turns float seconds since the epoch into a time (a float64
// holds about a quarter of a microsecond at today's magnitudes).
func fromSeconds(s float64) time.Time {
	sec := math.Floor(s)
	return time.Unix(int64(sec), int64(math.Round((s-sec)*1e9)))
}
