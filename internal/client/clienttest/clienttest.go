// Package clienttest has socket fakes for testing clients without a
// cluster: a request server (a ROUTER, like the broker with one server
// behind it) whose answers a test scripts, and a publisher (a PUB, like the
// proxy's XPUB). Both bind free loopback ports and own their sockets in a
// goroutine of their own.
package clienttest

import (
	"sync"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/wire"
)

// Server answers requests on a ROUTER socket bound to a free loopback
// port, like a broker with one server behind it. handle returns the reply
// frame, or nil to drop the request (no reply at all).
type Server struct {
	Endpoint string
	mu       sync.Mutex
	reqs     []wire.Message
	callers  []string // the callers' public keys (secure servers only)
	secure   bool
	done     chan struct{}
	stopped  chan struct{}
}

// StartServer starts a Server that stops when the test ends.
func StartServer(t testing.TB, handle func(n int, req wire.Message) []byte) *Server {
	t.Helper()
	sock := bindFree(t, zmq.ROUTER)
	f := &Server{Endpoint: lastEndpoint(t, sock), done: make(chan struct{}), stopped: make(chan struct{})}
	go f.serve(sock, func(n int, req wire.Message, _ string) []byte { return handle(n, req) })
	t.Cleanup(func() { close(f.done); <-f.stopped })
	return f
}

func (f *Server) serve(sock *zmq.Socket, handle func(int, wire.Message, string) []byte) {
	defer close(f.stopped)
	defer sock.Close()
	poller := zmq.NewPoller()
	poller.Add(sock, zmq.POLLIN)
	for {
		select {
		case <-f.done:
			return
		default:
		}
		if polled, _ := poller.Poll(20 * time.Millisecond); len(polled) > 0 {
			f.answer(sock, handle)
		}
	}
}

func (f *Server) answer(sock *zmq.Socket, handle func(int, wire.Message, string) []byte) {
	var props []string
	if f.secure {
		props = []string{"User-Id"}
	}
	frames, caller, err := receive(sock, props)
	if err != nil || len(frames) < 3 {
		return
	}
	req, _ := wire.Decode(frames[len(frames)-1], 0)
	f.mu.Lock()
	f.reqs = append(f.reqs, req)
	f.callers = append(f.callers, caller)
	n := len(f.reqs)
	f.mu.Unlock()
	if reply := handle(n, req, caller); reply != nil {
		_, _ = sock.SendMessage(frames[0], "", reply)
	}
}

// receive reads one message and the User-Id of its connection. A ROUTER's
// routing-id frame carries no metadata: it is read from the frames after.
func receive(sock *zmq.Socket, props []string) (frames [][]byte, userID string, err error) {
	for {
		b, meta, err := sock.RecvBytesWithMetadata(0, props...)
		if err != nil {
			return nil, "", err
		}
		frames = append(frames, b)
		if userID == "" {
			userID = meta["User-Id"]
		}
		if more, err := sock.GetRcvmore(); err != nil || !more {
			return frames, userID, err
		}
	}
}

// Requests returns the requests received so far, in order.
func (f *Server) Requests() []wire.Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]wire.Message(nil), f.reqs...)
}

// Callers returns the public keys the requests came with, in order ("" on
// an open server).
func (f *Server) Callers() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.callers...)
}

func bindFree(t testing.TB, kind zmq.Type) *zmq.Socket {
	t.Helper()
	sock, err := zmq.NewSocket(kind)
	if err != nil {
		t.Fatal(err)
	}
	_ = sock.SetLinger(0)
	if err := sock.Bind("tcp://127.0.0.1:*"); err != nil {
		t.Fatal(err)
	}
	return sock
}

func lastEndpoint(t testing.TB, sock *zmq.Socket) string {
	t.Helper()
	ep, err := sock.GetLastEndpoint()
	if err != nil {
		t.Fatal(err)
	}
	return ep
}

// Reply encodes a standard reply with data.
func Reply(t testing.TB, service string, data map[string]any) []byte {
	t.Helper()
	b, err := wire.Encode(wire.MsgPack, service, data, 100, 1.7e9)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Publisher owns a PUB socket on a free port. Publish and Restart
// (close and bind again on the same port, which makes subscribers
// reconnect) go through its goroutine.
type Publisher struct {
	Endpoint string
	ops      chan func(*zmq.Socket) *zmq.Socket
	stopped  chan struct{}
}

// StartPublisher starts a Publisher that stops when the test ends.
func StartPublisher(t testing.TB) *Publisher {
	t.Helper()
	return startPublisher(t, bindFree(t, zmq.PUB))
}

func startPublisher(t testing.TB, sock *zmq.Socket) *Publisher {
	p := &Publisher{Endpoint: lastEndpoint(t, sock), ops: make(chan func(*zmq.Socket) *zmq.Socket), stopped: make(chan struct{})}
	go func() {
		defer close(p.stopped)
		for op := range p.ops {
			sock = op(sock)
		}
		sock.Close()
	}()
	t.Cleanup(func() { close(p.ops); <-p.stopped })
	return p
}

// Publish sends the two frames [topic, payload].
func (p *Publisher) Publish(t testing.TB, topic string, payload []byte) {
	p.ops <- func(s *zmq.Socket) *zmq.Socket {
		if _, err := s.SendMessage(topic, payload); err != nil {
			t.Errorf("publish: %v", err)
		}
		return s
	}
}

// Restart closes the socket and binds a new one on the same port.
func (p *Publisher) Restart(t testing.TB) {
	p.ops <- func(s *zmq.Socket) *zmq.Socket {
		s.Close()
		n, err := zmq.NewSocket(zmq.PUB)
		if err != nil {
			t.Errorf("PUB socket: %v", err)
			return s
		}
		_ = n.SetLinger(0)
		// libzmq releases the port asynchronously after Close.
		for range 100 {
			if err = n.Bind(p.Endpoint); err == nil {
				return n
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Errorf("rebind %s: %v", p.Endpoint, err)
		return n
	}
}
