package registry

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"zchat/internal/metrics"
	"zchat/internal/wire"
)

// observer records the reference's metrics: requests by service and
// status and zchat_reference_live_servers. The zero value (no endpoint)
// records nothing.
type observer struct {
	requests *metrics.Requests
	live     prometheus.Gauge
}

func newObserver(ep *metrics.Endpoint, dataDir string) observer {
	if ep == nil {
		return observer{}
	}
	if dataDir != "" {
		ep.Health.Add("storage", metrics.Writable(dataDir))
	}
	live := prometheus.NewGauge(prometheus.GaugeOpts{Name: "zchat_reference_live_servers", Help: "Servers whose heartbeats are current."})
	ep.Registry.MustRegister(live)
	return observer{requests: metrics.NewRequests(ep.Registry, svcRank, svcList, svcHeartbeat), live: live}
}

// request records one answered request; the reply says which service and
// status it was (the reference's traffic is a few heartbeats a second).
func (o observer) request(frames [][]byte, reply []byte, took time.Duration) {
	if o.requests == nil {
		return
	}
	m, _ := wire.Decode(reply, 0)
	status, ok := m.Data["status"].(string)
	if !ok {
		status = wire.StatusOK // rank and list replies carry no status
	}
	in := 0
	for _, f := range frames {
		in += len(f)
	}
	o.requests.Observe(m.Service, status, took, in, len(reply))
}

func (o observer) liveServers(s *State, now time.Time) {
	if o.live != nil {
		o.live.Set(float64(len(s.Live(now))))
	}
}
