package bench

import (
	"context"
	"errors"
	"fmt"
	"time"

	"zchat/internal/wire"
)

// runCatchup starts the last server with an empty data directory while the
// others hold the filled events, and measures how long it takes to hold
// them all.
func runCatchup(ctx context.Context, cfg *Config, c *clusterTarget, rep *Report) error {
	name := c.servers[len(c.servers)-1]
	want := fillEvents(cfg)
	before := sampleProcs(c)
	start := time.Now()
	if err := c.startServer(name); err != nil {
		return err
	}
	if cfg.Spawn.Perf != "" {
		if p := startPerf(cfg.Spawn.Perf, c.serverPids(), cfg.Logger); p != nil {
			defer func() { rep.Profile, rep.Counters, rep.Syscalls = p.stop() }()
		}
	}
	var first time.Duration
	var have int64
	err := waitFor(ctx, name+" to catch up", cfg.Duration, 50*time.Millisecond, func() (bool, error) {
		if err := c.alive(name); err != nil {
			return false, err
		}
		n, err := c.filled(name)
		if err == nil {
			have = n
		}
		if have > 0 && first == 0 {
			first = time.Since(start)
		}
		return have >= want, err
	})
	took := time.Since(start)
	rep.Processes = procStats(before, sampleProcs(c), took)
	var f fatal
	if errors.As(err, &f) || ctx.Err() != nil {
		return err
	}
	rep.Seconds = took.Seconds()
	rep.Catchup = &Catchup{Events: have, Want: want, Complete: have >= want, Seconds: round(took.Seconds()),
		FirstSeconds: round(first.Seconds()), EventsPerSec: round(rate(have, took-first)), TotalPerSec: round(rate(have, took))}
	return nil
}

// filled is how many FillOrigin events server name holds, from its status.
func (c *clusterTarget) filled(name string) (int64, error) {
	m, err := c.askPeer(name, "status", time.Second)
	if err != nil {
		return 0, err
	}
	vector, ok := m.Data["vector"].(map[string]any)
	if !ok {
		return 0, fmt.Errorf("status of %s has no vector", name)
	}
	n, _ := wire.AsInt(vector[FillOrigin])
	return n, nil
}
