package metrics

import "github.com/prometheus/client_golang/prometheus"

// Proxy instruments the proxy's forwarding loop: what it relays (the same
// zchat_forwarded_* counters as the broker: publications from the servers
// and subscription messages from the subscribers), and the subscriptions
// its secure XPUB refused, by reason
// (zchat_proxy_refused_subscriptions_total{reason}). The loop's goroutine
// updates them; scrapes read them concurrently.
type Proxy struct {
	Forwarded  *Forwarded
	Forwarding *Flag // reported by /healthz as "forwarding"

	RefusedEverything prometheus.Counter // the empty topic (or a prefix of the private namespace): it would match every private topic
	RefusedPrivate    prometheus.Counter // another key's private topic
	RefusedAnonymous  prometheus.Counter // a subscription without its sender's key
}

// Proxy registers the proxy's metrics and its "forwarding" check. With a
// nil e they go to a registry nobody serves, so the proxy counts
// unconditionally.
func (e *Endpoint) Proxy() *Proxy {
	reg := prometheus.NewRegistry()
	p := &Proxy{Forwarding: &Flag{Failure: "not forwarding"}}
	if e != nil {
		reg = e.Registry
		e.Health.Add("forwarding", p.Forwarding.Check)
	}
	p.Forwarded = NewForwarded(reg)
	refused := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "zchat_proxy_refused_subscriptions_total",
		Help: "Subscriptions the secure XPUB refused, by reason: everything (the empty topic), private (another key's private topic), anonymous (no sender's key).",
	}, []string{"reason"})
	reg.MustRegister(refused)
	p.RefusedEverything = refused.WithLabelValues("everything")
	p.RefusedPrivate = refused.WithLabelValues("private")
	p.RefusedAnonymous = refused.WithLabelValues("anonymous")
	return p
}
