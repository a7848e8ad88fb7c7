package metrics

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"zchat/internal/store"
)

func TestRequestsClampLabels(t *testing.T) {
	ep := New()
	r := NewRequests(ep.Registry, "login", "publish")
	r.Observe("login", "sucesso", time.Millisecond, 10, 20)
	r.Observe("publish", "erro", time.Millisecond, 10, 20)
	r.Observe("garbage\x00", "weird", time.Millisecond, 1, 2)
	r.Observe("", "", time.Millisecond, 1, 2)
	want := `
# HELP zchat_requests_total Requests answered, by service and reply status (OK, sucesso, erro).
# TYPE zchat_requests_total counter
zchat_requests_total{service="login",status="sucesso"} 1
zchat_requests_total{service="publish",status="erro"} 1
zchat_requests_total{service="unknown",status="none"} 1
zchat_requests_total{service="unknown",status="other"} 1
`
	if err := testutil.GatherAndCompare(ep.Registry, strings.NewReader(want), "zchat_requests_total"); err != nil {
		t.Fatal(err)
	}
	if got := testutil.ToFloat64(r.in); got != 22 {
		t.Fatalf("request bytes %v, want 22", got)
	}
}

func TestStatusCollector(t *testing.T) {
	ep := New()
	RegisterStatus(ep.Registry, func() map[string]any {
		return map[string]any{
			"server": "s1", "coordinator": "s1", "state": "coordinator", "rank": 1, "elections": 2,
			"offset": -0.25, "peers": []string{"s2", "s3"}, "lamport": uint64(42), "events": uint64(7),
			"lamport_clamped": uint64(3), "last_sync": map[string]any{"delta": 0.5},
			"replication": map[string]any{
				"local_seq": uint64(9), "pushed": uint64(5), "lag_p99_ms": 12.0,
				"peers": map[string]any{"s2": map[string]any{"acked": uint64(7), "behind": uint64(2)}},
			},
		}
	})
	want := map[string]float64{
		"zchat_server_rank": 1, "zchat_elections_total": 2, "zchat_clock_offset_seconds": -0.25,
		"zchat_peers": 2, "zchat_lamport_clock": 42, "zchat_store_events": 7, "zchat_lamport_clamped_total": 3, "zchat_is_coordinator": 1,
		"zchat_clock_last_correction_seconds": 0.5, "zchat_replication_local_seq": 9,
		"zchat_replication_pushed_events_total":           5,
		`zchat_replication_peer_behind_events{peer="s2"}`: 2, `zchat_replication_peer_acked_seq{peer="s2"}`: 7,
		`zchat_replication_lag_seconds{quantile="0.99"}`: 0.012, `zchat_coordinator{coordinator="s1"}`: 1,
		`zchat_election_state{state="coordinator"}`: 1,
	}
	got := scrape(t, ep)
	for name, v := range want {
		if g, ok := got[name]; !ok || g != v {
			t.Errorf("%s = %v (present %v), want %v", name, g, ok, v)
		}
	}
	if _, ok := got["zchat_clock_pending_seconds"]; ok {
		t.Error("a missing status field should export nothing")
	}
}

func TestStoreStats(t *testing.T) {
	ep := New()
	RegisterStoreStats(ep.Registry, func() store.Stats { return store.Stats{Commits: 3, Events: 5, MaxBatch: 2} })
	commits := NewCommits(ep.Registry)
	commits.Observe(4)
	commits.ObserveTime(3 * time.Millisecond)
	got := scrape(t, ep)
	for name, v := range map[string]float64{
		"zchat_store_commits_total": 3, "zchat_store_events_written_total": 5, "zchat_store_max_batch": 2,
		"zchat_store_commit_events_sum": 4, "zchat_store_commit_events_count": 1,
		"zchat_store_commit_seconds_sum": 0.003, "zchat_store_commit_seconds_count": 1,
	} {
		if got[name] != v {
			t.Errorf("%s = %v, want %v", name, got[name], v)
		}
	}
}

func TestHealthz(t *testing.T) {
	ep := New()
	l, err := ep.Listen("127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	url := "http://" + l.Addr()
	ep.Health.Add("storage", Writable(t.TempDir()))
	code, rep := healthz(t, url)
	if code != http.StatusOK || rep.Status != "ok" || rep.Checks["storage"] != "ok" || rep.Checks["process"] != "ok" {
		t.Fatalf("healthy: %d %+v", code, rep)
	}
	flag := &Flag{Failure: "not forwarding"}
	ep.Health.Add("forwarding", flag.Check)
	ep.Health.Add("broker", Dialable("tcp://127.0.0.1:1"))
	ep.Health.Add("slow", func(ctx context.Context) error { <-ctx.Done(); return errors.New("unreachable") })
	code, rep = healthz(t, url)
	if code != http.StatusServiceUnavailable || rep.Status != "fail" || rep.Checks["forwarding"] != "not forwarding" ||
		rep.Checks["broker"] == "ok" || !strings.Contains(rep.Checks["slow"], "timed out") {
		t.Fatalf("unhealthy: %d %+v", code, rep)
	}
	for _, path := range []string{"/metrics", "/debug/pprof/"} {
		resp, err := http.Get(url + path)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %v %v", path, resp, err)
		}
		resp.Body.Close()
	}
}

func healthz(t *testing.T, url string) (int, Report) {
	t.Helper()
	resp, err := http.Get(url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var rep Report
	body, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(body, &rep); err != nil {
		t.Fatalf("healthz body %q: %v", body, err)
	}
	return resp.StatusCode, rep
}

// scrape gathers ep's zchat_* metrics as "name{labels}" -> value.
func scrape(t *testing.T, ep *Endpoint) map[string]float64 {
	t.Helper()
	families, err := ep.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, f := range families {
		if !strings.HasPrefix(f.GetName(), "zchat_") {
			continue
		}
		for _, m := range f.GetMetric() {
			key := f.GetName()
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, l.GetName()+`="`+l.GetValue()+`"`)
			}
			if len(labels) > 0 {
				key += "{" + strings.Join(labels, ",") + "}"
			}
			switch {
			case m.Counter != nil:
				out[key] = m.GetCounter().GetValue()
			case m.Gauge != nil:
				out[key] = m.GetGauge().GetValue()
			case m.Histogram != nil:
				out[key+"_sum"] = m.GetHistogram().GetSampleSum()
				out[key+"_count"] = float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	return out
}
