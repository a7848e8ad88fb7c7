package survey

import (
	"context"
	"errors"
	"fmt"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/auth"
	"zchat/internal/clock"
	"zchat/internal/wire"
)

// errTimeout is a request that got no reply in time.
var errTimeout = errors.New("no reply")

// exchange is one request and its reply, timed on the local clock.
type exchange struct {
	reply          wire.Message
	sent, received time.Time
}

// conn is a REQ socket owned by the calling goroutine. REQ talks to the
// reference (REP) and to a server's peer endpoint (ROUTER) alike.
type conn struct {
	sock    *zmq.Socket
	timeout time.Duration
	lamport *clock.Lamport
}

// dialer opens conns: how long each answer may take, the survey's Lamport
// clock, and the proof of membership the endpoints ask for.
type dialer struct {
	timeout time.Duration
	lamport *clock.Lamport
	cluster auth.Cluster
}

func (d dialer) open(endpoint string) (*conn, error) {
	sock, err := dial(endpoint, d.cluster)
	if err != nil {
		return nil, err
	}
	return &conn{sock: sock, timeout: d.timeout, lamport: d.lamport}, nil
}

func (c *conn) close() { c.sock.Close() }

// call sends one envelope and waits for the reply until the timeout. After
// a failure the socket is unusable (REQ's strict alternation): close it.
func (c *conn) call(ctx context.Context, service string) (exchange, error) {
	body, err := wire.Encode(wire.MsgPack, service, map[string]any{}, c.lamport.Tick(), seconds(time.Now()))
	if err != nil {
		return exchange{}, err
	}
	x := exchange{sent: time.Now()}
	if _, err := c.sock.SendBytes(body, 0); err != nil {
		return x, fmt.Errorf("send %s: %w", service, err)
	}
	frame, err := await(ctx, c.sock, c.timeout)
	x.received = time.Now()
	if err != nil {
		return x, err
	}
	x.reply, err = wire.Decode(frame, 0)
	c.lamport.Observe(x.reply.Clock)
	if err == nil {
		err = replyError(x.reply)
	}
	return x, err
}

func dial(endpoint string, cluster auth.Cluster) (*zmq.Socket, error) {
	sock, err := zmq.NewSocket(zmq.REQ)
	if err != nil {
		return nil, err
	}
	sock.SetLinger(0)
	if err := cluster.Client(sock); err != nil {
		sock.Close()
		return nil, err
	}
	if err := sock.Connect(endpoint); err != nil {
		sock.Close()
		return nil, fmt.Errorf("connect %s: %w", endpoint, err)
	}
	return sock, nil
}

// await polls in short slices so that ctx cancellation is noticed.
func await(ctx context.Context, sock *zmq.Socket, timeout time.Duration) ([]byte, error) {
	poller := zmq.NewPoller()
	poller.Add(sock, zmq.POLLIN)
	deadline := time.Now().Add(timeout)
	for left := timeout; left > 0; left = time.Until(deadline) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		polled, err := poller.Poll(min(left, 50*time.Millisecond))
		if err != nil {
			return nil, err
		}
		if len(polled) > 0 {
			return sock.RecvBytes(0)
		}
	}
	return nil, errTimeout
}

func seconds(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }
