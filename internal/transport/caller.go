package transport

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/auth"
	"zchat/internal/zmqx"
)

// ErrUnreachable is returned when no connection to the peer is up, so a
// caller fails at once instead of queueing behind a dead peer.
var ErrUnreachable = errors.New("peer unreachable")

// Caller pipelines requests to one peer over a DEALER socket. Each request
// travels as [correlation id, "", body]; a Responder (or any ROUTER/REP
// peer) returns the envelope untouched, which matches replies to callers.
type Caller struct {
	endpoint string
	requests chan [][]byte // [id, body], to the owner goroutine
	quit     chan struct{} // closed by Close
	next     atomic.Uint64
	mu       sync.Mutex
	pending  map[uint64]chan result
	stopped  chan struct{}
}

type result struct {
	body []byte
	err  error
}

// Dial starts the goroutine that owns the DEALER socket to endpoint, a
// member endpoint of cluster (an open cluster: any endpoint).
func Dial(endpoint string, cluster auth.Cluster) (*Caller, error) {
	sock, err := zmq.NewSocket(zmq.DEALER)
	if err != nil {
		return nil, fmt.Errorf("caller socket: %w", err)
	}
	SetLiveness(sock)
	sock.SetImmediate(true)
	sock.SetLinger(0)
	if err := cluster.Client(sock); err != nil {
		sock.Close()
		return nil, err
	}
	if err := sock.Connect(endpoint); err != nil {
		sock.Close()
		return nil, fmt.Errorf("connect %s: %w", endpoint, err)
	}
	watch, err := zmqx.NewWatch(sock)
	if err != nil {
		sock.Close()
		return nil, err
	}
	c := &Caller{endpoint: endpoint, requests: make(chan [][]byte, 1024), quit: make(chan struct{}),
		pending: map[uint64]chan result{}, stopped: make(chan struct{})}
	go c.own(sock, watch)
	return c, nil
}

// Endpoint is the peer address this caller talks to.
func (c *Caller) Endpoint() string { return c.endpoint }

// Call sends body and waits for the reply until ctx ends.
func (c *Caller) Call(ctx context.Context, body []byte) ([]byte, error) {
	id := c.next.Add(1)
	ch := make(chan result, 1)
	c.mu.Lock()
	if c.pending == nil {
		c.mu.Unlock()
		return nil, errors.New("caller closed")
	}
	c.pending[id] = ch
	c.mu.Unlock()
	defer c.forget(id)
	select {
	case c.requests <- [][]byte{idFrame(id), body}:
	case <-c.quit:
		return nil, errors.New("caller closed")
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	select {
	case r := <-ch:
		return r.body, r.err
	case <-ctx.Done():
		return nil, fmt.Errorf("%s: %w", c.endpoint, ctx.Err())
	}
}

func idFrame(id uint64) []byte { return binary.BigEndian.AppendUint64(nil, id) }

func (c *Caller) forget(id uint64) {
	c.mu.Lock()
	delete(c.pending, id)
	c.mu.Unlock()
}

func (c *Caller) deliver(id uint64, r result) {
	c.mu.Lock()
	ch := c.pending[id]
	c.mu.Unlock()
	if ch != nil {
		ch <- r
	}
}

// Close stops the owner goroutine; pending calls fail.
func (c *Caller) Close() {
	c.mu.Lock()
	pending := c.pending
	c.pending = nil
	c.mu.Unlock()
	for _, ch := range pending {
		ch <- result{err: errors.New("caller closed")}
	}
	close(c.quit)
	<-c.stopped
}

// own is the socket's goroutine: it sends queued requests and delivers
// replies until Close. It looks for replies before every wait, because a
// send may consume the ZMQ_FD edge that announced one.
func (c *Caller) own(sock *zmq.Socket, watch *zmqx.Watch) {
	defer close(c.stopped)
	defer sock.Close()
	defer watch.Close()
	tick := time.NewTicker(recheck)
	defer tick.Stop()
	for {
		c.receive(sock)
		select {
		case <-c.quit:
			return
		case <-watch.C:
		case <-tick.C:
		case f := <-c.requests:
			c.send(sock, f)
			takeReady(c.requests, func(f [][]byte) { c.send(sock, f) })
		}
	}
}

func (c *Caller) send(sock *zmq.Socket, f [][]byte) {
	if _, err := sock.SendMessageDontwait(f[0], "", f[1]); err != nil {
		c.deliver(binary.BigEndian.Uint64(f[0]), result{err: fmt.Errorf("%s: %w", c.endpoint, ErrUnreachable)})
	}
}

func (c *Caller) receive(sock *zmq.Socket) {
	for {
		frames, err := sock.RecvMessageBytes(zmq.DONTWAIT)
		if err != nil {
			return
		}
		if len(frames) == 3 && len(frames[0]) == 8 {
			c.deliver(binary.BigEndian.Uint64(frames[0]), result{body: frames[2]})
		}
	}
}
