package bench

import (
	"sync/atomic"
	"time"
)

// Phases of a run, in order.
const (
	phaseWarmup int32 = iota
	phaseMeasure
	phaseStop
)

// timelineStep is the resolution of the success timeline (longest gap).
const timelineStep = 10 * time.Millisecond

// maxTimeline bounds the timeline of a run measured by request count.
const maxTimeline = time.Hour

// control is what the clients share: the phase, the request quota and the
// success timeline. It is safe for concurrent use.
type control struct {
	phase    atomic.Int32
	started  atomic.Int64 // Unix ns when measuring began
	ended    atomic.Int64 // Unix ns when measuring ended, 0 before
	quota    int64        // measured requests in all; 0: no quota
	issued   atomic.Int64
	interval time.Duration // per-client pacing; 0: none
	timeline []atomic.Int64
}

func newControl(cfg *Config) *control {
	c := &control{quota: cfg.Requests}
	if cfg.Rate > 0 {
		c.interval = time.Duration(float64(cfg.Clients) / cfg.Rate * float64(time.Second))
	}
	span := cfg.Duration + time.Second
	if cfg.Requests > 0 {
		span = maxTimeline
	}
	c.timeline = make([]atomic.Int64, span/timelineStep+1)
	return c
}

// startMeasuring switches from warmup to measuring.
func (c *control) startMeasuring(now time.Time) {
	c.started.Store(now.UnixNano())
	c.phase.Store(phaseMeasure)
}

// stop ends the measured span at now.
func (c *control) stop(now time.Time) {
	c.ended.Store(now.UnixNano())
	c.phase.Store(phaseStop)
}

// inWindow tells whether t falls in the measured span (so far).
func (c *control) inWindow(t time.Time) bool {
	start := c.started.Load()
	if start == 0 || t.UnixNano() < start {
		return false
	}
	end := c.ended.Load()
	return end == 0 || t.UnixNano() < end
}

func (c *control) stopped() bool { return c.phase.Load() == phaseStop }

func (c *control) measureStart() time.Time { return time.Unix(0, c.started.Load()) }

// admit tells whether a client may send one more request, and whether
// that request is measured. A client stops when it gets false.
func (c *control) admit() (ok, measured bool) {
	switch c.phase.Load() {
	case phaseWarmup:
		return true, false
	case phaseMeasure:
		if c.quota > 0 && c.issued.Add(1) > c.quota {
			return false, false
		}
		return true, true
	}
	return false, false
}

// succeeded marks a successful reply at t on the timeline.
func (c *control) succeeded(t time.Time) {
	i := int(t.Sub(c.measureStart()) / timelineStep)
	if i >= 0 && i < len(c.timeline) {
		c.timeline[i].Add(1)
	}
}

// longestGap is the longest stretch of the measured span [0, span) in
// which no request succeeded.
func (c *control) longestGap(span time.Duration) time.Duration {
	n := min(int(span/timelineStep), len(c.timeline))
	longest, run := 0, 0
	for i := range n {
		if c.timeline[i].Load() == 0 {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return time.Duration(longest) * timelineStep
}
