package coordination

import (
	"context"
	"fmt"
	"math"
	"time"

	"zchat/internal/election"
	"zchat/internal/wire"
)

// maxDelta bounds an adjustment we read at all: beyond it the request is
// garbage (and would overflow a time.Duration further on). What is applied
// is bounded much tighter, by Config.MaxStep.
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
// {"delta": seconds, "coordinator": name, "round": n}, clamped to
// MaxStep (see adjust). It is refused from anyone but the coordinator
// this server follows: from a deposed coordinator, from a server that
// names itself coordinator when this one knows another, while no
// coordinator is known (an election under way), and on the coordinator
// itself, which corrects its own clock without a request.
func (c *Coordinator) serveAdjust(ctx context.Context, m wire.Message) map[string]any {
	delta, ok := number(m.Data["delta"])
	if !ok || math.Abs(delta) > maxDelta {
		return wire.ErrorData(`adjust needs "delta", a number of seconds`)
	}
	from := firstString(m.Data, coordinatorKeys)
	if from == "" {
		from, _ = sender(m)
	}
	if refusal := c.adjustRefusal(from); refusal != "" {
		return wire.ErrorData(refusal)
	}
	round, _ := number(m.Data["round"])
	applied := c.adjust(from, int(round), seconds(delta))
	return map[string]any{"status": wire.StatusOK, "offset": c.cfg.Physical.Offset().Seconds(), "applied": applied.Seconds()}
}

// adjustRefusal says why a correction from is not accepted, "" when it is.
func (c *Coordinator) adjustRefusal(from string) string {
	switch known := c.Coordinator(); {
	case known == "":
		return fmt.Sprintf("adjust from %q refused: no coordinator known (election under way)", from)
	case known == c.cfg.Self:
		return fmt.Sprintf("adjust from %q refused: this server is the coordinator", from)
	case from != known:
		return fmt.Sprintf("adjust from %q refused: the coordinator is %q", from, known)
	}
	return ""
}

// serveSync is a follower asking the coordinator for a round: it has
// exchanged SyncEvery messages since the last one.
func (c *Coordinator) serveSync(ctx context.Context, m wire.Message) map[string]any {
	c.syncAsked.Store(true)
	return map[string]any{"status": wire.StatusOK}
}

// stepFrom hands a message from name to the node, judged by the
// reference's list rather than by what the message claims: anyone can
// publish on topic servers, so an announcement naming a server the
// reference does not list (a phantom) is ignored, and a listed server's
// rank is the reference's. An election request is harmless whatever it
// claims (the node ignores one from above and answers one from below), so
// an unlisted sender keeps the rank it states, and one that states none,
// or names nobody, counts as the lowest server: elections are sent
// upwards only.
func (l *loop) stepFrom(t election.MsgType, name string, claimed int) {
	rank, listed := l.ranks[name]
	switch {
	case name == l.self.Name: // our own announcement, back from the proxy
		return
	case listed:
	case t == election.MsgCoordinator:
		l.c.log.Debug("ignoring an announcement of a server the reference does not list", "coordinator", name, "rank", claimed)
		return
	case name != "" && claimed != 0:
		rank = claimed
	default:
		name, rank = firstNonEmpty(name, "(anonymous)"), math.MinInt
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
