package server

import (
	"math"
	"testing"

	"zchat/internal/clock"
	"zchat/internal/wire"
)

// writes are one of each kind of write; each must succeed.
var writes = []struct {
	service string
	data    map[string]any
	status  string
}{
	{"login", map[string]any{"user": "ana"}, wire.StatusSuccess},
	{"login", map[string]any{"user": "bob"}, wire.StatusSuccess},
	{"channel", map[string]any{"channel": "geral"}, wire.StatusSuccess},
	{"publish", map[string]any{"user": "ana", "channel": "geral", "message": "oi"}, wire.StatusOK},
	{"message", map[string]any{"src": "ana", "dst": "bob", "message": "psst"}, wire.StatusOK},
}

func checkWrites(t *testing.T, h *Handler, channel string) {
	t.Helper()
	for _, w := range writes {
		data := map[string]any{}
		for k, v := range w.data {
			data[k] = v
		}
		if w.service == "channel" || w.service == "publish" {
			data["channel"] = channel
		}
		if m, _ := call(t, h, request(t, w.service, data)); status(m) != w.status {
			t.Fatalf("%s after forged clocks: %v", w.service, m.Data)
		}
	}
}

func status(m wire.Message) string { s, _ := m.OptString("status"); return s }

// A client's clock counts only up to the server's own plus the maximum
// jump: absurd clocks neither stop writes nor use up the clock space.
func TestClientClockJumpIsBounded(t *testing.T) {
	tests := []struct {
		name    string
		clock   any
		clamped bool
	}{
		{"int64 maximum", int64(math.MaxInt64), true},
		{"2^62", int64(1) << 62, true},
		{"uint64 maximum (unreadable, ignored)", uint64(math.MaxUint64), false},
		{"the maximum jump exactly", int64(clock.DefaultMaxJump), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHandler(t)
			const forged = 3
			for range forged {
				call(t, h, request(t, "users", map[string]any{"clock": tt.clock}))
			}
			want := uint64(0)
			if tt.clamped {
				want = forged
			}
			if got := h.ClampedClocks(); got != want {
				t.Fatalf("%d clamped, want %d", got, want)
			}
			checkWrites(t, h, "geral")
			// each forged request: the jump, its receive event, its reply
			if limit := uint64(forged*(clock.DefaultMaxJump+2) + 100); h.Lamport.Now() > limit {
				t.Fatalf("Lamport clock %d, want at most %d", h.Lamport.Now(), limit)
			}
		})
	}
}

// A peer can bring the clock to the ceiling (peers are not clamped); it
// stays there and writes go on: events tie on the clock, and the total
// order (clock, origin, seq) still orders them.
func TestWritesAtTheLamportCeiling(t *testing.T) {
	h := newHandler(t)
	h.Lamport.Observe(math.MaxInt64)
	checkWrites(t, h, "geral")
	call(t, h, request(t, "publish", map[string]any{"user": "ana", "channel": "geral", "message": "second"}))
	if h.Lamport.Now() != clock.Ceiling {
		t.Fatalf("Lamport clock %d, want the ceiling", h.Lamport.Now())
	}
	m, _ := call(t, h, request(t, "history", map[string]any{"channel": "geral"}))
	msgs, _ := m.Data["messages"].([]any)
	if len(msgs) != 2 || msgs[0].(map[string]any)["message"] != "oi" || msgs[1].(map[string]any)["message"] != "second" {
		t.Fatalf("history at the ceiling: %v", msgs)
	}
}
