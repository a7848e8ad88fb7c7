package bench

import (
	"errors"
	"fmt"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/zmqx"
)

// errTimeout marks an attempt that got no reply in time.
var errTimeout = errors.New("no reply in time")

// conn is one client's REQ socket with the lazy-pirate pattern: an attempt
// that times out drops the socket (a REQ cannot send again before it
// receives) and the request goes again on a fresh one. It belongs to one
// goroutine.
type conn struct {
	endpoint string
	curve    *curve // the authenticated port's CURVE client side; nil when open
	timeout  time.Duration
	retries  int
	sock     *zmq.Socket
	watch    *zmqx.Watch // sock's readiness (see zmqx.Watch)
}

func (c *conn) open() error {
	s, err := zmq.NewSocket(zmq.REQ)
	if err != nil {
		return fmt.Errorf("req socket: %w", err)
	}
	s.SetLinger(0)
	if err := c.curve.apply(s); err != nil {
		s.Close()
		return err
	}
	if err := s.Connect(c.endpoint); err != nil {
		s.Close()
		return fmt.Errorf("connect %s: %w", c.endpoint, err)
	}
	w, err := zmqx.NewWatch(s)
	if err != nil {
		s.Close()
		return err
	}
	c.sock, c.watch = s, w
	return nil
}

func (c *conn) close() {
	if c.sock != nil {
		c.watch.Close()
		c.sock.Close()
		c.sock, c.watch = nil, nil
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
	if err := c.await(); err != nil {
		return nil, err
	}
	reply, err := c.sock.RecvBytes(0)
	if err != nil {
		return nil, fmt.Errorf("receive: %w", err)
	}
	return reply, nil
}

// await waits until the reply is readable or the attempt times out; the
// socket is asked before every wait (see zmqx.Watch).
func (c *conn) await() error {
	timeout := time.NewTimer(c.timeout)
	defer timeout.Stop()
	for {
		if zmqx.Readable(c.sock) {
			return nil
		}
		select {
		case <-c.watch.C:
		case <-timeout.C:
			return errTimeout
		}
	}
}
