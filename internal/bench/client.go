package bench

import (
	"math/rand/v2"
	"sync/atomic"
	"time"
)

// maxErrorSamples bounds the distinct error texts a run keeps.
const maxErrorSamples = 5

// client is one simulated user: it owns its REQ socket and its histograms.
type client struct {
	conn    conn
	build   builder
	mix     Mix
	ctl     *control
	live    *liveCounters
	byOp    map[Op]*Latency
	all     *Latency
	stats   clientStats
	samples []string
	// phase delays a paced client's first request, so that paced clients
	// send evenly spread in time rather than all at once every interval.
	phase time.Duration
}

// clientStats counts the measured requests of one client.
type clientStats struct {
	requests, errors, retries int64
	sentPosts                 int64 // accepted publish and message requests
}

// liveCounters feed the progress line; every client adds to them.
type liveCounters struct {
	requests, errors, retries atomic.Int64
}

func newClient(cfg *Config, n names, i int, endpoint string, ctl *control, live *liveCounters) *client {
	seed := uint64(time.Now().UnixNano()) + uint64(i)
	var phase time.Duration
	if cfg.Rate > 0 {
		phase = time.Duration(float64(i) / cfg.Rate * float64(time.Second))
	}
	return &client{phase: phase,
		conn:  conn{endpoint: endpoint, timeout: cfg.Timeout, retries: cfg.Retries},
		build: builder{names: n, self: i, size: cfg.Size, limit: cfg.HistoryLimit, rng: rand.New(rand.NewPCG(seed, 7))},
		mix:   cfg.Mix, ctl: ctl, live: live,
		byOp: map[Op]*Latency{}, all: NewLatency(),
	}
}

// run sends requests until the run stops or the quota is used up.
func (c *client) run() {
	defer c.conn.close()
	next := time.Now().Add(c.phase)
	for {
		if ok, _ := c.ctl.admit(); !ok {
			return
		}
		if c.ctl.interval > 0 {
			next = pace(next, c.ctl.interval)
		}
		c.one(c.mix.Pick(c.build.rng))
	}
}

// pace sleeps until next and returns the time of the request after it. A
// client that fell behind sends at once rather than in a burst.
func pace(next time.Time, interval time.Duration) time.Time {
	now := time.Now()
	if d := next.Sub(now); d > 0 {
		time.Sleep(d)
		return next.Add(interval)
	}
	return now.Add(interval)
}

// one sends one request; it is measured when it was sent during the
// measured span, the same rule subscribers apply to its publication.
func (c *client) one(op Op) {
	sent := time.Now()
	measured := c.ctl.inWindow(sent)
	frame, err := c.build.build(op, sent)
	retries := 0
	if err == nil {
		var rep []byte
		if rep, retries, err = c.conn.call(frame); err == nil {
			var clock uint64
			clock, err = checkReply(rep)
			c.build.clock = max(c.build.clock, clock)
		}
	}
	done := time.Now()
	c.live.requests.Add(1)
	c.live.retries.Add(int64(retries))
	if err != nil {
		c.live.errors.Add(1)
	}
	if measured {
		c.record(op, done.Sub(sent), retries, err)
		if err == nil {
			c.ctl.succeeded(done)
		}
	}
}

func (c *client) record(op Op, d time.Duration, retries int, err error) {
	c.stats.requests++
	c.stats.retries += int64(retries)
	if err != nil {
		c.stats.errors++
		if len(c.samples) < maxErrorSamples {
			c.samples = append(c.samples, string(op)+": "+err.Error())
		}
		return
	}
	if op == OpPublish || op == OpMessage {
		c.stats.sentPosts++
	}
	h := c.byOp[op]
	if h == nil {
		h = NewLatency()
		c.byOp[op] = h
	}
	h.Record(d)
	c.all.Record(d)
}
