package bench

import (
	"errors"
	"fmt"
	"time"

	zmq "github.com/pebbe/zmq4"
)

// errTimeout marks an attempt that got no reply in time.
var errTimeout = errors.New("no reply in time")

// conn is one client's REQ socket with the lazy-pirate pattern: an attempt
// that times out drops the socket (a REQ cannot send again before it
// receives) and the request goes again on a fresh one. It belongs to one
// goroutine.
type conn struct {
	endpoint string
	timeout  time.Duration
	retries  int
	sock     *zmq.Socket
	poller   *zmq.Poller
}

func (c *conn) open() error {
	s, err := zmq.NewSocket(zmq.REQ)
	if err != nil {
		return fmt.Errorf("req socket: %w", err)
	}
	s.SetLinger(0)
	if err := s.Connect(c.endpoint); err != nil {
		s.Close()
		return fmt.Errorf("connect %s: %w", c.endpoint, err)
	}
	c.sock = s
	c.poller = zmq.NewPoller()
	c.poller.Add(s, zmq.POLLIN)
	return nil
}

func (c *conn) close() {
	if c.sock != nil {
		c.sock.Close()
		c.sock = nil
	}
}

// call sends frame and returns the reply and the number of retries it took.
func (c *conn) call(frame []byte) ([]byte, int, error) {
	var err error
	for attempt := 0; attempt <= c.retries; attempt++ {
		var reply []byte
		if reply, err = c.attempt(frame); err == nil {
			return reply, attempt, nil
		}
		c.close()
	}
	return nil, c.retries, err
}

func (c *conn) attempt(frame []byte) ([]byte, error) {
	if c.sock == nil {
		if err := c.open(); err != nil {
			return nil, err
		}
	}
	if _, err := c.sock.SendBytes(frame, 0); err != nil {
		return nil, fmt.Errorf("send: %w", err)
	}
	polled, err := c.poller.Poll(c.timeout)
	if err != nil {
		return nil, fmt.Errorf("poll: %w", err)
	}
	if len(polled) == 0 {
		return nil, errTimeout
	}
	reply, err := c.sock.RecvBytes(0)
	if err != nil {
		return nil, fmt.Errorf("receive: %w", err)
	}
	return reply, nil
}
