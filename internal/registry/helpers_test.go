package registry

import (
	"context"
	"log/slog"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/auth"
	"zchat/internal/freeport"
	"zchat/internal/wire"
)

// testKey is the cluster key of the tests' references; members holds it.
var (
	testKey = mustKey()
	members = auth.WithKey(testKey, slog.New(slog.DiscardHandler))
)

func mustKey() auth.Key {
	k, err := auth.GenerateKey()
	if err != nil {
		panic(err)
	}
	return k
}

func freeEndpoint(t *testing.T) string {
	t.Helper()
	ep, err := freeport.Endpoint()
	if err != nil {
		t.Fatal(err)
	}
	return ep
}

// startReference runs Run on endpoint until the returned stop (also
// called at cleanup) is called.
func startReference(t *testing.T, endpoint, dir string, timeout time.Duration) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Config{Bind: endpoint, DataDir: dir, HeartbeatTimeout: timeout, Cluster: members})
	}()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Errorf("Run did not stop")
		}
	}
	t.Cleanup(stop)
	return stop
}

// rawCall sends one frame on a fresh REQ socket, as a member, and returns
// the reply.
func rawCall(t *testing.T, endpoint string, frame []byte) []byte {
	t.Helper()
	s, err := zmq.NewSocket(zmq.REQ)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.SetLinger(0)
	s.SetRcvtimeo(5 * time.Second)
	if err := members.Client(s); err != nil {
		t.Fatal(err)
	}
	if err := s.Connect(endpoint); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SendBytes(frame, 0); err != nil {
		t.Fatal(err)
	}
	reply, err := s.RecvBytes(0)
	if err != nil {
		t.Fatalf("no reply: %v", err)
	}
	return reply
}

// call sends a MessagePack request and decodes the reply.
func call(t *testing.T, endpoint, service string, data map[string]any) wire.Message {
	t.Helper()
	frame, err := wire.Encode(wire.MsgPack, service, data, 1, nowSeconds())
	if err != nil {
		t.Fatal(err)
	}
	msg, err := wire.Decode(rawCall(t, endpoint, frame), 0)
	if err != nil {
		t.Fatalf("reply to %s: %v", service, err)
	}
	return msg
}

func rankOf(t *testing.T, endpoint, name string) int {
	t.Helper()
	reply := call(t, endpoint, "rank", map[string]any{"user": name, "address": "tcp://" + name})
	r, err := reply.OptInt("rank", -1)
	if err != nil || r < 1 {
		t.Fatalf("rank of %s: reply %v", name, reply.Data)
	}
	return int(r)
}

func listOf(t *testing.T, endpoint string) []Member {
	t.Helper()
	reply := call(t, endpoint, "list", map[string]any{})
	l, ok := parseList(reply.Data["list"])
	if !ok {
		t.Fatalf("list reply %v", reply.Data)
	}
	return l
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
