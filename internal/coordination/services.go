package coordination

import (
	"context"
	"fmt"
	"math"
	"time"

	"zchat/internal/election"
	"zchat/internal/wire"
)

// maxDelta bounds an adjustment we accept: beyond it the request is
// garbage (and would overflow a time.Duration further on).
const maxDelta = 1e8 // seconds, about three years

// Services are the server-to-server services coordination answers
// (standard "election"; our extensions "coordinator", "adjust", "sync").
// They never touch the node: they queue inputs for the loop and answer at
// once.
func (c *Coordinator) Services() map[string]func(ctx context.Context, m wire.Message) map[string]any {
	return map[string]func(ctx context.Context, m wire.Message) map[string]any{
		"election":    c.serveElection,
		"coordinator": c.serveCoordinator,
		"adjust":      c.serveAdjust,
		"sync":        c.serveSync,
	}
}

// serveElection is the standard request; the reply {"election": "OK"} is
// the Bully answer ("alive, and I take over"). Our rank rides along.
func (c *Coordinator) serveElection(ctx context.Context, m wire.Message) map[string]any {
	name, rank := sender(m)
	c.input(func(l *loop) { l.stepFrom(election.MsgElection, name, rank) })
	return map[string]any{"election": wire.StatusOK, "rank": c.cfg.Membership.Rank()}
}

// serveCoordinator is our direct announcement, the backup of the one on
// topic servers: {"coordinator": name, "rank": rank}.
func (c *Coordinator) serveCoordinator(ctx context.Context, m wire.Message) map[string]any {
	name := firstString(m.Data, coordinatorKeys)
	if name == "" {
		name, _ = sender(m)
	}
	rank := rankOf(m.Data)
	c.input(func(l *loop) { l.stepFrom(election.MsgCoordinator, name, rank) })
	return map[string]any{"status": wire.StatusOK}
}

// serveAdjust applies the coordinator's Berkeley correction
// {"delta": seconds, "coordinator": name, "round": n}. A server following
// another coordinator refuses it: a deposed coordinator must not steer
// the clocks.
func (c *Coordinator) serveAdjust(ctx context.Context, m wire.Message) map[string]any {
	delta, ok := number(m.Data["delta"])
	if !ok || math.Abs(delta) > maxDelta {
		return wire.ErrorData(`adjust needs "delta", a number of seconds`)
	}
	from := firstString(m.Data, coordinatorKeys)
	if from == "" {
		from, _ = sender(m)
	}
	if known := c.Coordinator(); known != "" && from != known {
		return wire.ErrorData(fmt.Sprintf("adjust from %q, but the coordinator is %q", from, known))
	}
	round, _ := number(m.Data["round"])
	c.adjust(from, int(round), seconds(delta))
	return map[string]any{"status": wire.StatusOK, "offset": c.cfg.Physical.Offset().Seconds()}
}

// serveSync is a follower asking the coordinator for a round: it has
// exchanged SyncEvery messages since the last one.
func (c *Coordinator) serveSync(ctx context.Context, m wire.Message) map[string]any {
	c.syncAsked.Store(true)
	return map[string]any{"status": wire.StatusOK}
}

// stepFrom hands a message from name to the node. An election request
// whose sender is unnamed or unknown counts as from the lowest server:
// elections are sent upwards only. An announcer of unknown rank cannot be
// judged and is ignored.
func (l *loop) stepFrom(t election.MsgType, name string, rank int) {
	if rank == 0 {
		rank = l.ranks[name]
	}
	if t == election.MsgElection && (name == "" || rank == 0) {
		name, rank = firstNonEmpty(name, "(anonymous)"), math.MinInt
	}
	if name == "" || rank == 0 {
		l.c.log.Debug("ignoring a message from a server of unknown rank", "type", t, "from", name)
		return
	}
	l.step(election.Message{Type: t, From: name, To: l.self.Name, Rank: rank})
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
