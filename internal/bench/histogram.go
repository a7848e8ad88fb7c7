package bench

import (
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// maxLatency is the largest latency a histogram holds; larger values are
// clamped to it (and still counted).
const maxLatency = time.Minute

// Latency is an HDR histogram of durations with microsecond resolution
// and three significant digits. It is not safe for concurrent use: each
// goroutine records into its own and Merge combines them at the end.
type Latency struct {
	h *hdrhistogram.Histogram
}

// NewLatency returns an empty histogram.
func NewLatency() *Latency {
	return &Latency{h: hdrhistogram.New(1, maxLatency.Microseconds(), 3)}
}

// Record adds one observation.
func (l *Latency) Record(d time.Duration) {
	us := min(max(d.Microseconds(), 1), maxLatency.Microseconds())
	_ = l.h.RecordValue(us) // in range by construction
}

// Merge adds every observation of o.
func (l *Latency) Merge(o *Latency) { l.h.Merge(o.h) }

// Count is the number of observations.
func (l *Latency) Count() int64 { return l.h.TotalCount() }

// Summary are the percentiles of a histogram in milliseconds.
type Summary struct {
	Count int64   `json:"count"`
	P50   float64 `json:"p50_ms"`
	P90   float64 `json:"p90_ms"`
	P99   float64 `json:"p99_ms"`
	P999  float64 `json:"p999_ms"`
	Max   float64 `json:"max_ms"`
	Mean  float64 `json:"mean_ms"`
}

// Summary computes the percentiles; all zero for an empty histogram.
func (l *Latency) Summary() Summary {
	if l.Count() == 0 {
		return Summary{}
	}
	ms := func(us int64) float64 { return float64(us) / 1000 }
	return Summary{
		Count: l.Count(),
		P50:   ms(l.h.ValueAtQuantile(50)),
		P90:   ms(l.h.ValueAtQuantile(90)),
		P99:   ms(l.h.ValueAtQuantile(99)),
		P999:  ms(l.h.ValueAtQuantile(99.9)),
		Max:   ms(l.h.Max()),
		Mean:  l.h.Mean() / 1000,
	}
}
