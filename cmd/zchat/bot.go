package main

import (
	"context"
	"fmt"
	"time"

	"zchat/internal/bot"
)

// BotCmd runs automatic clients: the standard bot behaviour, and the load
// generator (many bots, a rate, a size, a bound, a report).
type BotCmd struct {
	ClientFlags
	Count    int           `default:"1" help:"Bots in this process, each with its own connection."`
	Rate     float64       `default:"1" help:"Messages per second per bot (0: as fast as acknowledgements come)."`
	Size     int           `default:"48" help:"Bytes per message."`
	Burst    int           `default:"10" help:"Messages sent to a channel before picking another."`
	Duration time.Duration `default:"0s" help:"Stop after this long (0: until interrupted)."`
	Messages int           `default:"0" help:"Each bot stops after sending this many messages (0: no limit)."`
	Shared   bool          `help:"All bots share one connection (one request in flight at a time)."`
	Report   bool          `help:"Print a summary at the end: sent, acked, errors, rates, latencies, CPU (with --json, as JSON)."`
}

func (c *BotCmd) Run(ctx context.Context, g *Globals) error {
	log := g.Logger("bot")
	cfg, err := c.ephemeralConfig(ctx, g.Logger("client")) // secure: every bot client makes an ephemeral key
	if err != nil {
		return err
	}
	r, err := bot.Run(ctx, bot.Config{
		Client: cfg, Count: c.Count, Rate: c.Rate, Size: c.Size, Burst: c.Burst,
		Duration: c.Duration, Messages: c.Messages, Shared: c.Shared, Logger: log,
	})
	if err != nil {
		return err
	}
	log.Info("bots stopped", "sent", r.Sent, "acked", r.Acked, "errors", r.Errors, "echoed", r.Echoed)
	switch {
	case c.JSON:
		return c.printJSON(r)
	case c.Report:
		_, err = fmt.Fprint(c.out(), r)
	}
	return err
}
