package client

import (
	"context"
	"errors"

	"zchat/internal/auth"
)

// keyOp asks the requester to use another user key.
type keyOp struct {
	key  auth.Key
	done chan struct{}
}

// ErrOpenMode is SetKey's error on a client of the open ports, which know
// no keys.
var ErrOpenMode = errors.New("the open ports take no user key (secure mode needed)")

// Secure reports whether the client uses the authenticated ports.
func (c *Client) Secure() bool { return c.cfg.Secure != nil }

// Key is the user key the client proves in secure mode (zero in open mode).
func (c *Client) Key() auth.Key {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.key
}

// SetKey makes the client act with k from now on: the next request goes
// on a fresh REQ socket proving k, and the SUB socket reconnects with k,
// following the same topics and k's private topic instead of the old
// key's (the reconnection signals Connects, so a Session catches up).
// Requests already under way finish with the old key. A login prompt uses
// it: the client exists before the user names the key to use.
func (c *Client) SetKey(ctx context.Context, k auth.Key) error {
	if c.cfg.Secure == nil {
		return ErrOpenMode
	}
	if !ValidPublicKey(k.Public) || k.Secret == "" {
		return errors.New("SetKey: not a CURVE key pair")
	}
	if err := c.setRequesterKey(ctx, k); err != nil {
		return err
	}
	c.mu.Lock()
	c.key = k
	if c.closed {
		c.mu.Unlock()
		return ErrClosed
	}
	if !c.subRunning { // the subscriber reads it when it starts
		c.sub.key = k
		c.mu.Unlock()
		return nil
	}
	c.mu.Unlock()
	return c.sub.request(ctx, subOp{rekey: &k})
}

func (c *Client) setRequesterKey(ctx context.Context, k auth.Key) error {
	op := keyOp{key: k, done: make(chan struct{})}
	select {
	case c.keys <- op:
	case <-ctx.Done():
		return ctx.Err()
	case <-c.done:
		return ErrClosed
	}
	select {
	case <-op.done:
		return nil
	case <-c.done:
		return ErrClosed
	}
}
