package client

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/zmqx"
)

// subOp asks the subscriber goroutine to subscribe to or unsubscribe from
// a topic; done receives the outcome.
type subOp struct {
	topic string
	on    bool
	done  chan error
}

// subscriber owns the SUB socket and its monitor. It delivers publications
// whose topic is exactly subscribed, observes their clocks, and signals
// every completed handshake with the proxy (the first one and each
// reconnection) on connects, so that a Session can catch up from history.
type subscriber struct {
	endpoint   string
	log        *slog.Logger
	clock      *lamport
	done       <-chan struct{}
	ops        chan subOp
	out        chan Message
	connects   chan struct{} // capacity 1: signals coalesce
	topics     topicSet
	handshakes int // completed so far: the first is a connection, later ones reconnections
}

func newSubscriber(endpoint string, log *slog.Logger, lc *lamport, done <-chan struct{}) *subscriber {
	return &subscriber{
		endpoint: endpoint, log: log, clock: lc, done: done,
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

func (s *subscriber) run() {
	sock, mon, err := s.open()
	if err != nil {
		s.log.Error("subscriber", "proxy", s.endpoint, "err", err)
		s.refuse(err)
		return
	}
	defer s.close(sock, mon)
	w, err := watchBoth(sock, mon)
	if err != nil {
		s.log.Error("subscriber", "proxy", s.endpoint, "err", err)
		s.refuse(err)
		return
	}
	defer w.close()
	for s.step(sock, mon, w) {
	}
}

// step takes everything readable, then waits for an operation or a sign
// that a socket may have more. It returns false when the client closes.
func (s *subscriber) step(sock, mon *zmq.Socket, w *watches) bool {
	if !s.receiveAll(sock) {
		return false
	}
	for zmqx.Readable(mon) {
		s.event(mon)
	}
	select {
	case <-s.done:
		return false
	case op := <-s.ops:
		op.done <- s.apply(sock, op)
	case <-w.sock.C:
	case <-w.mon.C:
	case <-w.recheck.C:
	}
	return true
}

// receiveAll delivers every publication waiting on sock; false when the
// client closed meanwhile.
func (s *subscriber) receiveAll(sock *zmq.Socket) bool {
	for zmqx.Readable(sock) {
		if !s.receive(sock) {
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

// open creates the SUB socket with a monitor (a PAIR socket on a unique
// inproc address) and connects it.
func (s *subscriber) open() (sock, mon *zmq.Socket, err error) {
	if sock, err = zmq.NewSocket(zmq.SUB); err != nil {
		return nil, nil, err
	}
	addr := fmt.Sprintf("inproc://zchat-client-monitor-%d", monitors.Add(1))
	if err = sock.Monitor(addr, zmq.EVENT_HANDSHAKE_SUCCEEDED|zmq.EVENT_DISCONNECTED); err != nil {
		_ = sock.Close()
		return nil, nil, fmt.Errorf("monitor SUB socket: %w", err)
	}
	if mon, err = zmq.NewSocket(zmq.PAIR); err == nil {
		err = connect(mon, addr)
	}
	if err != nil {
		_ = sock.Close()
		return nil, nil, fmt.Errorf("monitor socket: %w", err)
	}
	if err = connect(sock, s.endpoint); err != nil {
		s.close(sock, mon)
		return nil, nil, err
	}
	return sock, mon, nil
}

// close stops the monitor before closing its reading socket. libzmq's I/O
// thread sends monitor events with a blocking send: one sent after mon is
// gone (the proxy dropping the connection while sock winds down) would
// block that thread for good, and with it every socket of the context
// (libzmq issue 3575). Stopping takes the lock the sender holds, so no
// event follows it.
func (s *subscriber) close(sock, mon *zmq.Socket) {
	if err := sock.Monitor("", 0); err != nil {
		s.log.Debug("stop monitor", "err", err)
	}
	closeAll(s.log, mon, sock)
}

func closeAll(log *slog.Logger, socks ...*zmq.Socket) {
	for _, sock := range socks {
		if err := sock.Close(); err != nil {
			log.Debug("close socket", "err", err)
		}
	}
}
