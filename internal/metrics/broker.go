package metrics

import "github.com/prometheus/client_golang/prometheus"

// Broker instruments the broker's forwarding loop: what it relays (the
// same zchat_forwarded_* counters as the proxy), the requests it answers
// itself instead of forwarding, by reason
// (zchat_broker_refused_requests_total{reason}), the replies it could not
// route (zchat_broker_dropped_replies_total), and the client connections
// and users its rate limiter holds state for
// (zchat_broker_limited_connections, zchat_broker_limited_users). The
// loop's goroutine updates them; scrapes read them concurrently.
type Broker struct {
	Forwarded  *Forwarded
	Forwarding *Flag // reported by /healthz as "forwarding"

	RateLimited  prometheus.Counter // over the connection's (or the user's) rate
	TooLarge     prometheus.Counter // a body frame over the servers' max frame
	Malformed    prometheus.Counter // no body frame, too many frames, or no user key: dropped
	BadReplies   prometheus.Counter // a reply without a routable tag: dropped
	Tracked      prometheus.Gauge   // connections with a token bucket, both frontends
	TrackedUsers prometheus.Gauge   // user keys with a token bucket (secure frontend)
}

// Broker registers the broker's metrics and its "forwarding" check. With a
// nil e they go to a registry nobody serves, so the broker counts
// unconditionally.
func (e *Endpoint) Broker() *Broker {
	reg := prometheus.NewRegistry()
	b := &Broker{Forwarding: &Flag{Failure: "not forwarding"}}
	if e != nil {
		reg = e.Registry
		e.Health.Add("forwarding", b.Forwarding.Check)
	}
	b.Forwarded = NewForwarded(reg)
	refused := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "zchat_broker_refused_requests_total",
		Help: "Requests the broker did not forward, by reason: rate_limited and too_large got an erro reply, malformed were dropped.",
	}, []string{"reason"})
	b.BadReplies = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "zchat_broker_dropped_replies_total",
		Help: "Replies from servers the broker could not route back (no tag frame naming a frontend): a server's bug.",
	})
	b.Tracked = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "zchat_broker_limited_connections",
		Help: "Client connections the rate limiter holds a token bucket for (recently active ones), on both frontends.",
	})
	b.TrackedUsers = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "zchat_broker_limited_users",
		Help: "User keys the rate limiter holds a token bucket for on the secure frontend (recently active ones).",
	})
	reg.MustRegister(refused, b.BadReplies, b.Tracked, b.TrackedUsers)
	b.RateLimited = refused.WithLabelValues("rate_limited")
	b.TooLarge = refused.WithLabelValues("too_large")
	b.Malformed = refused.WithLabelValues("malformed")
	return b
}

// ObserveBatch records n relayed messages of bytes in all: the loop counts
// a burst locally and reports it once.
func (f *Forwarded) ObserveBatch(n, bytes int) {
	f.msgs.Add(float64(n))
	f.bytes.Add(float64(bytes))
}
