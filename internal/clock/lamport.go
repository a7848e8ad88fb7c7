package clock

import (
	"math"
	"sync/atomic"
)

// Ceiling is the largest Lamport clock: int64's maximum, the largest value
// every layer can store and carry (the store's SQLite INTEGER, wire.AsInt,
// readers in other languages that decode MessagePack integers as int64).
// A clock that reaches it stays there and nothing fails: later events tie
// on the clock and the total order (clock, origin, seq) still separates
// them. Only a peer can bring a clock this high; the jump rule (Bound)
// keeps clients and strangers far below it.
const Ceiling uint64 = math.MaxInt64

// Lamport is a goroutine-safe Lamport logical clock. The zero value is a
// clock at 0, ready to use. Its value never exceeds Ceiling.
type Lamport struct {
	counter atomic.Uint64
}

// Tick counts a send event and returns the value to put in the message's
// clock field.
func (l *Lamport) Tick() uint64 {
	return l.update(func(own uint64) uint64 { return next(own) })
}

// Observe counts a receive event carrying the clock of a cluster member
// (a peer server, the reference): the counter becomes max(own, received)
// + 1, however far ahead received is. It returns the new value. Messages
// from outside the cluster go through ObserveBounded.
func (l *Lamport) Observe(received uint64) uint64 {
	return l.update(func(own uint64) uint64 { return next(max(own, received)) })
}

// ObserveBounded counts a receive event from outside the cluster (a
// client's request, a publication anyone could have sent): received counts
// only up to own + maxJump (see Bound). It returns the new value and
// whether received was clamped.
func (l *Lamport) ObserveBounded(received, maxJump uint64) (v uint64, clamped bool) {
	v = l.update(func(own uint64) uint64 {
		bounded := Bound(own, received, maxJump)
		clamped = bounded < received
		return next(max(own, bounded))
	})
	return v, clamped
}

// Now returns the current value without counting an event.
func (l *Lamport) Now() uint64 { return l.counter.Load() }

// update applies rule atomically, retrying when another goroutine moved
// the counter between the read and the write.
func (l *Lamport) update(rule func(own uint64) uint64) uint64 {
	for {
		own := l.counter.Load()
		v := rule(own)
		if l.counter.CompareAndSwap(own, v) {
			return v
		}
	}
}

// next counts one event. It saturates at Ceiling instead of passing it (or
// wrapping to 0): a peer that sends the largest possible clock must make
// ours neither unstorable nor run backwards. A received clock above the
// ceiling counts as the ceiling.
func next(v uint64) uint64 {
	if v >= Ceiling {
		return Ceiling
	}
	return v + 1
}
