package zmqx

import (
	"context"
	"fmt"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"
)

// An owner of two sockets that waits only on the Poller receives every
// message pushed to either, in bursts and one at a time: a lost signal
// would leave it waiting for the safety-net timeout, which is an hour.
func TestPollerWakesTheOwnerForEveryMessage(t *testing.T) {
	const total = 2000
	var socks []*zmq.Socket
	for i := range 2 {
		pull, err := zmq.NewSocket(zmq.PULL)
		if err != nil {
			t.Fatal(err)
		}
		defer pull.Close()
		addr := fmt.Sprintf("inproc://poller-test-%d-%d", time.Now().UnixNano(), i)
		if err := pull.Bind(addr); err != nil {
			t.Fatal(err)
		}
		socks = append(socks, pull)
		go push(t, addr, total)
	}
	p, err := NewPoller(context.Background(), socks...)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	got := 0
	deadline := time.Now().Add(10 * time.Second)
	for got < 2*total {
		for _, s := range socks {
			for {
				if _, err := s.RecvBytes(zmq.DONTWAIT); err != nil {
					break
				}
				got++
			}
		}
		if got == 2*total {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d messages received", got, 2*total)
		}
		p.Wait(time.Hour)
	}
}

// Wait returns at once when the context ends, and after about the timeout
// when nothing happens.
func TestPollerWaitEnds(t *testing.T) {
	s, err := zmq.NewSocket(zmq.PULL)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	p, err := NewPoller(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	s.RecvBytes(zmq.DONTWAIT) // drain, as an owner does
	start := time.Now()
	p.Wait(50 * time.Millisecond)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Wait with a 50 ms timeout took %v", d)
	}
	done := make(chan struct{})
	go func() { p.Wait(time.Hour); close(done) }()
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Wait did not return after the context ended")
	}
}
