package client

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/auth"
	"zchat/internal/wire"
	"zchat/internal/zmqx"
)

// subOp asks the subscriber goroutine to subscribe to or unsubscribe from
// a topic, or (rekey) to reconnect with another user key; done receives
// the outcome.
type subOp struct {
	topic string
	on    bool
	rekey *auth.Key
	done  chan error
}

// subscriber owns the SUB socket and its monitor. It delivers publications
// whose topic is exactly subscribed, observes their clocks, and signals
// every completed handshake with the proxy (the first one and each
// reconnection) on connects, so that a Session can catch up from history.
//
// In secure mode the socket also follows the private topic of its user
// key, where the private messages of the names the key owns arrive; they
// are delivered when their recipient (dst) is a subscribed topic.
type subscriber struct {
	cfg        Config
	key        auth.Key // secure mode's user key; set before run, then owned by it
	log        *slog.Logger
	clock      *lamport
	done       <-chan struct{}
	ops        chan subOp
	out        chan Message
	connects   chan struct{} // capacity 1: signals coalesce
	topics     topicSet
	handshakes int      // completed so far: the first is a connection, later ones reconnections
	conn       *subConn // nil when opening failed
}

// subConn is the SUB socket, its monitor and their wake-ups.
type subConn struct {
	sock, mon *zmq.Socket
	w         *watches
	private   string // the private topic followed, "" in open mode
}

func newSubscriber(cfg Config, key auth.Key, log *slog.Logger, lc *lamport, done <-chan struct{}) *subscriber {
	return &subscriber{
		cfg: cfg, key: key, log: log, clock: lc, done: done,
		ops: make(chan subOp), out: make(chan Message, 256),
		connects: make(chan struct{}, 1), topics: topicSet{},
	}
}

// request hands op to the owner and waits for its outcome.
func (s *subscriber) request(ctx context.Context, op subOp) error {
	op.done = make(chan error, 1)
	select {
	case s.ops <- op:
	case <-ctx.Done():
		return ctx.Err()
	case <-s.done:
		return ErrClosed
	}
	select {
	case err := <-op.done:
		return err
	case <-s.done:
		return ErrClosed
	}
}

// errReopen answers the operations after a rekey failed to reconnect.
var errReopen = errors.New("subscriber: could not reconnect with the new key")

func (s *subscriber) run() {
	if err := s.reopen(); err != nil {
		s.refuse(err)
		return
	}
	for s.step() {
		if s.conn == nil {
			s.refuse(errReopen)
			return
		}
	}
	s.conn.close(s.log)
}

// reopen replaces the connection by a fresh one with the current key and
// the subscribed topics; on failure there is none and the error is logged.
func (s *subscriber) reopen() error {
	if s.conn != nil {
		s.conn.close(s.log)
		s.conn = nil
	}
	conn, err := s.open()
	if err != nil {
		s.log.Error("subscriber", "proxy", s.cfg.subscribeEndpoint(), "err", err)
		return err
	}
	s.conn = conn
	return nil
}

// step takes everything readable, then waits for an operation or a sign
// that a socket may have more. It returns false when the client closes.
// A rekey that fails to reconnect leaves s.conn nil: run then refuses.
func (s *subscriber) step() bool {
	if !s.receiveAll() {
		return false
	}
	if s.conn == nil {
		return true
	}
	for zmqx.Readable(s.conn.mon) {
		s.event(s.conn.mon)
	}
	select {
	case <-s.done:
		return false
	case op := <-s.ops:
		op.done <- s.apply(op)
	case <-s.conn.w.sock.C:
	case <-s.conn.w.mon.C:
	case <-s.conn.w.recheck.C:
	}
	return true
}

// receiveAll delivers every publication waiting on the socket; false when
// the client closed meanwhile.
func (s *subscriber) receiveAll() bool {
	for s.conn != nil && zmqx.Readable(s.conn.sock) {
		if !s.receive() {
			return false
		}
	}
	return true
}

// watches are the subscriber's wake-ups: its two sockets, and a slow tick
// as a safety net.
type watches struct {
	sock, mon *zmqx.Watch
	recheck   *time.Ticker
}

func watchBoth(sock, mon *zmq.Socket) (*watches, error) {
	ws, err := zmqx.NewWatch(sock)
	if err != nil {
		return nil, err
	}
	wm, err := zmqx.NewWatch(mon)
	if err != nil {
		ws.Close()
		return nil, err
	}
	return &watches{sock: ws, mon: wm, recheck: time.NewTicker(pollSlice)}, nil
}

func (w *watches) close() {
	w.recheck.Stop()
	w.sock.Close()
	w.mon.Close()
}

// refuse answers every operation with err until the client closes.
func (s *subscriber) refuse(err error) {
	for {
		select {
		case op := <-s.ops:
			op.done <- err
		case <-s.done:
			return
		}
	}
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
