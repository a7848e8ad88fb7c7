package client

import (
	"sync/atomic"
	"time"

	"zchat/internal/clock"
)

// lamport is the client's Lamport clock and when it last heard one of the
// cluster's. Replies answer our own requests and come from the cluster's
// servers through the broker: their clocks count whole, like a peer's on
// a server. Publications come through the proxy, where anyone can
// publish: their clocks count only up to ours plus idleJump of the time
// since we last heard a clock. So a forged clock cannot carry the client
// (and through its next requests the servers) towards the ceiling, while
// an honest publication after a quiet spell, from a cluster that counted
// many events meanwhile, still counts whole.
type lamport struct {
	clock.Lamport
	heard atomic.Int64 // unix nanoseconds of the last clock observed
}

func newLamport() *lamport {
	l := &lamport{}
	l.heard.Store(time.Now().UnixNano())
	return l
}

// observeReply counts a reply's receive event.
func (l *lamport) observeReply(received uint64) {
	l.Observe(received)
	l.heard.Store(time.Now().UnixNano())
}

// observePublication counts a publication's receive event under the jump
// rule; it reports whether the clock was clamped.
func (l *lamport) observePublication(received uint64) bool {
	now := time.Now().UnixNano()
	idle := time.Duration(now - l.heard.Swap(now))
	_, clamped := l.ObserveBounded(received, idleJump(idle))
	return clamped
}

// idleJump is how far ahead of ours a publication's clock may be after we
// heard nothing for idle: clock.DefaultMaxJump, plus as much again for
// every second of silence. A cluster counts far fewer than 2^20 events a
// second (tens of thousands at most, BENCHMARKS.md), so an honest clock is
// never clamped however long the client was idle; a forger gains 2^20 per
// publication or per second waited, 2^43 of either to exhaust the clocks.
//
// It cannot overflow: a Duration holds under 2^34 seconds, and 2^34 * 2^20
// is far below the ceiling.
func idleJump(idle time.Duration) uint64 {
	seconds := uint64(max(idle, 0) / time.Second)
	return clock.DefaultMaxJump * (1 + seconds)
}
