package client

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/auth"
	"zchat/internal/wire"
	"zchat/internal/zmqx"
)

// maxReply bounds the size of a reply frame (a full history page fits).
const maxReply = 64 << 20

// pollSlice is how often the socket owners look again without a wake-up,
// a safety net behind their zmqx.Watch.
const pollSlice = 50 * time.Millisecond

// call is one request handed to the requester goroutine.
type call struct {
	ctx     context.Context
	service string
	data    map[string]any
	reply   chan result // buffered: the requester never blocks on it
}

type result struct {
	msg wire.Message
	err error
}

// requester owns the REQ socket and runs the lazy-pirate pattern: a call
// that gets no reply within the timeout is sent again on a fresh socket,
// after a pause, at most cfg.attempts() times.
type requester struct {
	cfg   Config
	key   auth.Key // the user key proven in secure mode
	log   *slog.Logger
	clock *lamport
	done  <-chan struct{}
	sock  *zmq.Socket // nil until needed, and after a failed attempt
	watch *zmqx.Watch // sock's readiness, opened and closed with it
}

func (r *requester) loop(calls <-chan *call, keys <-chan keyOp) {
	defer r.reset()
	for {
		select {
		case c := <-calls:
			c.reply <- r.do(c)
		case k := <-keys:
			r.reset() // CURVE keys are set before connecting: a fresh socket
			r.key = k.key
			close(k.done)
		case <-r.done:
			return
		}
	}
}

// do runs one call to completion: a reply, a non-retryable error, or the
// end of its attempts.
func (r *requester) do(c *call) result {
	for n := 1; n <= r.cfg.attempts(); n++ {
		if n > 1 {
			if err := r.pause(c.ctx, n-1); err != nil {
				return result{err: err}
			}
		}
		msg, err := r.attempt(c)
		if !errors.Is(err, errRetry) {
			return result{msg, err}
		}
		if n == 1 {
			if kerr := r.checkServerKey(); kerr != nil {
				return result{err: kerr}
			}
		}
		r.log.Warn("request failed, retrying on a fresh socket",
			"service", c.service, "attempt", n, "of", r.cfg.attempts(), "err", err)
	}
	return result{err: fmt.Errorf("%w: %s: no reply from %s after %d attempt(s) of %s",
		ErrUnavailable, c.service, r.cfg.requestEndpoint(), r.cfg.attempts(), r.cfg.Timeout)}
}

// pause waits before retry n, unless the call or the client ends first.
func (r *requester) pause(ctx context.Context, n int) error {
	t := time.NewTimer(r.cfg.backoff(n))
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-r.done:
		return ErrClosed
	}
}
