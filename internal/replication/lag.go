package replication

import (
	"math"
	"sync/atomic"

	"zchat"
)

// The lag histogram has lagPerDoubling buckets per doubling of the lag,
// from lagBase up: about 19% resolution from 10µs to several minutes, in
// fixed memory and without locks, since the writer path records into it.
const (
	lagBase        = 10e-6 // seconds
	lagPerDoubling = 4
	lagBuckets     = 100
)

// histogram counts replication lags: the time from an event's acceptance
// on its origin (Event.Time) to its commit here. Both readings come from
// server clocks, which Berkeley keeps together; on one host they are the
// same clock.
type histogram struct {
	counts [lagBuckets]atomic.Uint64
	total  atomic.Uint64
}

func (h *histogram) recordEvents(events []zchat.Event, now float64) {
	for _, e := range events {
		h.record(now - e.Time)
	}
}

func (h *histogram) record(seconds float64) {
	i := 0
	if seconds > lagBase {
		i = int(math.Ceil(lagPerDoubling * math.Log2(seconds/lagBase)))
	}
	h.counts[min(i, lagBuckets-1)].Add(1)
	h.total.Add(1)
}

// quantile returns the upper bound, in seconds, of the bucket holding the
// q-quantile; 0 without samples.
func (h *histogram) quantile(q float64) float64 {
	total := h.total.Load()
	if total == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(total)))
	var seen uint64
	for i := range h.counts {
		seen += h.counts[i].Load()
		if seen >= max(rank, 1) {
			return bucketBound(i)
		}
	}
	return bucketBound(lagBuckets - 1)
}

func bucketBound(i int) float64 {
	return lagBase * math.Exp2(float64(i)/lagPerDoubling)
}
