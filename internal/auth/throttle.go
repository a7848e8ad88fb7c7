package auth

import "time"

// throttle bounds how many refusals are logged one by one: at most burst
// per window; the rest are only counted and summed up in one line when
// the window ends. A flood of bad handshakes costs a line or two a minute.
type throttle struct {
	window     time.Duration
	burst      int
	start      time.Time // of the current window
	logged     int       // lines in the current window
	suppressed int       // refusals counted but not logged in it
}

func newThrottle(window time.Duration, burst int) *throttle {
	return &throttle{window: window, burst: burst}
}

// allow tells whether the refusal seen at now may be logged; if not, it
// is counted.
func (t *throttle) allow(now time.Time) bool {
	t.roll(now)
	if t.logged < t.burst {
		t.logged++
		return true
	}
	t.suppressed++
	return false
}

// flush ends the window if it is over and returns how many refusals it
// did not log (0 while it lasts).
func (t *throttle) flush(now time.Time) int {
	if now.Sub(t.start) < t.window {
		return 0
	}
	n := t.suppressed
	t.start, t.logged, t.suppressed = now, 0, 0
	return n
}

// roll starts a new window at now if the current one is over. Refusals
// the old one suppressed stay counted until flush reports them.
func (t *throttle) roll(now time.Time) {
	if now.Sub(t.start) >= t.window && t.suppressed == 0 {
		t.start, t.logged = now, 0
	}
}
