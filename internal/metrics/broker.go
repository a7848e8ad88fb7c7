package metrics

import "github.com/prometheus/client_golang/prometheus"

// Broker instruments the broker's forwarding loop: what it relays (the
// same zchat_forwarded_* counters as the proxy), the requests it answers
// itself instead of forwarding, by reason
// (zchat_broker_refused_requests_total{reason}), and the client
// connections its rate limiter holds state for
// (zchat_broker_limited_connections). The loop's goroutine updates them;
// scrapes read them concurrently.
type Broker struct {
	Forwarded  *Forwarded
	Forwarding *Flag // reported by /healthz as "forwarding"

	RateLimited prometheus.Counter // over the connection's rate
	TooLarge    prometheus.Counter // a body frame over the servers' max frame
	Malformed   prometheus.Counter // no body frame, or too many frames: dropped
	Tracked     prometheus.Gauge
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
	b.Tracked = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "zchat_broker_limited_connections",
		Help: "Client connections the rate limiter holds a token bucket for (recently active ones).",
	})
	reg.MustRegister(refused, b.Tracked)
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
