// Package authtest lets tests see how a socket's ZMTP handshake ended
// (accepted, refused by authentication, or failed on the protocol), so
// that a test of a refused client waits for the refusal itself instead of
// for a reply that does not come.
package authtest

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"
)

var monitorSeq atomic.Uint64

// handshakeEvents are the events that end a handshake.
const handshakeEvents = zmq.EVENT_HANDSHAKE_SUCCEEDED | zmq.EVENT_HANDSHAKE_FAILED_AUTH |
	zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL | zmq.EVENT_HANDSHAKE_FAILED_NO_DETAIL

// Watch monitors s, which must not be connected yet, and returns a
// function that waits (up to timeout) for the end of its first handshake
// and returns that event, then stops the monitor. Call it from the
// goroutine that owns s, exactly once.
func Watch(t testing.TB, s *zmq.Socket) (wait func(timeout time.Duration) zmq.Event) {
	t.Helper()
	zctx, err := s.Context()
	if err != nil {
		t.Fatal(err)
	}
	ep := fmt.Sprintf("inproc://authtest-monitor-%d", monitorSeq.Add(1))
	if err := s.Monitor(ep, handshakeEvents); err != nil {
		t.Fatal(err)
	}
	reader, err := zctx.NewSocket(zmq.PAIR)
	if err == nil {
		err = reader.Connect(ep)
	}
	if err != nil {
		t.Fatal(err)
	}
	return func(timeout time.Duration) zmq.Event {
		t.Helper()
		reader.SetRcvtimeo(timeout)
		ev, _, _, err := reader.RecvEvent(0)
		// Stop the monitor before closing its reader: libzmq's I/O thread
		// blocks for good on an event sent to a closed reader (#3575).
		s.Monitor("", 0)
		reader.Close()
		if err != nil {
			t.Fatalf("no handshake within %v: %v", timeout, err)
		}
		return ev
	}
}

// Refused tells whether a handshake event is a refusal (by authentication
// or because the two ends do not speak the same mechanism).
func Refused(ev zmq.Event) bool {
	return ev&(zmq.EVENT_HANDSHAKE_FAILED_AUTH|zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL|zmq.EVENT_HANDSHAKE_FAILED_NO_DETAIL) != 0
}
