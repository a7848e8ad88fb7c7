package client

import (
	"context"
	"errors"
	"log/slog"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/auth"
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
