package conformance

import (
	"context"
	"errors"
	"time"
)

// ErrNoReply is returned when the target does not answer within the timeout.
var ErrNoReply = errors.New("no reply")

// Target is the system under test, as a client reaches it.
type Target interface {
	// Request sends one frame on a fresh REQ socket and returns the reply
	// frame, or ErrNoReply when none arrives within the target's timeout.
	Request(ctx context.Context, frame []byte) ([]byte, error)
	// Subscribe opens a subscription to exactly these topics, ready to
	// receive when it returns.
	Subscribe(ctx context.Context, topics ...string) (Subscription, error)
}

// Subscription delivers publications as raw multipart messages.
type Subscription interface {
	// Next returns the frames of the next publication, or ErrNoReply when
	// none arrives within wait.
	Next(wait time.Duration) ([][]byte, error)
	Close() error
}
