package client

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"maps"
	"sync"

	"zchat/internal/auth"
	"zchat/internal/wire"
)

// Client talks to one zchat cluster. Its methods are safe for concurrent
// use; Close releases its sockets.
type Client struct {
	cfg      Config
	log      *slog.Logger
	clock    *lamport
	calls    chan *call
	keys     chan keyOp // to the requester: use another user key
	sub      *subscriber
	done     chan struct{}
	wg       sync.WaitGroup
	stopOnce sync.Once

	mu         sync.Mutex // guards the three fields below
	closed     bool
	subRunning bool
	key        auth.Key // the user key of secure mode (see SetKey)
}

// New returns a Client for cfg. It connects lazily: no error is possible
// here, and an unreachable cluster shows as ErrUnavailable on requests.
//
// In secure mode (cfg.Secure) without a user key, the client makes an
// ephemeral one; should that fail, requests and subscriptions say so.
func New(cfg Config) *Client {
	cfg = cfg.withDefaults()
	c := &Client{cfg: cfg, log: cfg.Logger, clock: newLamport(), calls: make(chan *call),
		keys: make(chan keyOp), done: make(chan struct{})}
	if cfg.Secure != nil {
		var err error
		if c.key, err = cfg.Secure.initialKey(); err != nil {
			c.log.Error("no user key for the secure ports", "err", err)
		}
	}
	c.sub = newSubscriber(cfg, c.key, c.log, c.clock, c.done)
	r := &requester{cfg: cfg, key: c.key, log: c.log, clock: c.clock, done: c.done}
	c.wg.Go(func() { r.loop(c.calls, c.keys) })
	return c
}

// Close stops the socket owners, closes their sockets and then the
// Messages channel. It is idempotent.
func (c *Client) Close() error {
	c.stopOnce.Do(func() {
		c.mu.Lock()
		c.closed = true
		c.mu.Unlock()
		close(c.done)
		c.wg.Wait()
		close(c.sub.out)
	})
	return nil
}

// startSubscriber starts the SUB socket's owner on first use.
func (c *Client) startSubscriber() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return ErrClosed
	}
	if !c.subRunning {
		c.subRunning = true
		c.wg.Go(c.sub.run)
	}
	return nil
}

// Clock is the current value of the client's Lamport clock.
func (c *Client) Clock() uint64 { return c.clock.Now() }

// Request sends a raw request and returns the reply without interpreting
// its status. data is not modified; a "request_id" is added unless data
// has one, and reused by every retry of this call.
func (c *Client) Request(ctx context.Context, service string, data map[string]any) (wire.Message, error) {
	d := maps.Clone(data)
	if d == nil {
		d = map[string]any{}
	}
	if _, ok := d["request_id"]; !ok {
		d["request_id"] = NewRequestID()
	}
	return c.roundTrip(&call{ctx: ctx, service: service, data: d, reply: make(chan result, 1)})
}

func (c *Client) roundTrip(cl *call) (wire.Message, error) {
	select {
	case c.calls <- cl:
	case <-cl.ctx.Done():
		return wire.Message{}, cl.ctx.Err()
	case <-c.done:
		return wire.Message{}, ErrClosed
	}
	select {
	case res := <-cl.reply:
		return res.msg, res.err
	case <-c.done:
		return wire.Message{}, ErrClosed
	}
}

// NewRequestID returns a random request id of 16 hex digits.
func NewRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
