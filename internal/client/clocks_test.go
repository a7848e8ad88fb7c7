package client

import (
	"context"
	"math"
	"testing"
	"testing/synctest"
	"time"

	"zchat/internal/client/clienttest"
	"zchat/internal/clock"
)

func TestIdleJump(t *testing.T) {
	const j = clock.DefaultMaxJump
	tests := []struct {
		idle time.Duration
		want uint64
	}{
		{0, j},
		{-time.Hour, j}, // a system clock stepped back
		{999 * time.Millisecond, j},
		{time.Second, 2 * j},
		{time.Hour, 3601 * j},
		{math.MaxInt64, (1 + math.MaxInt64/uint64(time.Second)) * j}, // the longest idle: no overflow
	}
	for _, tt := range tests {
		if got := idleJump(tt.idle); got != tt.want {
			t.Errorf("idleJump(%v) = %d, want %d", tt.idle, got, tt.want)
		}
	}
}

// Replies count whole; publications up to the jump, which grows with the
// time since the client last heard a clock.
func TestClientLamportRules(t *testing.T) {
	const j = clock.DefaultMaxJump
	tests := []struct {
		name string
		run  func(l *lamport) // in a synctest bubble: time.Sleep is virtual
		want uint64
	}{
		{"a reply counts whole", func(l *lamport) { l.observeReply(1 << 40) }, 1<<40 + 1},
		{"a reply at the ceiling stays there", func(l *lamport) { l.observeReply(math.MaxInt64); l.Tick() }, clock.Ceiling},
		{"a forged publication is clamped", func(l *lamport) { l.observePublication(math.MaxInt64) }, j + 1},
		{"a flood advances by the jump each", func(l *lamport) {
			for range 3 {
				l.observePublication(math.MaxInt64)
			}
		}, 3 * (j + 1)},
		{"after a reply, the jump counts from the reply's clock", func(l *lamport) {
			l.observeReply(1 << 40)
			l.observePublication(1 << 62)
		}, 1<<40 + 1 + j + 1},
		{"an honest publication after an idle hour counts whole", func(l *lamport) {
			l.observeReply(1000)
			time.Sleep(time.Hour)
			l.observePublication(1000 + 3600*10_000) // a cluster counting 10,000 events a second
		}, 1000 + 3600*10_000 + 1},
		{"the idle allowance is used up by one publication", func(l *lamport) {
			time.Sleep(10 * time.Second)
			l.observePublication(math.MaxInt64)
			l.observePublication(math.MaxInt64)
		}, 11*j + 1 + j + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				l := newLamport()
				tt.run(l)
				if got := l.Now(); got != tt.want {
					t.Fatalf("clock %d, want %d", got, tt.want)
				}
			})
		})
	}
}

// Anyone can publish through the proxy: a publication carrying int64's
// maximum is delivered, but moves the client's clock by the jump only.
func TestForgedPublicationClockIsBounded(t *testing.T) {
	pub := clienttest.StartPublisher(t)
	c := New(testConfig("tcp://127.0.0.1:1", pub.Endpoint))
	defer c.Close()
	if err := c.Subscribe(context.Background(), "geral"); err != nil {
		t.Fatal(err)
	}
	m := receiveWhilePublishing(t, c, pub, func() {
		pub.Publish(t, "geral", packed(t, map[string]any{"user": "x", "message": "forged", "clock": int64(math.MaxInt64)}))
	})
	if m.Text != "forged" {
		t.Fatalf("got %+v", m)
	}
	drain(c.Messages(), 100*time.Millisecond) // the copies published while waiting
	if got := c.Clock(); got == 0 || got > 20*(clock.DefaultMaxJump+1) {
		t.Fatalf("clock %d after forged publications, want at most the jump per publication", got)
	}
}
