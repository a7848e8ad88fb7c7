package client

import (
	"errors"
	"fmt"
)

// ErrUnavailable means that no reply came within the configured attempts:
// the broker or every server is down or unreachable.
var ErrUnavailable = errors.New("cluster unavailable")

// ErrClosed is returned by calls on a closed Client or Session.
var ErrClosed = errors.New("client closed")

// ReplyError is a request the server answered with a failure ("erro"). Its
// Description is the server's reason, meant for the user.
type ReplyError struct {
	Service     string
	Status      string
	Description string
	Server      string
}

func (e *ReplyError) Error() string {
	return fmt.Sprintf("%s: %s", e.Service, e.Description)
}

// errRetry marks an attempt that failed in a way that a new attempt on a
// fresh socket may fix (timeout, send failure).
var errRetry = errors.New("retryable")
