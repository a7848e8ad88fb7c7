package conformance

import (
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"
)

// TestPollInWithAPassedDeadlineReturns: recvWithin can hand pollIn a
// negative slice when its deadline passes between two clock readings.
func TestPollInWithAPassedDeadlineReturns(t *testing.T) {
	s, err := zmq.NewSocket(zmq.PULL)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	done := make(chan bool, 1)
	go func() {
		ready, _ := pollIn(s, -time.Nanosecond)
		done <- ready
	}()
	select {
	case ready := <-done:
		if ready {
			t.Fatal("empty socket reported readable")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("pollIn with a negative wait did not return: zmq_poll waits forever")
	}
}
