package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"zchat/internal/store"
)

// BatchBuckets are commit batch sizes, in events.
var BatchBuckets = []float64{1, 2, 4, 8, 16, 32, 64, 128, 256, 512}

// CommitBuckets are commit durations, in seconds: from a cached write to a
// slow disk's fsync under load.
var CommitBuckets = []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1}

// Commits records each store commit: its size as the histogram
// zchat_store_commit_events (fed from the store's OnCommit hook) and its
// duration, fsync included, as zchat_store_commit_seconds (OnCommitTime).
type Commits struct{ batch, latency prometheus.Histogram }

// NewCommits registers the commit histograms in reg.
func NewCommits(reg prometheus.Registerer) *Commits {
	c := &Commits{
		batch: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "zchat_store_commit_events", Help: "Events written by each store commit (group commit batch size).",
			Buckets: BatchBuckets,
		}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "zchat_store_commit_seconds", Help: "Duration of each store transaction from begin to durable commit (fsync included).",
			Buckets: CommitBuckets,
		}),
	}
	reg.MustRegister(c.batch, c.latency)
	return c
}

// Observe records one commit of n events.
func (c *Commits) Observe(n int) { c.batch.Observe(float64(n)) }

// ObserveTime records how long one commit took.
func (c *Commits) ObserveTime(d time.Duration) { c.latency.Observe(d.Seconds()) }

// storeCollector reads store.Stats at scrape time.
type storeCollector struct {
	stats                     func() store.Stats
	commits, events, maxBatch *prometheus.Desc
}

// RegisterStoreStats exports the store's counters at scrape time:
// zchat_store_commits_total, zchat_store_events_written_total and
// zchat_store_max_batch.
func RegisterStoreStats(reg prometheus.Registerer, stats func() store.Stats) {
	reg.MustRegister(&storeCollector{
		stats:    stats,
		commits:  prometheus.NewDesc("zchat_store_commits_total", "Store transactions committed (each fsynced).", nil, nil),
		events:   prometheus.NewDesc("zchat_store_events_written_total", "Events written by the store, local and replicated.", nil, nil),
		maxBatch: prometheus.NewDesc("zchat_store_max_batch", "Most requests taken into one store transaction since start.", nil, nil),
	})
}

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.commits
	ch <- c.events
	ch <- c.maxBatch
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.stats()
	ch <- prometheus.MustNewConstMetric(c.commits, prometheus.CounterValue, float64(s.Commits))
	ch <- prometheus.MustNewConstMetric(c.events, prometheus.CounterValue, float64(s.Events))
	ch <- prometheus.MustNewConstMetric(c.maxBatch, prometheus.GaugeValue, float64(s.MaxBatch))
}
