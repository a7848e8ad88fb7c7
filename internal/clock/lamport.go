package clock

import (
	"math"
	"sync/atomic"
)

// Lamport is a goroutine-safe Lamport logical clock. The zero value is a
// clock at 0, ready to use.
type Lamport struct {
	counter atomic.Uint64
}

// Tick counts a send event and returns the value to put in the message's
// clock field.
func (l *Lamport) Tick() uint64 {
	return l.update(func(own uint64) uint64 { return next(own) })
}

// Observe counts a receive event carrying the sender's clock: the counter
// becomes max(own, received) + 1. It returns the new value.
func (l *Lamport) Observe(received uint64) uint64 {
	return l.update(func(own uint64) uint64 { return next(max(own, received)) })
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

// next counts one event. It saturates instead of wrapping to 0: a peer
// that sends the largest possible clock must not make ours run backwards.
func next(v uint64) uint64 {
	if v == math.MaxUint64 {
		return v
	}
	return v + 1
}
