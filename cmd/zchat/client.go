package main

import (
	"context"
	"io"
	"os"
	"time"

	"zchat/internal/client"
	"zchat/internal/plain"
	"zchat/internal/tui"
)

// ClientCmd is the interactive client: the full-screen interface, or with
// --plain the numbered menu of the original, which reads standard input
// and so can be scripted.
type ClientCmd struct {
	ClientFlags
	Plain   bool          `help:"Line-oriented numbered menu (scriptable: reads standard input)."`
	User    string        `help:"Log in as this user without asking."`
	Backlog int           `default:"50" help:"Stored messages shown when a channel or conversation opens (full-screen interface)."`
	Drain   time.Duration `help:"After exiting, keep printing incoming messages this long (for scripts)." default:"0s"`

	stdin io.Reader // os.Stdin unless a test sets it
}

func (c *ClientCmd) Run(ctx context.Context, g *Globals) error {
	cl := c.dial(g)
	defer cl.Close()
	s := client.NewSession(cl, client.ResumeOptions{Backlog: c.backlog()})
	defer s.Close()
	if c.Plain {
		return plain.Run(ctx, menuClient{cl, s}, c.in(), c.out(), plain.Options{User: c.User, Drain: c.Drain})
	}
	return tui.Run(ctx, menuClient{cl, s}, tui.Options{
		User: c.User, Backlog: c.Backlog, Timeout: c.Timeout, Endpoint: c.Broker,
	})
}

// backlog is what the session shows of a channel on joining: the plain
// menu, like the original, shows live messages only.
func (c *ClientCmd) backlog() int {
	if c.Plain {
		return 0
	}
	return c.Backlog
}

func (c *ClientCmd) in() io.Reader {
	if c.stdin == nil {
		return os.Stdin
	}
	return c.stdin
}

// menuClient gives the interfaces the requests of the client and the
// subscriptions of the session.
type menuClient struct {
	*client.Client
	s *client.Session
}

func (m menuClient) Subscribe(ctx context.Context, t client.Topic) error {
	return m.s.Subscribe(ctx, t)
}

func (m menuClient) Unsubscribe(ctx context.Context, t client.Topic) error {
	return m.s.Unsubscribe(ctx, t)
}

func (m menuClient) Messages() <-chan client.Message { return m.s.Messages() }
