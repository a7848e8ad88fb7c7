package coordination

import (
	"bytes"
	"context"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/election"
	"zchat/internal/transport"
	"zchat/internal/zmqx"
)

// recheckEvery is the subscriber's safety net against a lost ZMQ_FD edge.
const recheckEvery = 100 * time.Millisecond

// subscribe owns a SUB socket on the proxy's XPUB side, topic servers, and
// feeds every announcement heard there to the loop. Our own announcements
// come back too; the node ignores them.
func (c *Coordinator) subscribe(ctx context.Context) {
	sock, err := c.openSub()
	if err != nil {
		c.log.Error("cannot subscribe to topic servers", "proxy", c.cfg.ProxySub, "err", err)
		return
	}
	defer sock.Close()
	watch, err := zmqx.NewWatch(sock)
	if err != nil {
		c.log.Error("cannot watch topic servers", "err", err)
		return
	}
	defer watch.Close()
	tick := time.NewTicker(recheckEvery)
	defer tick.Stop()
	for {
		c.drain(sock) // before every wait: ZMQ_FD only signals edges
		select {
		case <-ctx.Done():
			return
		case <-watch.C:
		case <-tick.C:
		}
	}
}

func (c *Coordinator) openSub() (*zmq.Socket, error) {
	sock, err := zmq.NewSocket(zmq.SUB)
	if err != nil {
		return nil, err
	}
	transport.SetLiveness(sock)
	sock.SetLinger(0)
	if err = sock.SetSubscribe(TopicServers); err == nil {
		err = sock.Connect(c.cfg.ProxySub)
	}
	if err != nil {
		sock.Close()
		return nil, err
	}
	return sock, nil
}

func (c *Coordinator) drain(sock *zmq.Socket) {
	for {
		frames, err := sock.RecvMessageBytes(zmq.DONTWAIT)
		if err != nil {
			return
		}
		c.heard(frames)
	}
}

// heard feeds one message received on topic servers to the loop, after
// the Lamport receive rule. Anyone can publish through the proxy, so the
// announcement's clock counts only up to ours plus the maximum jump
// (clock.Bound), and the loop checks the name against the membership.
func (c *Coordinator) heard(frames [][]byte) {
	a, ok := parseAnnouncement(announcementPayload(frames))
	if !ok {
		return
	}
	if a.Clock > 0 {
		c.cfg.Lamport.ObserveBounded(a.Clock, 0)
	}
	c.input(func(l *loop) { l.stepFrom(election.MsgCoordinator, a.Name, a.Rank) })
}

// announcementPayload takes the payload of [topic, payload] (standard) or
// of a single frame "servers<payload>" (a variant seen in the wild). The
// subscription matches prefixes, so a two-frame message whose topic only
// starts with "servers" (a channel named "servers2") is not ours.
func announcementPayload(frames [][]byte) []byte {
	switch {
	case len(frames) == 2 && string(frames[0]) == TopicServers:
		return frames[1]
	case len(frames) == 1:
		return bytes.TrimLeft(bytes.TrimPrefix(frames[0], []byte(TopicServers)), " ")
	}
	return nil
}
