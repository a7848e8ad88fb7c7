package bench

import (
	"slices"
	"strings"
	"testing"

	"zchat/internal/broker"
)

// Spawned brokers always get their limits written out: off for load runs,
// the defaults for the flood run.
func TestSpawnedBrokerLimits(t *testing.T) {
	load := &SpawnConfig{}
	if got := load.brokerArgs(); !slices.Equal(got, []string{"--rate-limit", "0", "--rate-burst", "0", "--max-frame", "65536"}) {
		t.Errorf("load run broker args %v", got)
	}
	cfg := Config{Flood: true, Spawn: &SpawnConfig{Servers: 3, Exe: "zchat"}}
	cfg.defaults()
	if cfg.Rate != DefaultFloodRate || cfg.Spawn.BrokerLimits == nil || *cfg.Spawn.BrokerLimits != broker.DefaultLimits {
		t.Fatalf("flood defaults: rate %v, limits %+v", cfg.Rate, cfg.Spawn.BrokerLimits)
	}
	want := []string{"--rate-limit", "100", "--rate-burst", "200", "--max-frame", "65536"}
	if got := cfg.Spawn.brokerArgs(); !slices.Equal(got, want) {
		t.Errorf("flood broker args %v, want %v", got, want)
	}
	bad := Config{Flood: true, Echo: true}
	bad.defaults()
	if bad.validate() == nil {
		t.Error("--flood with --echo accepted")
	}
}

func TestFloodMarkdown(t *testing.T) {
	r := &Report{Size: 200, Servers: 3, Args: []string{"bench", "--spawn", "--flood"},
		Processes: []ProcStat{{Name: "broker", CPUPercent: 28, PeakRSSMB: 41}}}
	f := &Flood{PacedRate: 20, Inflight: 1000, Seconds: 20, Limits: "100 req/s per connection",
		Alone: Summary{Count: 380, P50: 3, P99: 10}, UnderFlood: Summary{Count: 379, P50: 4, P99: 25},
		P50Ratio: 1.33, P99Ratio: 2.5, Acked: 2000, RateLimited: 200000}
	md := f.Markdown(r)
	for _, want := range []string{"## Fairness", "| alone | 380 |", "p99 **2.50×** (target ≤ 3×: met)",
		"2000 publishes acknowledged (100/s), 200000 refused", "28% of a core", "`zchat bench --spawn --flood`"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	f.P99Ratio = 3.2
	if !strings.Contains(f.Markdown(r), "target ≤ 3×: missed") {
		t.Error("a ratio over 3 is not reported as missed")
	}
}
