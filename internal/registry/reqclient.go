package registry

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

var errTimeout = errors.New("no reply from the reference")

// reqClient is a lazy-pirate REQ client: a request that gets no reply in
// time drops the socket, and the next request opens a fresh one. It is
// owned by one goroutine.
type reqClient struct {
	endpoint string
	timeout  time.Duration
	clock    *clock.Lamport
	cluster  auth.Cluster
	sock     *zmq.Socket
}

// call sends one request and waits for its reply. A reply with status
// "erro" is returned as an error.
func (c *reqClient) call(ctx context.Context, service string, data map[string]any) (wire.Message, error) {
	if err := c.open(); err != nil {
		return wire.Message{}, err
	}
	frame, err := wire.Encode(wire.MsgPack, service, data, c.clock.Tick(), nowSeconds())
	if err != nil {
		return wire.Message{}, err
	}
	if _, err := c.sock.SendBytes(frame, zmq.DONTWAIT); err != nil {
		c.close()
		return wire.Message{}, fmt.Errorf("send %s: %w", service, err)
	}
	reply, err := c.await(ctx)
	if err != nil {
		c.close()
		return wire.Message{}, err
	}
	msg, err := wire.Decode(reply, maxFrame)
	if err != nil {
		return wire.Message{}, fmt.Errorf("%s reply: %w", service, err)
	}
	// The reference answers anyone and need not be ours (another
	// implementation's): its clock counts only up to ours plus the
	// maximum jump, like a client's (clock.Bound). Our peers' replies,
	// not the reference's, bring a server's clock up to the cluster's.
	c.clock.ObserveBounded(msg.Clock, 0)
	if st, _ := msg.OptString("status"); st == wire.StatusError {
		desc, _ := msg.OptString("description")
		return msg, fmt.Errorf("%s refused: %s", service, desc)
	}
	return msg, nil
}

// await polls in short slices so that ctx cancellation is noticed.
func (c *reqClient) await(ctx context.Context) ([]byte, error) {
	poller := zmq.NewPoller()
	poller.Add(c.sock, zmq.POLLIN)
	deadline := time.Now().Add(c.timeout)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return nil, errTimeout
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		polled, err := poller.Poll(min(left, 50*time.Millisecond))
		if err != nil {
			return nil, fmt.Errorf("poll: %w", err)
		}
		if len(polled) > 0 {
			return c.sock.RecvBytes(0)
		}
	}
}

func (c *reqClient) open() error {
	if c.sock != nil {
		return nil
	}
	s, err := zmq.NewSocket(zmq.REQ)
	if err != nil {
		return fmt.Errorf("new REQ socket: %w", err)
	}
	if err := s.SetLinger(0); err != nil {
		s.Close()
		return err
	}
	if err := c.cluster.Client(s); err != nil {
		s.Close()
		return err
	}
	if err := s.Connect(c.endpoint); err != nil {
		s.Close()
		return fmt.Errorf("connect %s: %w", c.endpoint, err)
	}
	c.sock = s
	return nil
}

func (c *reqClient) close() {
	if c.sock != nil {
		c.sock.Close()
		c.sock = nil
	}
}

func nowSeconds() float64 { return float64(time.Now().UnixNano()) / 1e9 }
