package clock

import (
	"math"
	"testing"
)

func TestBound(t *testing.T) {
	tests := []struct {
		name                   string
		own, received, maxJump uint64
		want                   uint64
	}{
		{"behind: unchanged", 100, 50, 10, 50},
		{"ahead within the jump: unchanged", 100, 110, 10, 110},
		{"ahead beyond the jump: clamped", 100, 111, 10, 110},
		{"absurd: clamped", 100, math.MaxInt64, 10, 110},
		{"zero jump is the default", 0, math.MaxInt64, 0, DefaultMaxJump},
		{"default jump taken whole", 7, 7 + DefaultMaxJump, 0, 7 + DefaultMaxJump},
		{"own near the ceiling: the limit saturates", Ceiling - 3, math.MaxUint64, 10, Ceiling},
		{"own at the ceiling", Ceiling, Ceiling, 10, Ceiling},
		{"huge jump saturates", 5, math.MaxUint64, math.MaxUint64, Ceiling},
		{"received above the ceiling, own far below", 0, math.MaxUint64, 1 << 62, 1 << 62},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Bound(tt.own, tt.received, tt.maxJump); got != tt.want {
				t.Fatalf("Bound(%d, %d, %d) = %d, want %d", tt.own, tt.received, tt.maxJump, got, tt.want)
			}
		})
	}
}

// boundedOp is a receive from outside the cluster, a receive from a peer
// or a send, and the clock and clamping it must produce.
type boundedOp struct {
	peer        bool // Observe, not ObserveBounded
	send        bool
	received    uint64
	want        uint64
	wantClamped bool
}

func outside(received, want uint64, clamped bool) boundedOp {
	return boundedOp{received: received, want: want, wantClamped: clamped}
}

func TestLamportJumpRule(t *testing.T) {
	const jump = 1000
	tests := []struct {
		name string
		ops  []boundedOp
	}{
		{"a client just ahead is taken whole", []boundedOp{outside(500, 501, false), outside(1501, 1502, false)}},
		{"a client behind counts like any receive", []boundedOp{outside(500, 501, false), outside(3, 502, false)}},
		{"int64's maximum is clamped to own + jump", []boundedOp{outside(math.MaxInt64, jump+1, true)}},
		{"2^62 is clamped too", []boundedOp{outside(1<<62, jump+1, true)}},
		{"repeated absurd clocks advance by the jump each", []boundedOp{
			outside(math.MaxInt64, jump+1, true), outside(math.MaxInt64, 2*jump+2, true), outside(math.MaxInt64, 3*jump+3, true),
		}},
		{"the limit follows own clock moved by a peer", []boundedOp{
			{peer: true, received: 1 << 40, want: 1<<40 + 1}, outside(1<<40+jump, 1<<40+jump+1, false), outside(1<<41, 1<<40+2*jump+2, true),
		}},
		{"a peer is never clamped", []boundedOp{{peer: true, received: 1 << 62, want: 1<<62 + 1}}},
		{"a peer at the ceiling, then a client: no overflow", []boundedOp{
			{peer: true, received: math.MaxInt64, want: Ceiling}, outside(math.MaxInt64, Ceiling, false), {send: true, want: Ceiling},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var l Lamport
			for i, op := range tt.ops {
				got, clamped := applyBounded(&l, op, jump)
				if got != op.want || clamped != op.wantClamped || l.Now() != op.want {
					t.Fatalf("op %d (%+v): got %d clamped %v, Now %d", i, op, got, clamped, l.Now())
				}
			}
		})
	}
}

func applyBounded(l *Lamport, op boundedOp, jump uint64) (uint64, bool) {
	switch {
	case op.send:
		return l.Tick(), false
	case op.peer:
		return l.Observe(op.received), false
	}
	return l.ObserveBounded(op.received, jump)
}

// However many absurd clocks arrive from outside, concurrently, the clock
// moves by at most jump+1 per receive.
func TestLamportJumpRuleConcurrent(t *testing.T) {
	const goroutines, receives, jump = 4, 500, 1 << 20
	var l Lamport
	done := make(chan struct{})
	for range goroutines {
		go func() {
			defer func() { done <- struct{}{} }()
			for range receives {
				l.ObserveBounded(math.MaxInt64, jump)
			}
		}()
	}
	for range goroutines {
		<-done
	}
	if want := uint64(goroutines * receives * (jump + 1)); l.Now() != want {
		t.Fatalf("Now = %d, want exactly %d", l.Now(), want)
	}
}
