package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"zchat/internal/client"
)

// TailCmd prints the live posts of a channel or the private messages of a
// user, like tail -f, until interrupted. It first shows the last --backlog
// stored messages, and after a reconnection to the proxy the messages of
// the gap, each once.
type TailCmd struct {
	ClientFlags
	Topic   string `arg:"" help:"CHANNEL, or @USER for the private messages addressed to USER."`
	Backlog int    `default:"10" help:"Stored messages to show first."`
	As      string `name:"as" help:"Follow with this user's key (made on first use); default: @USER's key if this device has one. A claimed name's private messages reach its key only."`
}

func (c *TailCmd) Run(ctx context.Context, g *Globals) error {
	cl, err := c.dialAs(ctx, g, c.identity())
	if err != nil {
		return err
	}
	defer cl.Close()
	s := client.NewSession(cl, client.ResumeOptions{Backlog: c.Backlog, Every: resyncEvery})
	defer s.Close()
	if err := s.Subscribe(ctx, client.ParseTopic(c.Topic)); err != nil {
		return ignoreCancel(err)
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case m, ok := <-s.Messages():
			if !ok {
				return nil
			}
			if err := c.printMessage(m); err != nil {
				return err
			}
		}
	}
}

// resyncEvery is how often tail and client check history for publications
// lost upstream of the proxy (see client.ResumeOptions.Every).
const resyncEvery = 30 * time.Second

func (c *TailCmd) printMessage(m client.Message) error {
	if c.JSON {
		return c.printJSON(m)
	}
	_, err := fmt.Fprintln(c.out(), m)
	return err
}

func ignoreCancel(err error) error {
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// identity is --as, else the user of @USER when this device has its key.
func (c *TailCmd) identity() identity {
	if c.As != "" {
		return as(c.As)
	}
	if t := client.ParseTopic(c.Topic); t.Private {
		return maybe(t.Name)
	}
	return identity{}
}
