package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"zchat/internal/conformance"
)

// ConformanceCmd checks any implementation of the standard from the
// outside, as a third-party client would.
type ConformanceCmd struct {
	Broker  string        `default:"tcp://127.0.0.1:5555" help:"Broker endpoint for clients (ROUTER)."`
	Proxy   string        `default:"tcp://127.0.0.1:5558" help:"Proxy endpoint for subscribers (XPUB)."`
	Timeout time.Duration `default:"2s" help:"How long a reply or a publication may take."`
	Settle  time.Duration `default:"500ms" help:"Wait after subscribing before publishing (subscriptions travel through the proxy)."`
	JSON    bool          `name:"json" help:"Print the report as JSON instead of a table."`
}

func (c *ConformanceCmd) Run(ctx context.Context, g *Globals) error {
	target := &conformance.ZMQTarget{Broker: c.Broker, Proxy: c.Proxy, Timeout: c.Timeout, Settle: c.Settle}
	rep := conformance.Run(ctx, target, conformance.Options{Timeout: c.Timeout})
	write := rep.WriteTable
	if c.JSON {
		write = rep.WriteJSON
	}
	if err := write(os.Stdout); err != nil {
		return err
	}
	if rep.Failed > 0 {
		return fmt.Errorf("conformance: %d of %d checks failed", rep.Failed, len(rep.Results))
	}
	return nil
}
