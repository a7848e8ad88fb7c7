package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"time"

	"zchat/internal/account"
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
	keys, err := c.interactiveKeys()
	if err != nil {
		return err
	}
	cfg, err := c.clientConfig(ctx, log)
	if err != nil {
		return err
	}
	cl := client.New(cfg)
	defer cl.Close()
	s := client.NewSession(cl, client.ResumeOptions{Backlog: c.backlog()})
	defer s.Close()
	ic := account.Interactive{Client: cl, Session: s, Keys: keys}
	if c.Plain {
		return plain.Run(ctx, ic, c.in(), c.out(), plain.Options{User: c.User, Drain: c.Drain})
	}
	return tui.Run(ctx, ic, tui.Options{
		User: c.User, Backlog: c.Backlog, Timeout: c.Timeout, Endpoint: c.endpoint(),
	})
}

// interactiveKeys are the users' keys. The full-screen interface takes the
// terminal: a passphrase (--passphrase) is asked before it starts, once,
// for the key of whichever name the user logs in as.
func (c *ClientCmd) interactiveKeys() (account.Keys, error) {
	keys, err := c.keys()
	if err != nil || c.Plain || c.Open || keys.Ask == nil {
		return keys, err
	}
	_, statErr := os.Stat(keys.Path(c.User))
	creating := c.User != "" && errors.Is(statErr, os.ErrNotExist)
	phrase, err := keys.Ask(c.User, creating)
	if err != nil {
		return keys, err
	}
	keys.Ask = func(string, bool) (string, error) { return phrase, nil }
	return keys, nil
}

// endpoint is the broker the status line names.
func (c *ClientCmd) endpoint() string {
	switch {
	case c.Open:
		return c.Broker
	case c.SecureBroker != "":
		return c.SecureBroker
	}
	if ep, err := client.OffsetEndpoint(c.Broker, client.SecureBrokerOffset); err == nil {
		return ep
	}
	return c.Broker
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
