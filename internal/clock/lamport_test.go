package clock

import (
	"math"
	"sync"
	"testing"
)

// lamportOp is one event applied to a clock: a send (tick) or a receive
// carrying the sender's clock.
type lamportOp struct {
	receive  bool
	received uint64
	want     uint64
}

func send(want uint64) lamportOp { return lamportOp{want: want} }

func receive(received, want uint64) lamportOp {
	return lamportOp{receive: true, received: received, want: want}
}

func TestLamportRule(t *testing.T) {
	tests := []struct {
		name string
		ops  []lamportOp
	}{
		{"sends count up from zero", []lamportOp{send(1), send(2), send(3)}},
		{"receive of a larger clock jumps past it", []lamportOp{receive(10, 11), send(12)}},
		{"receive of a smaller clock still counts", []lamportOp{send(1), send(2), send(3), receive(1, 4)}},
		{"receive of an equal clock counts once", []lamportOp{send(1), receive(1, 2)}},
		{"receive of zero (clock missing) counts", []lamportOp{receive(0, 1), receive(0, 2)}},
		{"interleaved sends and receives", []lamportOp{send(1), receive(5, 6), send(7), receive(3, 8), receive(20, 21)}},
		{"the ceiling saturates instead of passing it", []lamportOp{receive(Ceiling, Ceiling), send(Ceiling), receive(5, Ceiling)}},
		{"one below the ceiling reaches it", []lamportOp{receive(Ceiling-1, Ceiling), send(Ceiling)}},
		{"above the ceiling counts as the ceiling", []lamportOp{receive(Ceiling+1, Ceiling), receive(math.MaxUint64, Ceiling)}},
		{"the ceiling is int64's maximum", []lamportOp{receive(math.MaxInt64, math.MaxInt64)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var l Lamport
			for i, op := range tt.ops {
				got := apply(&l, op)
				if got != op.want || l.Now() != op.want {
					t.Fatalf("op %d (%+v): got %d, Now %d, want %d", i, op, got, l.Now(), op.want)
				}
			}
		})
	}
}

func apply(l *Lamport, op lamportOp) uint64 {
	if op.receive {
		return l.Observe(op.received)
	}
	return l.Tick()
}

func TestLamportNowDoesNotCount(t *testing.T) {
	var l Lamport
	l.Tick()
	if l.Now() != 1 || l.Now() != 1 {
		t.Fatalf("Now changed the clock: %d", l.Now())
	}
}

// Every event counts exactly once and each caller gets a distinct value,
// whatever the interleaving.
func TestLamportConcurrentEventsAllCount(t *testing.T) {
	const goroutines, events = 8, 1000
	var l Lamport
	seen := make(chan uint64, goroutines*events)
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range events {
				seen <- concurrentEvent(&l, g, i)
			}
		})
	}
	wg.Wait()
	close(seen)
	assertDistinct(t, seen)
	if l.Now() != goroutines*events {
		t.Fatalf("Now = %d, want %d", l.Now(), goroutines*events)
	}
}

// concurrentEvent alternates sends and receives of clocks that are always
// behind, so the final value is exactly the number of events.
func concurrentEvent(l *Lamport, g, i int) uint64 {
	if (g+i)%2 == 0 {
		return l.Tick()
	}
	return l.Observe(0)
}

func assertDistinct(t *testing.T, values <-chan uint64) {
	t.Helper()
	seen := map[uint64]bool{}
	for v := range values {
		if seen[v] {
			t.Fatalf("value %d handed out twice", v)
		}
		seen[v] = true
	}
}
