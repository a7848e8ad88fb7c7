package coordination

import (
	"context"
	"errors"
	"maps"
	"time"

	"zchat/internal/election"
	"zchat/internal/registry"
	"zchat/internal/transport"
	"zchat/internal/wire"
)

// TopicServers is where coordinators announce themselves (standard).
const TopicServers = "servers"

// retryEvery paces retries of a request to a peer whose connection is not
// up (yet): a peer the registry just listed is dialed asynchronously.
const retryEvery = 20 * time.Millisecond

// send carries one message of the node to the network. An Answer needs no
// message of its own: it is the reply to the election request.
func (l *loop) send(m election.Message) {
	switch m.Type {
	case election.MsgElection:
		l.sendElection(m.To)
	case election.MsgCoordinator:
		self, members := l.self, l.c.cfg.Membership.Peers()
		l.c.spawn(func() { l.c.announce(l.ctx, self, members) })
	}
}

// sendElection sends the standard election request; a reply is the Bully
// answer of a live higher peer. No reply within AnswerTimeout is silence,
// which the node's own timeout turns into a victory.
func (l *loop) sendElection(to string) {
	self, rank := l.self, l.ranks[to]
	l.c.spawn(func() {
		reply, err := l.c.callRetrying(l.ctx, l.c.cfg.AnswerTimeout, to, "election", identify(self))
		if err != nil {
			return
		}
		if r, _ := reply.OptInt("rank", 0); r > 0 {
			rank = int(r)
		}
		answer := election.Message{Type: election.MsgAnswer, From: to, To: self.Name, Rank: rank}
		l.c.result(l.ctx, func(l *loop) { l.step(answer) })
	})
}

// announce publishes the standard announcement on topic servers and, as a
// backup of that lossy broadcast, tells every peer directly (extension
// request "coordinator"). A direct message is not retried: a late one
// could arrive after this server yielded and mislead its receiver, and
// announcements repeat anyway.
func (c *Coordinator) announce(ctx context.Context, self election.Peer, members []registry.Member) {
	c.publishAnnouncement(self)
	data := map[string]any{"coordinator": self.Name, "rank": self.Rank}
	for _, m := range members {
		c.spawn(func() { _, _ = c.call(ctx, m.Name, "coordinator", maps.Clone(data)) })
	}
}

// publishAnnouncement sends {"service": "election", "data": {"coordinator",
// "rank", "timestamp", "clock"}}; rank is ours, other readers ignore it.
func (c *Coordinator) publishAnnouncement(self election.Peer) {
	if c.cfg.Publish == nil {
		return
	}
	data := map[string]any{"coordinator": self.Name, "rank": self.Rank}
	payload, err := wire.Encode(wire.MsgPack, "election", data, c.cfg.Lamport.Tick(), c.cfg.Physical.Seconds())
	if err != nil {
		c.log.Error("encode announcement", "err", err)
		return
	}
	c.cfg.Publish(TopicServers, payload)
}

// callRetrying calls a peer, retrying while its connection is not up,
// for at most timeout. Each attempt gets a copy of data: wire.Encode
// stamps into the map it is given.
func (c *Coordinator) callRetrying(ctx context.Context, timeout time.Duration, to, service string, data map[string]any) (wire.Message, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		reply, err := c.cfg.Peers.Call(ctx, to, service, maps.Clone(data))
		if err == nil || !errors.Is(err, transport.ErrUnreachable) {
			return reply, err
		}
		select {
		case <-ctx.Done():
			return reply, err
		case <-time.After(retryEvery):
		}
	}
}

// call is one request with the standard per-call timeout.
func (c *Coordinator) call(ctx context.Context, to, service string, data map[string]any) (wire.Message, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.CallTimeout)
	defer cancel()
	return c.cfg.Peers.Call(ctx, to, service, data)
}

// identify names the sender of a request: the standard election request
// carries nothing, so a receiver could not tell who is electing.
func identify(self election.Peer) map[string]any {
	return map[string]any{"server": self.Name, "rank": self.Rank}
}

// spawn runs f in a goroutine that Run waits for before returning.
func (c *Coordinator) spawn(f func()) { c.wg.Go(f) }
