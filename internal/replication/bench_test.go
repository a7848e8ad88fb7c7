package replication

import (
	"os"
	"strconv"
	"testing"
	"time"
)

// catchUpEvents sizes BenchmarkCatchUp; ZCHAT_BENCH_CATCHUP=1000000 gives
// the production-sized log.
func catchUpEvents(b *testing.B) int {
	if v := os.Getenv("ZCHAT_BENCH_CATCHUP"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			b.Fatalf("ZCHAT_BENCH_CATCHUP=%q", v)
		}
		return n
	}
	return 50_000
}

// BenchmarkCatchUp measures how fast an empty replica copies a peer's log
// by anti-entropy: real stores, real wire encoding, no sockets. Each
// iteration starts a fresh empty replica.
func BenchmarkCatchUp(b *testing.B) {
	n := catchUpEvents(b)
	net := newFakeNet()
	src := net.start(b, "src", "", fastConfig())
	fill(b, src, n)
	b.ResetTimer()
	var total time.Duration
	for i := range b.N {
		start := time.Now()
		dst := net.start(b, "dst"+strconv.Itoa(i), "", fastConfig())
		eventually(b, 10*time.Minute, "catch-up", func() bool { return converged(src, dst) })
		total += time.Since(start)
		b.StopTimer()
		dst.stop()
		b.StartTimer()
	}
	b.ReportMetric(float64(n)*float64(b.N)/total.Seconds(), "events/s")
}
