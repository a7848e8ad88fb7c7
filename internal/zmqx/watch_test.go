package zmqx

import (
	"fmt"
	"syscall"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"
)

// An owner that waits only on Watch.C (no timer) receives every message a
// sender pushes in bursts and one at a time: a lost edge would leave it
// waiting and fail the test.
func TestWatchWakesTheOwnerForEveryMessage(t *testing.T) {
	const total = 2000
	pull, err := zmq.NewSocket(zmq.PULL)
	if err != nil {
		t.Fatal(err)
	}
	defer pull.Close()
	addr := fmt.Sprintf("inproc://watch-test-%d", time.Now().UnixNano())
	if err := pull.Bind(addr); err != nil {
		t.Fatal(err)
	}
	w, err := NewWatch(pull)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	go push(t, addr, total)

	got := 0
	for got < total {
		for Readable(pull) {
			if _, err := pull.RecvBytes(zmq.DONTWAIT); err == nil {
				got++
			}
		}
		if got == total {
			break
		}
		select {
		case <-w.C:
		case <-time.After(5 * time.Second):
			t.Fatalf("no wake-up with %d of %d messages received", got, total)
		}
	}
}

// push owns a PUSH socket and sends n messages, in bursts of up to 50 with
// short pauses between them, so the receiver is caught both busy and idle.
func push(t *testing.T, addr string, n int) {
	s, err := zmq.NewSocket(zmq.PUSH)
	if err != nil {
		t.Error(err)
		return
	}
	defer s.Close()
	if err := s.Connect(addr); err != nil {
		t.Error(err)
		return
	}
	for i := 0; i < n; i++ {
		if _, err := s.Send("m", 0); err != nil {
			t.Error(err)
			return
		}
		if i%50 == 49 {
			time.Sleep(time.Duration(i%7) * 100 * time.Microsecond)
		}
	}
}

// Close returns once the watch's goroutine has stopped, and leaves the
// socket usable.
func TestWatchCloseLeavesSocketOpen(t *testing.T) {
	s, err := zmq.NewSocket(zmq.PAIR)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	w, err := NewWatch(s)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { w.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return")
	}
	if _, err := s.GetFd(); err != nil {
		t.Fatalf("socket unusable after Close: %v", err)
	}
}

// A descriptor the netpoller would not take (blocking) is refused rather
// than watched in silence.
func TestRequireNonblocking(t *testing.T) {
	var p [2]int
	if err := syscall.Pipe(p[:]); err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(p[0])
	defer syscall.Close(p[1])
	if err := requireNonblocking(p[0]); err == nil {
		t.Error("a blocking pipe was accepted")
	}
	if err := syscall.SetNonblock(p[0], true); err != nil {
		t.Fatal(err)
	}
	if err := requireNonblocking(p[0]); err != nil {
		t.Errorf("a non-blocking pipe was refused: %v", err)
	}
}
