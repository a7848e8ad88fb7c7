package tui

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"zchat/internal/client"
)

func TestLink(t *testing.T) {
	unavailable := fmt.Errorf("%w: no reply", client.ErrUnavailable)
	cases := []struct {
		name string
		from link
		err  error
		want string
	}{
		{"reply", link{}, nil, "connected"},
		{"refusal is an answer", link{state: unreachable}, &client.ReplyError{Service: "channel", Description: "exists"}, "connected"},
		{"out of attempts", link{state: connected}, unavailable, "error: " + unavailable.Error()},
		{"cancelled says nothing", link{state: retrying, detail: "x"}, context.Canceled, "retrying: x"},
		{"closed says nothing", link{state: connected}, client.ErrClosed, "connected"},
		{"other failure", link{}, errors.New("history: unreadable reply"), "error: history: unreadable reply"},
	}
	for _, c := range cases {
		if got := c.from.replied(c.err).String(); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
	if got := (link{}).String(); got != "connecting" {
		t.Errorf("initial state %q", got)
	}
	if got := (link{state: connected}).stalled(2 * time.Second).String(); got != "retrying: no reply within 2s" {
		t.Errorf("stalled: %q", got)
	}
}
