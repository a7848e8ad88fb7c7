package fault_test

import (
	"os"
	"strconv"
	"testing"
	"time"

	"zchat/internal/testcluster"
)

// TestReplicationLag measures, under steady closed-loop load through the
// broker, the replication lag every server records (commit on the origin
// to commit here) and the acknowledged posts per second, with
// --sync-replicas 0 and 1. It runs only with ZCHAT_BENCH_LAG set to the
// measured duration, e.g. ZCHAT_BENCH_LAG=10s (without -race for numbers);
// ZCHAT_BENCH_LAG_CLIENTS sets the number of clients (default 16).
func TestReplicationLag(t *testing.T) {
	span, err := time.ParseDuration(os.Getenv("ZCHAT_BENCH_LAG"))
	if err != nil {
		t.Skip("set ZCHAT_BENCH_LAG=10s to measure replication lag")
	}
	clients, err := strconv.Atoi(os.Getenv("ZCHAT_BENCH_LAG_CLIENTS"))
	if err != nil || clients < 1 {
		clients = 16
	}
	for _, sync := range []string{"0", "1"} {
		t.Run("sync-replicas="+sync, func(t *testing.T) {
			c := startCluster(t, "--sync-replicas", sync)
			l := startLoad(t, c.Frontend(), clients, channels, nil)
			l.progress(100, progressTimeout) // warm up
			from, start := l.count.Load(), time.Now()
			time.Sleep(span) // the measured span itself, not a synchronization
			rate := float64(l.count.Load()-from) / time.Since(start).Seconds()
			l.halt()
			t.Logf("sync-replicas %s: %.0f acknowledged posts/s (%d clients); %s", sync, rate, clients, l.summary())
			for _, s := range c.Servers() {
				logLag(t, c, s)
			}
		})
	}
}

func logLag(t *testing.T, c *testcluster.Cluster, server string) {
	m, err := c.Ask(c.PeerAddr(server), "status", nil, 5*time.Second)
	if err != nil {
		t.Fatalf("status of %s: %v", server, err)
	}
	r, _ := m.Data["replication"].(map[string]any)
	t.Logf("%s: lag p50 %v ms, p99 %v ms over %v pushed events; sent %v events in %v replicate calls",
		server, r["lag_p50_ms"], r["lag_p99_ms"], r["lag_samples"], r["pushed"], r["push_calls"])
}
