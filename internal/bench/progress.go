package bench

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// startProgress rewrites one status line on w every second until the
// returned stop is called. w is meant to be a terminal; nil disables it.
func startProgress(w io.Writer, live *liveCounters, ctl *control) (stop func()) {
	if w == nil {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		begin, last, lastN := time.Now(), time.Now(), int64(0)
		for {
			select {
			case <-done:
				fmt.Fprint(w, "\r\033[K")
				return
			case now := <-t.C:
				n := live.requests.Load()
				phase := "warmup"
				if ctl.phase.Load() == phaseMeasure {
					phase = "measure"
				}
				fmt.Fprintf(w, "\r\033[K[%5.1fs %s] %d requests, %.0f req/s, %d errors, %d retries",
					now.Sub(begin).Seconds(), phase, n, float64(n-lastN)/now.Sub(last).Seconds(),
					live.errors.Load(), live.retries.Load())
				last, lastN = now, n
			}
		}
	})
	return func() { close(done); wg.Wait() }
}
