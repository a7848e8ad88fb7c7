package bot

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Report sums up a run.
type Report struct {
	Bots      int           `json:"bots"`
	Elapsed   time.Duration `json:"elapsed_ns"`
	Sent      int64         `json:"sent"`   // publish requests made; those cut short by the end are neither acked nor errors
	Acked     int64         `json:"acked"`  // acknowledged (stored) by a server
	Errors    int64         `json:"errors"` // refused or unanswered
	Echoed    int64         `json:"echoed"` // private messages answered
	Rate      float64       `json:"rate"`   // acknowledgements per second over the run
	PerSecond []int64       `json:"per_second"`
	P50       time.Duration `json:"latency_p50_ns"`
	P99       time.Duration `json:"latency_p99_ns"`
	Max       time.Duration `json:"latency_max_ns"`
	CPU       time.Duration `json:"cpu_ns"`    // user+system CPU time of this process during the run
	CPUShare  float64       `json:"cpu_share"` // CPU over elapsed time: 1.0 is one core busy
	// Messages are the acknowledged messages, with Config.RecordAcks.
	Messages []Acked `json:"-"`
}

// Acked is one acknowledged message.
type Acked struct {
	Bot     string
	Channel string
	ID      string // the stored event's id ("" from servers that give none)
}

// report merges the bots' stats.
func report(bots []*bot, elapsed, cpu time.Duration, echoed int64) Report {
	r := Report{Bots: len(bots), Elapsed: elapsed, Echoed: echoed, CPU: cpu}
	var lat []time.Duration
	for _, b := range bots {
		r.Sent += b.st.sent.Load()
		r.Acked += b.st.acked.Load()
		r.Errors += b.st.errors.Load()
		r.PerSecond = mergeSeconds(r.PerSecond, b.st.perSecond)
		lat = append(lat, b.st.latencies...)
		r.Messages = append(r.Messages, b.st.acks...)
	}
	lat = sorted(lat)
	r.P50, r.P99 = percentile(lat, 0.5), percentile(lat, 0.99)
	if len(lat) > 0 {
		r.Max = lat[len(lat)-1]
	}
	if secs := elapsed.Seconds(); secs > 0 {
		r.Rate, r.CPUShare = float64(r.Acked)/secs, cpu.Seconds()/secs
	}
	return r
}

// String is the human summary.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "bots %d, %s: sent %d, acked %d, errors %d, echoed %d\n",
		r.Bots, r.Elapsed.Round(time.Millisecond), r.Sent, r.Acked, r.Errors, r.Echoed)
	fmt.Fprintf(&b, "rate %.0f acked/s", r.Rate)
	if full := r.fullSeconds(); len(full) > 0 {
		fmt.Fprintf(&b, " (per second: min %d, max %d)", slices.Min(full), slices.Max(full))
	}
	fmt.Fprintf(&b, "; ack latency p50 %s, p99 %s, max %s\n", r.P50.Round(time.Microsecond),
		r.P99.Round(time.Microsecond), r.Max.Round(time.Microsecond))
	fmt.Fprintf(&b, "cpu %s (%.0f%% of one core)\n", r.CPU.Round(time.Millisecond), 100*r.CPUShare)
	return b.String()
}

// fullSeconds drops the last second, which the run ended in.
func (r Report) fullSeconds() []int64 {
	if len(r.PerSecond) < 2 {
		return r.PerSecond
	}
	return r.PerSecond[:len(r.PerSecond)-1]
}
