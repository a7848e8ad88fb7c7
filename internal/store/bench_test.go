package store

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zchat"
)

// benchHistoryEvents sizes the table of BenchmarkHistory; set
// ZCHAT_BENCH_EVENTS (e.g. 1000000) for a production-sized log.
func benchHistoryEvents(b *testing.B) int {
	if v := os.Getenv("ZCHAT_BENCH_EVENTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			b.Fatalf("ZCHAT_BENCH_EVENTS=%q", v)
		}
		return n
	}
	return 100_000
}

// BenchmarkSubmit measures durable posts per second with concurrent
// submitters; group commit should make throughput grow with them.
func BenchmarkSubmit(b *testing.B) {
	for _, workers := range []int{1, 16, 64} {
		b.Run(fmt.Sprintf("submitters=%d", workers), func(b *testing.B) {
			s := openT(b, "bench", Options{})
			must(b, s, login("alice", 1))
			must(b, s, channel("alice", "general", 2))
			base := s.Stats()
			var next atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			start := time.Now()
			for range workers {
				wg.Go(func() {
					for {
						i := next.Add(1)
						if i > int64(b.N) {
							return
						}
						cmd := post("alice", "general", "a message of typical length for a chat", uint64(i+2))
						if _, err := s.Submit(context.Background(), cmd); err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			st := s.Stats()
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
			b.ReportMetric(float64(st.Events-base.Events)/float64(max(1, st.Commits-base.Commits)), "events/commit")
		})
	}
}

// BenchmarkHistory reads the last 100 posts of one channel out of a large
// log spread over 10 channels.
func BenchmarkHistory(b *testing.B) {
	n := benchHistoryEvents(b)
	s := openT(b, "bench", Options{})
	const chunk = 5000
	for start := 0; start < n; start += chunk {
		evs := make([]zchat.Event, 0, chunk)
		for i := start; i < min(n, start+chunk); i++ {
			evs = append(evs, zchat.Event{Origin: "peer.1", Seq: uint64(i + 1), Clock: uint64(i + 1),
				Time: float64(i), Kind: zchat.KindPost, User: "u" + strconv.Itoa(i%50),
				Target: "ch" + strconv.Itoa(i%10), Text: "a message of typical length for a chat"})
		}
		if _, err := s.Apply(context.Background(), evs); err != nil {
			b.Fatal(err)
		}
	}
	q := zchat.HistoryQuery{Channel: "ch3", Limit: 100}
	b.ResetTimer()
	for b.Loop() {
		got, err := s.History(context.Background(), q)
		if err != nil || len(got) != min(100, n/10) {
			b.Fatalf("History: %d events, %v", len(got), err)
		}
	}
	b.ReportMetric(float64(n), "table-events")
}

// BenchmarkApply applies batches of 1000 replicated events, hashed by
// their origin: the store verifies each one's chain.
func BenchmarkApply(b *testing.B) {
	const batch = 1000
	s := openT(b, "bench", Options{})
	head, iters := zchat.GenesisHead, 0
	b.ResetTimer()
	for b.Loop() {
		iters++
		b.StopTimer()
		evs := make([]zchat.Event, batch)
		for i := range evs {
			seq := head.Seq + 1
			evs[i] = zchat.Event{Origin: "peer.1", Seq: seq, Clock: seq, Time: 1, Kind: zchat.KindPost,
				User: "u", Target: "general", Text: "a message of typical length for a chat"}
			evs[i].Hash = head.Next(evs[i])
			head = zchat.Head{Seq: seq, Hash: evs[i].Hash}
		}
		b.StartTimer()
		got, err := s.Apply(context.Background(), evs)
		if err != nil || len(got.Events) != batch {
			b.Fatalf("Apply: %d applied, %v", len(got.Events), err)
		}
	}
	b.ReportMetric(float64(iters*batch)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkComputeChains measures the one-time cost of the first Open of
// a data directory written before the chain: a log of ZCHAT_BENCH_EVENTS
// (100 000 by default) events without hashes gets them.
func BenchmarkComputeChains(b *testing.B) {
	n := benchHistoryEvents(b)
	dir := b.TempDir()
	s := openDirT(b, dir, "bench", Options{})
	const chunk = 10000
	for start := 0; start < n; start += chunk {
		evs := make([]zchat.Event, 0, chunk)
		for i := start; i < min(n, start+chunk); i++ {
			evs = append(evs, zchat.Event{Origin: "peer.1", Seq: uint64(i + 1), Clock: uint64(i + 1),
				Time: float64(i), Kind: zchat.KindPost, User: "u" + strconv.Itoa(i%50),
				Target: "ch" + strconv.Itoa(i%10), Text: "a message of typical length for a chat"})
		}
		if _, err := s.Apply(context.Background(), evs); err != nil {
			b.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	var took time.Duration
	for b.Loop() {
		rawExec(b, dir, `ALTER TABLE events DROP COLUMN hash`)
		start := time.Now()
		s, err := Open(dir, "bench", Options{Logger: quiet})
		if err != nil {
			b.Fatal(err)
		}
		took += time.Since(start)
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/took.Seconds(), "events/s")
}
