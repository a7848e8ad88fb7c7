package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"zchat/internal/coordination/survey"
)

// StatusCmd asks every server the reference lists for its status and
// prints one table: who coordinates, whether all agree, how far apart
// the clocks are.
type StatusCmd struct {
	Reference string        `default:"tcp://127.0.0.1:5559" help:"Reference registry endpoint."`
	JSON      bool          `name:"json" help:"Print one JSON object instead of a table."`
	Timeout   time.Duration `default:"1s" help:"How long to wait for each answer."`
	ClusterFlags

	stdout io.Writer // os.Stdout unless a test sets it
}

func (c *StatusCmd) Run(ctx context.Context, g *Globals) error {
	cluster, err := c.cluster(g.Logger("status"))
	if err != nil {
		return fmt.Errorf("status: %w", err)
	}
	r, err := survey.Survey(ctx, c.Reference, c.Timeout, cluster)
	if err != nil {
		return fmt.Errorf("status: %w", err)
	}
	out := c.stdout
	if out == nil {
		out = os.Stdout
	}
	if c.JSON {
		return r.WriteJSON(out)
	}
	return r.WriteTable(out)
}
