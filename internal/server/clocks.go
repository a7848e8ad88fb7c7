package server

import "zchat/internal/clock"

// observeClient counts the receive event of a request from outside the
// cluster (through the broker: any client, honest or not). Its clock
// counts only up to ours plus clock.DefaultMaxJump (clock.Bound): a
// client cannot move the server's clock, and through replication every
// server's, to the ceiling. Honest clients are never that far ahead (docs/coordination.md,
// "Lamport clocks"). A request without a clock is not a receive event of
// the Lamport rule; the reply still ticks.
func (h *Handler) observeClient(received uint64) {
	if received == 0 {
		return
	}
	if _, clamped := h.Lamport.ObserveBounded(received, clock.DefaultMaxJump); clamped {
		h.clamped.Add(1)
	}
}

// ClampedClocks is how many client clocks the jump rule clamped.
func (h *Handler) ClampedClocks() uint64 { return h.clamped.Load() }
