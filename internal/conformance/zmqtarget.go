package conformance

import (
	"context"
	"errors"
	"fmt"
	"time"

	zmq "github.com/pebbe/zmq4"
)

// ZMQTarget reaches a deployment over ZeroMQ: REQ to the broker's client
// endpoint, SUB to the proxy's XPUB endpoint.
type ZMQTarget struct {
	Broker  string        // e.g. tcp://127.0.0.1:5555
	Proxy   string        // e.g. tcp://127.0.0.1:5558
	Timeout time.Duration // per request
	// Settle is how long Subscribe waits for the subscription to travel
	// through the proxy to the publishers (ZeroMQ's slow joiner).
	Settle time.Duration
}

// Request implements Target with a fresh REQ socket per call, so that a
// lost reply never wedges the next request.
func (t *ZMQTarget) Request(ctx context.Context, frame []byte) ([]byte, error) {
	s, err := zmq.NewSocket(zmq.REQ)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	s.SetLinger(0)
	if err := s.Connect(t.Broker); err != nil {
		return nil, fmt.Errorf("connect %s: %w", t.Broker, err)
	}
	if _, err := s.SendBytes(frame, 0); err != nil {
		return nil, fmt.Errorf("send: %w", err)
	}
	return recvWithin(ctx, s, t.Timeout)
}

// recvWithin polls so that a cancelled ctx ends the wait early.
func recvWithin(ctx context.Context, s *zmq.Socket, timeout time.Duration) ([]byte, error) {
	deadline := time.Now().Add(timeout)
	for ctx.Err() == nil && time.Now().Before(deadline) {
		ready, err := pollIn(s, min(100*time.Millisecond, time.Until(deadline)))
		if err != nil {
			return nil, err
		}
		if ready {
			return s.RecvBytes(0)
		}
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return nil, ErrNoReply
}

// Subscribe implements Target.
func (t *ZMQTarget) Subscribe(ctx context.Context, topics ...string) (Subscription, error) {
	s, err := zmq.NewSocket(zmq.SUB)
	if err != nil {
		return nil, err
	}
	s.SetLinger(0)
	if err := s.Connect(t.Proxy); err != nil {
		s.Close()
		return nil, fmt.Errorf("connect %s: %w", t.Proxy, err)
	}
	for _, topic := range topics {
		if err := s.SetSubscribe(topic); err != nil {
			s.Close()
			return nil, err
		}
	}
	select {
	case <-time.After(t.Settle):
	case <-ctx.Done():
	}
	return &zmqSub{s: s}, nil
}

type zmqSub struct{ s *zmq.Socket }

func (z *zmqSub) Next(wait time.Duration) ([][]byte, error) {
	ready, err := pollIn(z.s, wait)
	if err != nil {
		return nil, err
	}
	if !ready {
		return nil, ErrNoReply
	}
	return z.s.RecvMessageBytes(0)
}

// pollIn reports whether s has a message within d; EINTR counts as none.
// A negative d (a deadline passed while computing it) polls once: zmq_poll
// takes a negative timeout as "wait forever", which hung a check for good.
func pollIn(s *zmq.Socket, d time.Duration) (bool, error) {
	d = max(d, 0)
	p := zmq.NewPoller()
	p.Add(s, zmq.POLLIN)
	polled, err := p.Poll(d)
	if err != nil && !errors.Is(zmq.AsErrno(err), zmq.Errno(4)) {
		return false, err
	}
	return len(polled) > 0 && polled[0].Events&zmq.POLLIN != 0, nil
}

func (z *zmqSub) Close() error { return z.s.Close() }
