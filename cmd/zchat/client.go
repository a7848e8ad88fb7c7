package main

import (
	"context"
	"io"
	"log/slog"
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
	LogFile string        `type:"path" help:"Where the full-screen interface logs (the screen is taken: no log by default)."`

	stdin io.Reader // os.Stdin unless a test sets it
}

func (c *ClientCmd) Run(ctx context.Context, g *Globals) error {
	log, closeLog, err := c.logger(g)
	if err != nil {
		return err
	}
	defer closeLog()
	cl := client.New(clientConfig(&c.ClientFlags, log))
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

// logger is the process log for the plain menu, and for the full-screen
// interface the --log-file or nothing: log lines on the terminal would
// break its screen (the status line shows the connection and errors).
func (c *ClientCmd) logger(g *Globals) (*slog.Logger, func(), error) {
	switch {
	case c.Plain:
		return g.Logger("client"), func() {}, nil
	case c.LogFile == "":
		return slog.New(slog.DiscardHandler), func() {}, nil
	}
	f, err := os.OpenFile(c.LogFile, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, nil, err
	}
	h := slog.NewTextHandler(f, &slog.HandlerOptions{Level: g.LogLevel})
	return slog.New(h).With("component", "client"), func() { f.Close() }, nil
}

// clientConfig is the client configuration of the flags, as dial makes it,
// with another logger.
func clientConfig(f *ClientFlags, log *slog.Logger) client.Config {
	retries := f.Retries
	if retries == 0 {
		retries = -1 // the library reads 0 as its default
	}
	return client.Config{Broker: f.Broker, Proxy: f.Proxy, Timeout: f.Timeout, Retries: retries, Logger: log}
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
