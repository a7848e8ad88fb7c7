package tui

import (
	"context"
	"errors"
	"fmt"
	"time"

	"zchat/internal/client"
)

// linkState is what the status line says about the cluster.
type linkState int

const (
	connecting  linkState = iota // no reply yet
	connected                    // the last request was answered
	retrying                     // a request is pending beyond the reply timeout: the client is retrying it
	unreachable                  // a request ran out of attempts
)

// link is the connection state shown on the status line, derived from the
// outcome of requests: the client retries on its own, so a request pending
// longer than one reply timeout means a retry is under way.
type link struct {
	state  linkState
	detail string
}

// replied updates the state with the outcome of a request. A refusal
// (a *client.ReplyError) still proves the cluster answers; a cancelled
// request says nothing.
func (l link) replied(err error) link {
	var re *client.ReplyError
	switch {
	case err == nil, errors.As(err, &re):
		return link{state: connected}
	case errors.Is(err, context.Canceled), errors.Is(err, client.ErrClosed):
		return l
	}
	return link{state: unreachable, detail: err.Error()}
}

// stalled marks a request pending for longer than timeout.
func (l link) stalled(timeout time.Duration) link {
	return link{state: retrying, detail: fmt.Sprintf("no reply within %s", timeout)}
}

func (l link) String() string {
	switch l.state {
	case connected:
		return "connected"
	case retrying:
		return "retrying: " + l.detail
	case unreachable:
		return "error: " + l.detail
	}
	return "connecting"
}
