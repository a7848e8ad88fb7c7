package bench

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func sampleRuns() runs {
	servers := []ProcStat{{Name: "s1", CPUPercent: 40, PeakRSSMB: 150}, {Name: "s2", CPUPercent: 30, PeakRSSMB: 250}, {Name: "bench", PeakRSSMB: 900}}
	return runs{
		{Target: "echo", Clients: 64, Mix: "publish=100", Throughput: 10000},
		{Target: "spawned", Servers: 3, Clients: 64, Mix: "publish=100", Throughput: 6000, SyncReplicas: 0, Processes: servers},
		{Target: "spawned", Servers: 3, Clients: 64, Mix: "publish=100", Throughput: 2000, SyncReplicas: 1},
		{Target: "spawned", Clients: 8, Mix: "publish=100", Rate: 1000, Subscribers: 4, Throughput: 1000, Deliveries: 4000, DeliveryExpected: 4000, DeliveryP99: 1.5},
		{Target: "spawned", Clients: 8, Mix: "history=100", Fill: 1_000_000, Ops: map[Op]Summary{OpHistory: {Count: 10, P99: 7}}, Processes: servers},
		{Target: "spawned", Clients: 8, Mix: "publish=100", Fill: 1_000_000, Catchup: &Catchup{Events: 900, Want: 1000, EventsPerSec: 20000}},
	}
}

func TestClassifyAndTargets(t *testing.T) {
	rs := sampleRuns()
	kinds := []string{kindEcho, kindPublish, kindPublish, kindDelivery, kindHistory, kindCatchup}
	for i, r := range rs {
		if r.kind() != kinds[i] {
			t.Errorf("run %d: kind %q, want %q", i, r.kind(), kinds[i])
		}
	}
	if q, ok := rs.ratio(rs[1]); !ok || q != 0.6 {
		t.Errorf("ratio %v %v", q, ok)
	}
	if _, ok := rs.ratio(rs[3]); ok {
		t.Error("ratio without an echo run of 8 clients")
	}
	met := map[string]bool{}
	for _, v := range checkTargets(rs) {
		met[strings.Fields(v.Target)[0]+v.Measured[:3]] = v.Met
	}
	paced := &Report{Target: "spawned", Clients: 8, Mix: "history=100", Fill: 1_000_000, Rate: 200,
		Ops: map[Op]Summary{OpHistory: {Count: 10, P50: 1.5, P99: 4.5}}}
	if hv := historyTarget(append(rs, paced)); hv.Met || !strings.Contains(hv.Measured, "paced at 200 req/s (below saturation): p50 1.50 ms, p99 4.50 ms") {
		t.Errorf("history with a paced run: met %v, %q", hv.Met, hv.Measured)
	}
	want := map[string]bool{"durable600": true, "durable200": false, "publishp99": true, "historyp99": false, "empty-replica200": false, "server250": false}
	for k, w := range want {
		if got, ok := met[k]; !ok || got != w {
			t.Errorf("target %s: met %v (present %v), want %v; all %v", k, got, ok, w, met)
		}
	}
}

func TestRender(t *testing.T) {
	dir := t.TempDir()
	var lines []string
	for _, r := range sampleRuns() {
		r.Args = []string{"bench", "--clients", "64"}
		var b strings.Builder
		if err := r.WriteJSON(&b); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, b.String())
	}
	path := filepath.Join(dir, "runs.jsonl")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	rs, err := readRuns(path)
	if err != nil || len(rs) != 6 {
		t.Fatalf("readRuns: %d runs, %v", len(rs), err)
	}
	var out strings.Builder
	if err := Render(rs, Machine{CPUs: 2, Go: "go1.x"}, time.Unix(0, 0), &out); err != nil {
		t.Fatal(err)
	}
	md := out.String()
	for _, want := range []string{"## Machine", "| CPUs (nproc) | 2 |", "## Targets", "| 0.60 |", "missed: short by 30.0 points",
		"zchat bench --clients 64", "No CPU profile was captured", "catch-up"} {
		if !strings.Contains(md, want) {
			t.Errorf("rendered report lacks %q:\n%s", want, md)
		}
	}
}

func TestFindings(t *testing.T) {
	cpu := func(name string, s float64) ProcStat { return ProcStat{Name: name, CPUSeconds: s} }
	rs := runs{
		{Target: "echo", Clients: 64, Throughput: 4000, Requests: 40000, Processes: []ProcStat{cpu("s1", 4)}},
		{Target: "echo-raw", Clients: 64, Throughput: 4400, Requests: 44000, Processes: []ProcStat{cpu("s1", 2.2)}},
		{Target: "spawned", Servers: 1, Clients: 64, Mix: "publish=100", Throughput: 2000, Requests: 20000, Processes: []ProcStat{cpu("s1", 5)}},
		{Target: "spawned", Servers: 3, Clients: 64, Mix: "publish=100", Throughput: 1000, Requests: 10000, Processes: []ProcStat{cpu("s1", 4), cpu("s2", 3), cpu("s3", 3)}},
	}
	var b strings.Builder
	writeFindings(&b, rs)
	for _, want := range []string{"250 µs of server CPU each", "1000 µs each", "75% of the servers' CPU per publish", "costs the echo workers 100 µs", "against 50 µs", "1.10×"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("findings lack %q:\n%s", want, b.String())
		}
	}
}

// A missed target whose own run was not profiled quotes the profiled run
// of its kind (history), or the publish profile for the write path
// (publish throughput), and says which run it was.
func TestProfilesOfMissedTargetsUseTheProfiledRuns(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	rs := sampleRuns()
	rs[1].Throughput = 3000 // both throughput targets missed: one profile for two
	rs = append(rs,
		&Report{Label: "profile", Target: "spawned", Servers: 3, Clients: 64, Mix: "publish=100", Throughput: 900,
			Profile: write("publish.txt", "## "+sectionSelf+"\n    50.00%  zchat  [.] sqlite3WalWriteFrames\n")},
		&Report{Label: "profile-history", Target: "spawned", Servers: 3, Clients: 8, Mix: "history=100", Fill: 1_000_000, Throughput: 700,
			Profile: write("history.txt", "## "+sectionSelf+"\n    40.00%  zchat  [.] msgpackEncodeHistory\n")})
	if got := rs[len(rs)-1].kind(); got != kindProfiled {
		t.Fatalf("profile-history is of kind %q", got)
	}
	var b strings.Builder
	writeProfiles(&b, rs, checkTargets(rs))
	md := b.String()
	for _, want := range []string{"sqlite3WalWriteFrames", "msgpackEncodeHistory", "labelled `profile-history`, a history run with 8 clients", "labelled `profile`, a publish run with 64 clients"} {
		if !strings.Contains(md, want) {
			t.Errorf("profiles lack %q:\n%s", want, md)
		}
	}
	if n := strings.Count(md, "sqlite3WalWriteFrames"); n != 1 {
		t.Errorf("the publish profile is quoted %d times, want once", n)
	}
	if strings.Contains(md, "No CPU profile was captured") {
		t.Errorf("a missed target went without the profile of its kind:\n%s", md)
	}
}
