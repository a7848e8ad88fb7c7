package store

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zchat"
)

// BenchmarkSubmitLogins measures durable logins of new users per second
// with 16 submitters: each is checked against the existing users'
// look-alike keys.
func BenchmarkSubmitLogins(b *testing.B) {
	s := openT(b, "bench", Options{})
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for range 16 {
		wg.Go(func() {
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					return
				}
				if _, err := s.Submit(context.Background(), login(fmt.Sprintf("user-%x", i), uint64(i))); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "logins/s")
}

// BenchmarkOpenWithUsers measures Open of a data directory holding 50 000
// users and channels, which loads them (and indexes their look-alike keys).
func BenchmarkOpenWithUsers(b *testing.B) {
	const n = 50_000
	dir := b.TempDir()
	s := openDirT(b, dir, "bench", Options{})
	evs := make([]zchat.Event, 0, 2*n)
	for i := range n {
		for _, e := range []zchat.Event{
			{Kind: zchat.KindLogin, User: fmt.Sprintf("user-%x", i)},
			{Kind: zchat.KindChannel, User: "u", Target: fmt.Sprintf("chan-%x", i)},
		} {
			e.Origin, e.Seq, e.Clock, e.Time = "peer.1", uint64(len(evs)+1), uint64(len(evs)+1), 1
			evs = append(evs, e)
		}
	}
	for i := 0; i < len(evs); i += 5000 {
		if _, err := s.Apply(context.Background(), evs[i:i+5000]); err != nil {
			b.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		s, err := Open(dir, "bench", Options{Logger: quiet})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
}
