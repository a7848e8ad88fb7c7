package bot

import (
	"math/rand/v2"
	"slices"
	"sync/atomic"
	"time"
)

// sampleSize bounds the latencies kept per bot for the percentiles.
const sampleSize = 4096

// stats are one bot's counters. The counters are atomic because progress
// is logged from another goroutine; the rest belongs to the bot's
// goroutine until the run ends.
type stats struct {
	sent, acked, errors atomic.Int64
	start               time.Time
	perSecond           []int64         // acknowledgements in each second since start
	latencies           []time.Duration // a uniform sample (reservoir)
	seen                int             // latencies offered to the sample
	acks                []Acked         // with Config.RecordAcks
}

// ack records an acknowledged message.
func (s *stats) ack(at time.Time, latency time.Duration) {
	s.acked.Add(1)
	sec := int(at.Sub(s.start) / time.Second)
	for len(s.perSecond) <= sec {
		s.perSecond = append(s.perSecond, 0)
	}
	s.perSecond[sec]++
	s.sample(latency)
}

// sample keeps a uniform sample of the latencies (reservoir sampling).
func (s *stats) sample(d time.Duration) {
	s.seen++
	if len(s.latencies) < sampleSize {
		s.latencies = append(s.latencies, d)
	} else if i := rand.IntN(s.seen); i < sampleSize {
		s.latencies[i] = d
	}
}

// percentile of a sorted sample, 0 for none.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p * float64(len(sorted)-1))
	return sorted[i]
}

// mergeSeconds adds per-second counts.
func mergeSeconds(total, add []int64) []int64 {
	for len(total) < len(add) {
		total = append(total, 0)
	}
	for i, n := range add {
		total[i] += n
	}
	return total
}

func sorted(d []time.Duration) []time.Duration {
	d = slices.Clone(d)
	slices.Sort(d)
	return d
}
