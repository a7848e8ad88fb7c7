package attack_test

import (
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/wire"
)

// rawAsk sends frame as it is through a REQ socket and decodes the reply.
func rawAsk(t *testing.T, ep string, frame []byte) wire.Message {
	t.Helper()
	s, err := zmq.NewSocket(zmq.REQ)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.SetLinger(0)
	s.SetRcvtimeo(5 * time.Second)
	if err := s.Connect(ep); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SendBytes(frame, 0); err != nil {
		t.Fatal(err)
	}
	reply, err := s.RecvBytes(0)
	if err != nil {
		t.Fatalf("no reply from %s: %v", ep, err)
	}
	m, err := wire.Decode(reply, 0)
	if err != nil {
		t.Fatalf("undecodable reply %q: %v", reply, err)
	}
	return m
}

// subscribe returns a SUB socket on ep following topics, once a
// subscription has had time to reach the proxy.
func subscribe(t *testing.T, ep string, topics ...string) *zmq.Socket {
	t.Helper()
	s, err := zmq.NewSocket(zmq.SUB)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	s.SetLinger(0)
	for _, topic := range topics {
		s.SetSubscribe(topic)
	}
	if err := s.Connect(ep); err != nil {
		t.Fatal(err)
	}
	return s
}

// receiveFor collects what s receives during d.
func receiveFor(s *zmq.Socket, d time.Duration) [][]string {
	var out [][]string
	poller := zmq.NewPoller()
	poller.Add(s, zmq.POLLIN)
	for deadline := time.Now().Add(d); ; {
		left := time.Until(deadline)
		if left <= 0 {
			return out
		}
		polled, err := poller.Poll(left)
		if err != nil || len(polled) == 0 {
			return out
		}
		if frames, err := s.RecvMessage(zmq.DONTWAIT); err == nil {
			out = append(out, frames)
		}
	}
}

// names reads a list of strings from a reply.
func names(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, item := range list {
		if s, ok := wire.AsString(item); ok {
			out = append(out, s)
		}
	}
	return out
}
