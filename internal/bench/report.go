package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"
)

// Report is the outcome of one run; its JSON form is what `--json` prints
// and what the BENCHMARKS.md renderer reads.
type Report struct {
	Label        string   `json:"label,omitempty"`
	Failed       string   `json:"failed,omitempty"` // why the run produced no figures (written by scripts)
	Args         []string `json:"args,omitempty"`
	Target       string   `json:"target"` // "echo", "spawned", or the broker endpoint
	Servers      int      `json:"servers,omitempty"`
	SyncReplicas int      `json:"sync_replicas"`
	ServerEnv    []string `json:"server_env,omitempty"`
	Clients      int      `json:"clients"`
	Subscribers  int      `json:"subscribers"`
	Mix          string   `json:"mix"`
	Size         int      `json:"size"`
	Rate         float64  `json:"rate,omitempty"`
	Fill         int      `json:"fill,omitempty"`
	Insecure     bool     `json:"insecure_cluster,omitempty"` // member links open, not CURVE
	Secure       bool     `json:"secure,omitempty"`           // load on the authenticated ports (CURVE, a key per socket)
	LoadAvg      string   `json:"loadavg,omitempty"`          // of the machine when the run began

	Requests   int64   `json:"requests"`
	Errors     int64   `json:"errors"`
	Retries    int64   `json:"retries"`
	Seconds    float64 `json:"seconds"`
	Throughput float64 `json:"throughput"`
	P50        float64 `json:"p50_ms"`
	P90        float64 `json:"p90_ms"`
	P99        float64 `json:"p99_ms"`
	P999       float64 `json:"p999_ms"`
	Max        float64 `json:"max_ms"`
	LongestGap float64 `json:"longest_gap_ms"` // longest stretch without a successful reply

	Ops          map[Op]Summary `json:"ops,omitempty"`
	StoreHistory *Summary       `json:"store_history,omitempty"` // store.History alone on a filled store, in process

	Deliveries       int64   `json:"deliveries"`
	DeliveryExpected int64   `json:"delivery_expected"`
	DeliveryP50      float64 `json:"delivery_p50_ms"`
	DeliveryP99      float64 `json:"delivery_p99_ms"`
	DeliveryMax      float64 `json:"delivery_max_ms"`

	Processes    []ProcStat             `json:"processes,omitempty"`
	ErrorSamples []string               `json:"error_samples,omitempty"`
	Catchup      *Catchup               `json:"catchup,omitempty"`
	Failover     *Failover              `json:"failover,omitempty"`
	Flood        *Flood                 `json:"flood,omitempty"`
	Profile      string                 `json:"profile,omitempty"`  // file with the perf report
	Counters     map[string]int64       `json:"counters,omitempty"` // perf stat of the servers over the measured span
	Syscalls     map[string]SyscallTime `json:"syscalls,omitempty"` // perf trace of the servers' I/O over the measured span
}

// ProcStat is one process's resource use: CPU time during the measured span
// and peak resident memory since it started.
type ProcStat struct {
	Name       string  `json:"name"`
	Pid        int     `json:"pid"`
	CPUSeconds float64 `json:"cpu_s"`
	CPUPercent float64 `json:"cpu_pct"` // of one core over the measured span
	PeakRSSMB  float64 `json:"peak_rss_mb"`
}

// Catchup is how an empty replica caught up with its peers.
type Catchup struct {
	Events       int64   `json:"events"` // held at the end
	Want         int64   `json:"want"`   // held by the others
	Complete     bool    `json:"complete"`
	Seconds      float64 `json:"seconds"`            // from process start until it held every event
	FirstSeconds float64 `json:"first_s"`            // from process start until its first fetched event
	EventsPerSec float64 `json:"events_per_s"`       // Events / (Seconds - FirstSeconds)
	TotalPerSec  float64 `json:"total_events_per_s"` // Events / Seconds
}

// Failover is what a failover trial saw.
type Failover struct {
	Killed             string  `json:"killed"`
	AtSeconds          float64 `json:"at_s"`
	CoordinatorBefore  string  `json:"coordinator_before,omitempty"`
	CoordinatorAfter   string  `json:"coordinator_after,omitempty"`    // the servers' coordinator at the end
	CoordinatorAfterMS float64 `json:"coordinator_after_ms,omitempty"` // from the kill to its first announcement
}

// results is what the clients and subscribers gathered.
type results struct {
	clients []*client
	subs    []*subscriber
	span    time.Duration
	gap     time.Duration
}

// fill computes the load figures of r from res.
func (r *Report) fill(res results) {
	all, byOp := NewLatency(), map[Op]*Latency{}
	var posts int64
	for _, c := range res.clients {
		r.Requests += c.stats.requests
		r.Errors += c.stats.errors
		r.Retries += c.stats.retries
		posts += c.stats.sentPosts
		all.Merge(c.all)
		for op, h := range c.byOp {
			if byOp[op] == nil {
				byOp[op] = NewLatency()
			}
			byOp[op].Merge(h)
		}
		for _, s := range c.samples {
			if len(r.ErrorSamples) < maxErrorSamples && !slices.Contains(r.ErrorSamples, s) {
				r.ErrorSamples = append(r.ErrorSamples, s)
			}
		}
	}
	r.Seconds = res.span.Seconds()
	r.Throughput = rate(r.Requests-r.Errors, res.span)
	s := all.Summary()
	r.P50, r.P90, r.P99, r.P999, r.Max = s.P50, s.P90, s.P99, s.P999, s.Max
	r.LongestGap = ms(res.gap)
	r.Ops = map[Op]Summary{}
	for op, h := range byOp {
		r.Ops[op] = h.Summary()
	}
	r.fillDelivery(res.subs, posts)
}

func (r *Report) fillDelivery(subs []*subscriber, posts int64) {
	if len(subs) == 0 {
		return
	}
	h := NewLatency()
	for _, s := range subs {
		h.Merge(s.hist)
	}
	d := h.Summary()
	r.Deliveries, r.DeliveryExpected = d.Count, posts*int64(len(subs))
	r.DeliveryP50, r.DeliveryP99, r.DeliveryMax = d.P50, d.P99, d.Max
}

// rate is n per second over d; 0 for an empty span.
func rate(n int64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// WriteJSON prints the report as one JSON object on one line.
func (r *Report) WriteJSON(w io.Writer) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// WriteText prints the report for a person.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	if r.Flood != nil {
		_, err := io.WriteString(w, r.Flood.Markdown(r))
		return err
	}
	if r.Catchup == nil {
		r.writeLoad(&b)
	}
	r.writeExtras(&b)
	_, err := io.WriteString(w, b.String())
	return err
}

func (r *Report) writeLoad(b *strings.Builder) {
	fmt.Fprintf(b, "target %s, %d clients, mix %s, %d-byte messages", r.Target, r.Clients, r.Mix, r.Size)
	if r.Insecure {
		b.WriteString(", member links open (--insecure-cluster)")
	}
	if r.Secure {
		b.WriteString(", clients on the authenticated ports")
	}
	if r.Rate > 0 {
		fmt.Fprintf(b, ", rate limit %.0f/s", r.Rate)
	}
	fmt.Fprintf(b, "\nrequests %d in %.1fs: %.0f req/s, errors %d, retries %d, longest gap %.0f ms\n",
		r.Requests, r.Seconds, r.Throughput, r.Errors, r.Retries, r.LongestGap)
	fmt.Fprintf(b, "latency ms: p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f\n", r.P50, r.P90, r.P99, r.P999, r.Max)
	for _, op := range knownOps {
		if s, ok := r.Ops[op]; ok {
			fmt.Fprintf(b, "  %-8s %8d ok  p50 %.3f  p99 %.3f  max %.3f\n", op, s.Count, s.P50, s.P99, s.Max)
		}
	}
	if r.Subscribers > 0 {
		fmt.Fprintf(b, "delivery to %d subscribers: %d of %d expected, ms p50 %.3f  p99 %.3f  max %.3f\n",
			r.Subscribers, r.Deliveries, r.DeliveryExpected, r.DeliveryP50, r.DeliveryP99, r.DeliveryMax)
	}
}

func (r *Report) writeExtras(b *strings.Builder) {
	for _, p := range r.Processes {
		fmt.Fprintf(b, "process %-9s pid %-7d cpu %6.2fs (%5.1f%% of a core)  peak RSS %6.1f MB\n",
			p.Name, p.Pid, p.CPUSeconds, p.CPUPercent, p.PeakRSSMB)
	}
	if s := r.StoreHistory; s != nil {
		fmt.Fprintf(b, "store.History alone (%d queries in process): p50 %.3f  p99 %.3f  max %.3f ms\n", s.Count, s.P50, s.P99, s.Max)
	}
	if c := r.Catchup; c != nil {
		fmt.Fprintf(b, "catch-up: %d of %d events in %.2fs from start (first event after %.2fs): %.0f events/s\n",
			c.Events, c.Want, c.Seconds, c.FirstSeconds, c.EventsPerSec)
	}
	if f := r.Failover; f != nil {
		fmt.Fprintf(b, "failover: killed %s at %.1fs; coordinator %q -> %q after %.0f ms\n",
			f.Killed, f.AtSeconds, f.CoordinatorBefore, f.CoordinatorAfter, f.CoordinatorAfterMS)
	}
	for _, s := range r.ErrorSamples {
		fmt.Fprintf(b, "error: %s\n", s)
	}
	if r.Profile != "" {
		fmt.Fprintf(b, "CPU profile of the servers: %s\n", r.Profile)
	}
}

// round keeps JSON short: three decimals.
func round(f float64) float64 { return math.Round(f*1000) / 1000 }
