package auth

import (
	"testing"
	"time"
)

func TestThrottle(t *testing.T) {
	t0 := time.Unix(1000, 0)
	th := newThrottle(time.Minute, 3)
	logged := 0
	for i := range 100 {
		if th.allow(t0.Add(time.Duration(i) * time.Millisecond)) {
			logged++
		}
	}
	if logged != 3 {
		t.Fatalf("logged %d of a burst of 100, want 3", logged)
	}
	if n := th.flush(t0.Add(30 * time.Second)); n != 0 {
		t.Fatalf("flush within the window reported %d", n)
	}
	if n := th.flush(t0.Add(61 * time.Second)); n != 97 {
		t.Fatalf("flush after the window reported %d, want 97", n)
	}
	if !th.allow(t0.Add(62 * time.Second)) {
		t.Fatal("a new window logs again")
	}
	// A quiet window ends without a flush: the next refusal opens a new one.
	if !th.allow(t0.Add(5*time.Minute)) || !th.allow(t0.Add(5*time.Minute)) {
		t.Fatal("refusals after a quiet spell are logged")
	}
	if n := th.flush(t0.Add(10 * time.Minute)); n != 0 {
		t.Fatalf("nothing was suppressed, flush reported %d", n)
	}
}
