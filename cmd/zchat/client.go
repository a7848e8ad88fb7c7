package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"zchat/internal/client"
	"zchat/internal/plain"
)

// ClientCmd is the interactive client. The full-screen interface is not
// available yet: it runs the plain numbered menu.
type ClientCmd struct {
	ClientFlags
	Plain bool          `help:"Line-oriented numbered menu (scriptable: reads standard input)."`
	User  string        `help:"Log in as this user without asking."`
	Drain time.Duration `help:"After exiting, keep printing incoming messages this long (for scripts)." default:"0s"`

	stdin io.Reader // os.Stdin unless a test sets it
}

func (c *ClientCmd) Run(ctx context.Context, g *Globals) error {
	if !c.Plain {
		fmt.Fprintln(os.Stderr, "zchat: the full-screen interface is not available yet; using the plain menu")
	}
	cl := c.dial(g)
	defer cl.Close()
	s := client.NewSession(cl, client.ResumeOptions{Every: resyncEvery})
	defer s.Close()
	return plain.Run(ctx, menuClient{cl, s}, c.in(), c.out(), plain.Options{User: c.User, Drain: c.Drain})
}

func (c *ClientCmd) in() io.Reader {
	if c.stdin == nil {
		return os.Stdin
	}
	return c.stdin
}

// menuClient gives the menu the requests of the client and the
// subscriptions of the session.
type menuClient struct {
	*client.Client
	s *client.Session
}

func (m menuClient) Subscribe(ctx context.Context, t client.Topic) error {
	return m.s.Subscribe(ctx, t)
}

func (m menuClient) Messages() <-chan client.Message { return m.s.Messages() }
