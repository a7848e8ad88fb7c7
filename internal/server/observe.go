package server

import (
	"time"

	"zchat"
	"zchat/internal/metrics"
)

// clientServices are the services counted by name in
// zchat_requests_total; anything else counts as "unknown".
var clientServices = []string{"login", "users", "channel", "channels", "publish", "message", "history", "status", "auth_key"}

// observer holds a server's metrics and health checks.
type observer struct {
	ep       *metrics.Endpoint
	requests *metrics.Requests
	pubs     *metrics.Publications
	commits  *metrics.Commits
}

// newObserver instruments into cfg.Metrics, or into a private endpoint
// that nobody serves when it is nil.
func newObserver(cfg Config) *observer {
	ep := cfg.Metrics
	if ep == nil {
		ep = metrics.New()
	}
	return &observer{
		ep:       ep,
		requests: metrics.NewRequests(ep.Registry, clientServices...),
		pubs:     metrics.NewPublications(ep.Registry),
		commits:  metrics.NewCommits(ep.Registry),
	}
}

// register adds what reads the running node at scrape time: the store's
// counters, the status map (replication, coordination, clocks) and the
// health checks. It runs once the modules exist.
func (o *observer) register(n *node) {
	metrics.RegisterStoreStats(o.ep.Registry, n.store.Stats)
	metrics.RegisterStatus(o.ep.Registry, n.status)
	h := o.ep.Health
	h.Add("storage", metrics.Writable(n.cfg.DataDir))
	h.Add("broker", metrics.Dialable(n.cfg.Broker))
	h.Add("proxy", metrics.Dialable(n.cfg.Proxy))
	h.Add("reference", metrics.Dialable(n.cfg.Reference))
}

func (o *observer) request(out Outcome, took time.Duration, inBytes int) {
	o.requests.Observe(out.Service, out.Status, took, inBytes, len(out.Reply))
}

func (o *observer) published(p Publication) { o.pubs.Observe(len(p.Topic) + len(p.Payload)) }

// onCommit feeds the commit batch histogram, then replication.
func (n *node) onCommit(events []zchat.Event) {
	n.obs.commits.Observe(len(events))
	n.repl.OnCommit(events)
}
