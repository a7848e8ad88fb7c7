package client

import (
	"fmt"
	"log/slog"
	"sync/atomic"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/wire"
)

// subConn is the SUB socket, its monitor and their wake-ups.
type subConn struct {
	sock, mon *zmq.Socket
	w         *watches
	private   string // the private topic followed, "" in open mode
}

var monitors atomic.Uint64

// open creates the SUB socket (a CURVE client in secure mode, following
// its private topic and the subscribed topics) with a monitor (a PAIR
// socket on a unique inproc address), connects it and watches both.
func (s *subscriber) open() (*subConn, error) {
	sock, err := zmq.NewSocket(zmq.SUB)
	if err != nil {
		return nil, err
	}
	c := &subConn{sock: sock}
	if err := s.prepare(c); err != nil {
		_ = sock.Close()
		return nil, err
	}
	addr := fmt.Sprintf("inproc://zchat-client-monitor-%d", monitors.Add(1))
	if err = sock.Monitor(addr, zmq.EVENT_HANDSHAKE_SUCCEEDED|zmq.EVENT_DISCONNECTED); err != nil {
		_ = sock.Close()
		return nil, fmt.Errorf("monitor SUB socket: %w", err)
	}
	if c.mon, err = zmq.NewSocket(zmq.PAIR); err == nil {
		err = connect(c.mon, addr)
	}
	if err != nil {
		_ = sock.Close()
		return nil, fmt.Errorf("monitor socket: %w", err)
	}
	if err = connect(sock, s.cfg.subscribeEndpoint()); err != nil {
		closeAll(s.log, c.mon)
		return nil, err
	}
	if c.w, err = watchBoth(sock, c.mon); err != nil {
		c.close(s.log)
		return nil, err
	}
	return c, nil
}

// prepare sets the socket's security and subscriptions before it
// connects: the proxy then learns them with the handshake.
func (s *subscriber) prepare(c *subConn) error {
	if sec := s.cfg.Secure; sec != nil {
		if err := sec.curveClient(c.sock, s.key); err != nil {
			return err
		}
		c.private = wire.PrivateTopic(s.key.Public)
		if err := c.sock.SetSubscribe(c.private); err != nil {
			return err
		}
	}
	for t := range s.topics {
		if err := c.sock.SetSubscribe(t); err != nil {
			return fmt.Errorf("subscribe %q: %w", t, err)
		}
	}
	return nil
}

// close stops the monitor before closing its reading socket. libzmq's I/O
// thread sends monitor events with a blocking send: one sent after mon is
// gone (the proxy dropping the connection while sock winds down) would
// block that thread for good, and with it every socket of the context
// (libzmq issue 3575). Stopping takes the lock the sender holds, so no
// event follows it.
func (c *subConn) close(log *slog.Logger) {
	if c == nil {
		return
	}
	if c.w != nil {
		c.w.close()
	}
	if err := c.sock.Monitor("", 0); err != nil {
		log.Debug("stop monitor", "err", err)
	}
	closeAll(log, c.mon, c.sock)
}

func closeAll(log *slog.Logger, socks ...*zmq.Socket) {
	for _, sock := range socks {
		if err := sock.Close(); err != nil {
			log.Debug("close socket", "err", err)
		}
	}
}
