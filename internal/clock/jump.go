package clock

// DefaultMaxJump is how far ahead of our own clock a clock received from
// outside the cluster may be, in events: 2^20, about a million.
//
// Honest senders stay well within it. A client's clock is made of the
// clocks of the cluster's replies and publications plus one tick per
// request, so it is ahead of a server by at most what the other servers
// counted since that server last heard from them. Servers hear from each
// other many times a second (a follower and the coordinator every 100 ms,
// every replicated batch), and a cluster counts a few events per request
// while answering under 10,000 requests/s even for requests that do no
// work (BENCHMARKS.md). So honest gaps are thousands of events, tens of
// thousands on a machine ten times faster: 2^20 leaves a wide margin.
//
// A dishonest sender moves a server's clock by at most 2^20 + 3 per
// request (the jump, the receive event, a write's event, the reply), so
// exhausting the 2^63 clocks below Ceiling takes 2^43 (about 9 * 10^12)
// requests: 28 years at 10,000 requests/s; clocks stay below 2^53 (exact
// in a JavaScript number) for about 2^33 (9 * 10^9) requests, ten days of
// such a flood.
const DefaultMaxJump uint64 = 1 << 20

// Bound returns received clamped to at most own + maxJump (saturating at
// Ceiling): the part of a received clock that a receive event takes into
// account when the sender is outside the cluster. maxJump 0 means
// DefaultMaxJump. A clamped message loses the Lamport guarantee towards
// the events its sender had seen (what the receiver counts next may sort
// before them); nothing else changes, and honest senders are never
// clamped (see DefaultMaxJump).
func Bound(own, received, maxJump uint64) uint64 {
	if maxJump == 0 {
		maxJump = DefaultMaxJump
	}
	limit := Ceiling
	if own < Ceiling && maxJump < Ceiling-own {
		limit = own + maxJump
	}
	return min(received, limit)
}
