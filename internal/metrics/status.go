package metrics

import (
	"strings"

	"github.com/prometheus/client_golang/prometheus"
)

// statusField maps one numeric field of a server's status reply (a dotted
// path into the map) to a metric.
type statusField struct {
	path, name, help string
	kind             prometheus.ValueType
}

// statusFields are the exported fields of node.status(); fields that are
// missing (a module not running, not yet measured) are skipped.
var statusFields = []statusField{
	{"rank", "zchat_server_rank", "Rank handed out by the reference.", prometheus.GaugeValue},
	{"lamport", "zchat_lamport_clock", "Current Lamport clock.", prometheus.GaugeValue},
	{"lamport_clamped", "zchat_lamport_clamped_total", "Client clocks counted only up to this server's clock plus the maximum jump.", prometheus.CounterValue},
	{"events", "zchat_store_events", "Events held by this replica (all origins).", prometheus.GaugeValue},
	{"offset", "zchat_clock_offset_seconds", "Correction applied so far to this server's physical clock by Berkeley rounds.", prometheus.GaugeValue},
	{"pending", "zchat_clock_pending_seconds", "Negative clock correction still being slewed in.", prometheus.GaugeValue},
	{"leader_offset", "zchat_clock_leader_offset_seconds", "Last measure of the coordinator's clock minus ours (followers).", prometheus.GaugeValue},
	{"last_sync.delta", "zchat_clock_last_correction_seconds", "The last correction applied to this server's clock.", prometheus.GaugeValue},
	{"elections", "zchat_elections_total", "Elections this server has taken part in.", prometheus.CounterValue},
	{"replication.local_seq", "zchat_replication_local_seq", "Sequence number of this server's newest own event.", prometheus.GaugeValue},
	{"replication.push_calls", "zchat_replication_push_calls_total", "Replicate requests sent to peers.", prometheus.CounterValue},
	{"replication.push_errors", "zchat_replication_push_errors_total", "Replicate requests that failed.", prometheus.CounterValue},
	{"replication.pushed", "zchat_replication_pushed_events_total", "Events pushed to peers.", prometheus.CounterValue},
	{"replication.received", "zchat_replication_received_events_total", "Events applied from peers' pushes.", prometheus.CounterValue},
	{"replication.fetch_calls", "zchat_replication_fetch_calls_total", "Anti-entropy fetches sent.", prometheus.CounterValue},
	{"replication.pulled", "zchat_replication_pulled_events_total", "Events applied from anti-entropy fetches.", prometheus.CounterValue},
	{"replication.pull_errors", "zchat_replication_pull_errors_total", "Failed anti-entropy rounds.", prometheus.CounterValue},
	{"replication.pull_rounds", "zchat_replication_pull_rounds_total", "Anti-entropy rounds run.", prometheus.CounterValue},
	{"replication.sync_waits", "zchat_replication_sync_waits_total", "Writes that waited for --sync-replicas peers.", prometheus.CounterValue},
	{"replication.sync_timeouts", "zchat_replication_sync_timeouts_total", "Writes whose --sync-replicas wait timed out.", prometheus.CounterValue},
	{"replication.divergences", "zchat_replication_divergences_total", "Times this server found its log of an origin to differ from a peer's.", prometheus.CounterValue},
	{"replication.repairs", "zchat_replication_repairs_total", "Diverged logs of an origin truncated back to what the origin wrote.", prometheus.CounterValue},
	{"replication.truncated", "zchat_replication_truncated_events_total", "Events removed by repairs of diverged logs.", prometheus.CounterValue},
}

// statusCollector turns a server's status map into metrics at scrape time.
type statusCollector struct {
	status func() map[string]any
	descs  map[string]*prometheus.Desc
}

var (
	descPeers         = prometheus.NewDesc("zchat_peers", "Live peers known through the reference.", nil, nil)
	descCoordinator   = prometheus.NewDesc("zchat_coordinator", "The coordinator this server follows (value 1; the name is the label).", []string{"coordinator"}, nil)
	descIsCoordinator = prometheus.NewDesc("zchat_is_coordinator", "1 if this server is the coordinator.", nil, nil)
	descState         = prometheus.NewDesc("zchat_election_state", "This server's election state (value 1; the state is the label).", []string{"state"}, nil)
	descBehind        = prometheus.NewDesc("zchat_replication_peer_behind_events", "How many of this server's own events a peer has not acknowledged (replication lag).", []string{"peer"}, nil)
	descAcked         = prometheus.NewDesc("zchat_replication_peer_acked_seq", "Newest own sequence number a peer has acknowledged.", []string{"peer"}, nil)
	descLag           = prometheus.NewDesc("zchat_replication_lag_seconds", "Replication delay quantiles from commit here to commit on a peer.", []string{"quantile"}, nil)
)

// RegisterStatus exports a server's status map (read at scrape time) as
// the metrics of statusFields plus peers, coordinator, election state,
// per-peer replication lag and lag quantiles.
func RegisterStatus(reg prometheus.Registerer, status func() map[string]any) {
	c := &statusCollector{status: status, descs: map[string]*prometheus.Desc{}}
	for _, f := range statusFields {
		c.descs[f.path] = prometheus.NewDesc(f.name, f.help, nil, nil)
	}
	reg.MustRegister(c)
}

func (c *statusCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.descs {
		ch <- d
	}
	for _, d := range []*prometheus.Desc{descPeers, descCoordinator, descIsCoordinator, descState, descBehind, descAcked, descLag} {
		ch <- d
	}
}

func (c *statusCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.status()
	for _, f := range statusFields {
		if v, ok := number(lookup(s, f.path)); ok {
			ch <- prometheus.MustNewConstMetric(c.descs[f.path], f.kind, v)
		}
	}
	collectCoordination(ch, s)
	collectReplication(ch, s)
}

func collectCoordination(ch chan<- prometheus.Metric, s map[string]any) {
	if peers, ok := s["peers"].([]string); ok {
		ch <- prometheus.MustNewConstMetric(descPeers, prometheus.GaugeValue, float64(len(peers)))
	}
	if coord, ok := s["coordinator"].(string); ok && coord != "" {
		ch <- prometheus.MustNewConstMetric(descCoordinator, prometheus.GaugeValue, 1, coord)
		self, _ := s["server"].(string)
		ch <- prometheus.MustNewConstMetric(descIsCoordinator, prometheus.GaugeValue, boolValue(coord == self))
	}
	if state, ok := s["state"].(string); ok && state != "" {
		ch <- prometheus.MustNewConstMetric(descState, prometheus.GaugeValue, 1, state)
	}
}

func collectReplication(ch chan<- prometheus.Metric, s map[string]any) {
	peers, _ := lookup(s, "replication.peers").(map[string]any)
	for name, p := range peers {
		pm, _ := p.(map[string]any)
		if v, ok := number(pm["behind"]); ok {
			ch <- prometheus.MustNewConstMetric(descBehind, prometheus.GaugeValue, v, name)
		}
		if v, ok := number(pm["acked"]); ok {
			ch <- prometheus.MustNewConstMetric(descAcked, prometheus.GaugeValue, v, name)
		}
	}
	for _, q := range []struct{ field, quantile string }{{"lag_p50_ms", "0.5"}, {"lag_p99_ms", "0.99"}} {
		if v, ok := number(lookup(s, "replication."+q.field)); ok {
			ch <- prometheus.MustNewConstMetric(descLag, prometheus.GaugeValue, v/1e3, q.quantile)
		}
	}
}

// lookup follows a dotted path through nested maps; nil when absent.
func lookup(m map[string]any, path string) any {
	var cur any = m
	for _, key := range strings.Split(path, ".") {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = mm[key]
	}
	return cur
}

// number reads any Go numeric type as a float64.
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case int32:
		return float64(n), true
	case int64:
		return float64(n), true
	case uint:
		return float64(n), true
	case uint32:
		return float64(n), true
	case uint64:
		return float64(n), true
	case float32:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
