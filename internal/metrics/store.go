package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"zchat/internal/store"
)

// BatchBuckets are commit batch sizes, in events.
var BatchBuckets = []float64{1, 2, 4, 8, 16, 32, 64, 128, 256, 512}

// Commits records the size of each store commit as the histogram
// zchat_store_commit_events (fed from the store's OnCommit hook).
type Commits struct{ batch prometheus.Histogram }

// NewCommits registers the commit batch histogram in reg.
func NewCommits(reg prometheus.Registerer) *Commits {
	c := &Commits{batch: prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "zchat_store_commit_events", Help: "Events written by each store commit (group commit batch size).",
		Buckets: BatchBuckets,
	})}
	reg.MustRegister(c.batch)
	return c
}

// Observe records one commit of n events.
func (c *Commits) Observe(n int) { c.batch.Observe(float64(n)) }

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
