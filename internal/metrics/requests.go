package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// LatencyBuckets span a cached read (~100µs) to a request that waited
// for the drain timeout (5s).
var LatencyBuckets = []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}

// Requests counts the requests a component answers:
// zchat_requests_total{service,status}, the latency histogram
// zchat_request_duration_seconds{service}, and the bytes of requests and
// replies (zchat_request_bytes_total, zchat_reply_bytes_total).
type Requests struct {
	total    *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	in, out  prometheus.Counter
	services map[string]bool
}

// NewRequests registers the request metrics in reg. services are the
// expected service names: any other is counted as "unknown", so garbage
// requests cannot blow up the label set.
func NewRequests(reg prometheus.Registerer, services ...string) *Requests {
	r := &Requests{
		total: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "zchat_requests_total", Help: "Requests answered, by service and reply status (OK, sucesso, erro).",
		}, []string{"service", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "zchat_request_duration_seconds", Help: "Time from receiving a request to having its reply, by service.",
			Buckets: LatencyBuckets,
		}, []string{"service"}),
		in:       prometheus.NewCounter(prometheus.CounterOpts{Name: "zchat_request_bytes_total", Help: "Bytes of request bodies received."}),
		out:      prometheus.NewCounter(prometheus.CounterOpts{Name: "zchat_reply_bytes_total", Help: "Bytes of reply bodies sent."}),
		services: map[string]bool{},
	}
	for _, s := range services {
		r.services[s] = true
	}
	reg.MustRegister(r.total, r.latency, r.in, r.out)
	return r
}

// Observe records one answered request.
func (r *Requests) Observe(service, status string, took time.Duration, inBytes, outBytes int) {
	if !r.services[service] {
		service = "unknown"
	}
	switch status {
	case "OK", "sucesso", "erro":
	case "":
		status = "none"
	default:
		status = "other"
	}
	r.total.WithLabelValues(service, status).Inc()
	r.latency.WithLabelValues(service).Observe(took.Seconds())
	r.in.Add(float64(inBytes))
	r.out.Add(float64(outBytes))
}

// Publications counts what a server publishes: zchat_publications_total
// and zchat_publication_bytes_total.
type Publications struct {
	count, bytes prometheus.Counter
}

// NewPublications registers the publication metrics in reg.
func NewPublications(reg prometheus.Registerer) *Publications {
	p := &Publications{
		count: prometheus.NewCounter(prometheus.CounterOpts{Name: "zchat_publications_total", Help: "Publications handed to the proxy (posts, private messages, servers topic)."}),
		bytes: prometheus.NewCounter(prometheus.CounterOpts{Name: "zchat_publication_bytes_total", Help: "Bytes of publication topics and payloads."}),
	}
	reg.MustRegister(p.count, p.bytes)
	return p
}

// Observe records one publication of n bytes.
func (p *Publications) Observe(n int) {
	p.count.Inc()
	p.bytes.Add(float64(n))
}

// Forwarded counts what a broker or proxy relays, in both directions:
// zchat_forwarded_messages_total and zchat_forwarded_bytes_total.
type Forwarded struct {
	msgs, bytes prometheus.Counter
}

// NewForwarded registers the relay metrics in reg.
func NewForwarded(reg prometheus.Registerer) *Forwarded {
	f := &Forwarded{
		msgs:  prometheus.NewCounter(prometheus.CounterOpts{Name: "zchat_forwarded_messages_total", Help: "Multi-part messages relayed, both directions (requests and replies; publications and subscriptions)."}),
		bytes: prometheus.NewCounter(prometheus.CounterOpts{Name: "zchat_forwarded_bytes_total", Help: "Bytes of every frame relayed, envelopes included."}),
	}
	reg.MustRegister(f.msgs, f.bytes)
	return f
}

// Observe records one relayed message of n bytes.
func (f *Forwarded) Observe(n int) {
	f.msgs.Inc()
	f.bytes.Add(float64(n))
}
