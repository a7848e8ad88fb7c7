package broker

import (
	"testing"
	"time"
)

var t0 = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)

type step struct {
	at   time.Duration // since t0
	id   string
	ok   bool
	wait time.Duration // when refused
}

func TestLimiterDecisions(t *testing.T) {
	ms := time.Millisecond
	cases := []struct {
		name        string
		rate        float64
		burst, capa int
		steps       []step
		tracked     int // connections tracked after the last step
	}{
		{"burst then the rate", 10, 3, 100, []step{
			{0, "a", true, 0}, {0, "a", true, 0}, {0, "a", true, 0},
			{0, "a", false, 100 * ms},
			{50 * ms, "a", false, 50 * ms},
			{100 * ms, "a", true, 0},
			{100 * ms, "a", false, 100 * ms},
			{400 * ms, "a", true, 0}, {400 * ms, "a", true, 0}, {400 * ms, "a", true, 0}, // refilled, capped at the burst
			{400 * ms, "a", false, 100 * ms},
		}, 1},
		{"connections are independent", 10, 1, 100, []step{
			{0, "a", true, 0}, {0, "a", false, 100 * ms},
			{0, "b", true, 0}, {0, "b", false, 100 * ms},
			{10 * ms, "a", false, 90 * ms},
		}, 2},
		{"refused requests take no token", 1, 1, 100, []step{
			{0, "a", true, 0},
			{500 * ms, "a", false, 500 * ms}, {500 * ms, "a", false, 500 * ms},
			{time.Second, "a", true, 0},
		}, 1},
		{"idle buckets are forgotten once full", 10, 2, 100, []step{
			{0, "a", true, 0}, {0, "b", true, 0},
			{150 * ms, "b", true, 0},
			// at 1.1 s the sweep runs: a idle 1.1 s and b idle 0.95 s, both
			// beyond burst/rate = 200 ms; c is new.
			{1100 * ms, "c", true, 0},
		}, 1},
		{"a flood of new connections evicts the least recent", 10, 1, 2, []step{
			{0, "a", true, 0}, {0, "b", true, 0},
			{1 * ms, "a", false, 99 * ms}, // a is now the most recent
			{2 * ms, "c", true, 0},        // evicts b
			{3 * ms, "a", false, 97 * ms}, // a kept its state
			{4 * ms, "b", true, 0},        // b comes back with a fresh bucket, evicting c
			{5 * ms, "d", true, 0},
		}, 2},
		{"rate below one per second", 0.5, 1, 100, []step{
			{0, "a", true, 0}, {time.Second, "a", false, time.Second}, {2 * time.Second, "a", true, 0},
		}, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := newLimiter(c.rate, c.burst, c.capa)
			for i, s := range c.steps {
				ok, wait := l.allow([]byte(s.id), t0.Add(s.at))
				if ok != s.ok || (!ok && !near(wait, s.wait)) {
					t.Fatalf("step %d (%s at %v): got %v, wait %v; want %v, wait %v", i, s.id, s.at, ok, wait, s.ok, s.wait)
				}
			}
			if got := l.tracked(); got != c.tracked {
				t.Errorf("tracked %d connections, want %d", got, c.tracked)
			}
		})
	}
}

// near allows the float rounding of the bucket's arithmetic.
func near(got, want time.Duration) bool {
	d := got - want
	return d > -time.Microsecond && d < time.Microsecond
}

func TestLimiterOffAndBurstFloor(t *testing.T) {
	if newLimiter(0, 10, 10) != nil {
		t.Error("rate 0 must disable the limiter")
	}
	l := newLimiter(1, 0, 10) // burst below 1 counts as 1
	if ok, _ := l.allow([]byte("a"), t0); !ok {
		t.Error("first request refused with burst 0")
	}
}

func TestSweepBoundsMemoryOfIdleConnections(t *testing.T) {
	l := newLimiter(100, 10, 1000) // a bucket refills in 100 ms
	for i := range 500 {
		l.allow([]byte{byte(i >> 8), byte(i)}, t0)
	}
	if l.tracked() != 500 {
		t.Fatalf("tracked %d, want 500", l.tracked())
	}
	l.allow([]byte("late"), t0.Add(sweepEvery))
	if l.tracked() != 1 {
		t.Errorf("after the sweep: tracked %d, want only the new one", l.tracked())
	}
}

func TestRetryAfter(t *testing.T) {
	for _, c := range []struct {
		wait time.Duration
		want int64
	}{{0, 1}, {time.Nanosecond, 1}, {time.Millisecond, 1}, {1500 * time.Microsecond, 2}, {2 * time.Second, 2000}} {
		if got := retryAfter(c.wait); got != c.want {
			t.Errorf("retryAfter(%v) = %d, want %d", c.wait, got, c.want)
		}
	}
}
