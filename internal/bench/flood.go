package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"syscall"
	"time"
)

// DefaultFloodRate is the paced client's rate in a flood run: a person
// typing fast, or a bot.
const DefaultFloodRate = 20

// Flood is what a flood run measured: one well-behaved client publishing
// at a steady rate, alone and then beside a client flooding the broker,
// and what the flooder got.
type Flood struct {
	PacedRate   float64 `json:"paced_rate"`
	Alone       Summary `json:"alone"`
	UnderFlood  Summary `json:"under_flood"`
	AloneErrors int64   `json:"alone_errors"`
	FloodErrors int64   `json:"under_flood_errors"`
	P50Ratio    float64 `json:"p50_ratio"` // under flood / alone
	P99Ratio    float64 `json:"p99_ratio"`

	Inflight    int     `json:"flood_inflight"`
	Acked       int64   `json:"flood_acked"`
	RateLimited int64   `json:"flood_rate_limited"`
	Failed      int64   `json:"flood_failed"`
	Lost        int64   `json:"flood_lost"`
	Seconds     float64 `json:"seconds"` // of each measured phase
	Limits      string  `json:"broker_limits,omitempty"`
}

// runFlood measures the paced client alone, then under the flood, over
// cfg.Duration each; the processes' figures are those of the flood phase.
// The flooder is a child process (ServeFlood).
func runFlood(ctx context.Context, cfg *Config, c *clusterTarget, n names, rep *Report) error {
	f := &Flood{PacedRate: cfg.Rate, Inflight: floodInflight}
	if l := c.cfg.BrokerLimits; l != nil {
		f.Limits = fmt.Sprintf("%g req/s per connection, burst %d, max frame %d", l.RatePerSecond, l.Burst, l.MaxFrame)
	}
	alone, aloneErrs := paced(ctx, cfg, n, c.frontend(), cfg.Warmup)
	err := c.start("flooder", "bench", "--flood-worker", c.frontend(), "--flood-user", n.users[1], "--flood-channel", n.channels[0])
	if err != nil {
		return err
	}
	flooder := c.proc("flooder")
	err = waitFor(ctx, "the flooder", readyTimeout, 20*time.Millisecond, func() (bool, error) {
		return c.tail("flooder", 1) == floodReady, c.alive("flooder")
	})
	if err != nil {
		return err
	}
	sleep(ctx, cfg.Warmup) // let the flood reach its pace
	before := sampleProcs(c)
	start := time.Now()
	flooder.Signal(syscall.SIGUSR1)
	under, underErrs := paced(ctx, cfg, n, c.frontend(), 0)
	flooder.Signal(syscall.SIGUSR2)
	span := time.Since(start)
	rep.Processes = procStats(before, sampleProcs(c), span)
	flooder.Stop(stopGrace)
	var counts FloodCounts
	if err := json.Unmarshal([]byte(c.tail("flooder", 1)), &counts); err != nil {
		return fmt.Errorf("flooder's counts: %w; its log ends:\n%s", err, c.tail("flooder", 10))
	}
	f.Alone, f.UnderFlood, f.AloneErrors, f.FloodErrors = alone.Summary(), under.Summary(), aloneErrs, underErrs
	f.Acked, f.RateLimited, f.Failed, f.Lost = counts.Acked, counts.Limited, counts.Failed, counts.Lost
	f.Seconds = span.Seconds()
	if f.Alone.P50 > 0 && f.Alone.P99 > 0 {
		f.P50Ratio, f.P99Ratio = round(f.UnderFlood.P50/f.Alone.P50), round(f.UnderFlood.P99/f.Alone.P99)
	}
	rep.Flood, rep.Clients, rep.Rate = f, 2, cfg.Rate
	return nil
}

// paced runs the well-behaved client (user 0) for warmup, unmeasured, then
// cfg.Duration, and returns its latencies and errors.
func paced(ctx context.Context, cfg *Config, n names, endpoint string, warmup time.Duration) (*Latency, int64) {
	c := conn{endpoint: endpoint, timeout: cfg.Timeout, retries: cfg.Retries}
	defer c.close()
	b := newBuilder(cfg, n, 0)
	interval := time.Duration(float64(time.Second) / cfg.Rate)
	hist, errs := NewLatency(), int64(0)
	measureFrom := time.Now().Add(warmup)
	end := measureFrom.Add(cfg.Duration)
	for next := time.Now(); ctx.Err() == nil && time.Now().Before(end); next = pace(next, interval) {
		sent := time.Now()
		frame, err := b.build(OpPublish, sent)
		if err == nil {
			var reply []byte
			if reply, _, err = c.call(frame); err == nil {
				_, err = checkReply(reply)
			}
		}
		if sent.Before(measureFrom) {
			continue
		}
		if err != nil {
			errs++
			continue
		}
		hist.Record(time.Since(sent))
	}
	return hist, errs
}

func newBuilder(cfg *Config, n names, self int) builder {
	return builder{names: n, self: self, size: cfg.Size, limit: cfg.HistoryLimit, rng: rand.New(rand.NewPCG(rand.Uint64(), 7))}
}

// Markdown renders the flood run as a section of BENCHMARKS.md.
func (f *Flood) Markdown(r *Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## Fairness: one client floods the broker\n\n")
	fmt.Fprintf(&b, "A well-behaved client publishes %d-byte messages at %.0f/s (one REQ socket), measured %.0f s alone, then %.0f s beside a client that floods the broker: one DEALER keeping %d publishes in flight, unthrottled, in a process of its own at the lowest CPU priority (it stands for a client on another machine; the broker's work to refuse it is what is measured). %d servers spawned for the run", r.Size, f.PacedRate, f.Seconds, f.Seconds, f.Inflight, r.Servers)
	if f.Limits != "" {
		fmt.Fprintf(&b, ", the broker with its default limits (%s)", f.Limits)
	}
	fmt.Fprintf(&b, ". Target: the paced client's p99 under the flood at most 3× its p99 alone.\n\n")
	fmt.Fprintf(&b, "| paced client | requests | p50 (ms) | p90 (ms) | p99 (ms) | max (ms) | errors |\n|---|---:|---:|---:|---:|---:|---:|\n")
	row := func(name string, s Summary, errs int64) {
		fmt.Fprintf(&b, "| %s | %d | %.3f | %.3f | %.3f | %.3f | %d |\n", name, s.Count, s.P50, s.P90, s.P99, s.Max, errs)
	}
	row("alone", f.Alone, f.AloneErrors)
	row("under the flood", f.UnderFlood, f.FloodErrors)
	verdict := "met"
	if f.P99Ratio > 3 || f.P99Ratio == 0 {
		verdict = "missed"
	}
	fmt.Fprintf(&b, "\nUnder the flood / alone: p50 %.2f×, p99 **%.2f×** (target ≤ 3×: %s).\n\n", f.P50Ratio, f.P99Ratio, verdict)
	per := func(n int64) float64 { return float64(n) / f.Seconds }
	fmt.Fprintf(&b, "The flooder, over the same %.0f s: %d publishes acknowledged (%.0f/s), %d refused by the broker as rate limited (%.0f/s), %d other errors, %d lost.\n",
		f.Seconds, f.Acked, per(f.Acked), f.RateLimited, per(f.RateLimited), f.Failed, f.Lost)
	for _, p := range r.Processes {
		if p.Name == "broker" {
			fmt.Fprintf(&b, "The broker used %.0f%% of a core during the flood; its peak RSS was %.0f MB.\n", p.CPUPercent, p.PeakRSSMB)
		}
	}
	fmt.Fprintf(&b, "\nReproduce: `zchat %s`.\n\n", strings.Join(r.Args, " "))
	return b.String()
}
