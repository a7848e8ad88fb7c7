package proxy

import (
	"context"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/freeport"
)

func freeEndpoint(t *testing.T) string {
	t.Helper()
	ep, err := freeport.Endpoint()
	if err != nil {
		t.Fatal(err)
	}
	return ep
}

func socket(t *testing.T, typ zmq.Type, endpoint string) *zmq.Socket {
	t.Helper()
	s, err := zmq.NewSocket(typ)
	if err != nil {
		t.Fatal(err)
	}
	s.SetLinger(0)
	if err := s.Connect(endpoint); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestForwardsSubscribedTopicsAndStopsOnCancel(t *testing.T) {
	xsub, xpub := freeEndpoint(t), freeEndpoint(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, Config{XSub: xsub, XPub: xpub}) }()

	pub := socket(t, zmq.PUB, xsub)
	sub := socket(t, zmq.SUB, xpub)
	sub.SetSubscribe("general")
	sub.SetRcvtimeo(50 * time.Millisecond)

	// Subscriptions propagate asynchronously: publish until one arrives.
	deadline := time.Now().Add(5 * time.Second)
	for {
		if time.Now().After(deadline) {
			t.Fatal("no publication received through the proxy")
		}
		pub.SendMessage("other", "not for us")
		pub.SendMessage("general", "hello")
		frames, err := sub.RecvMessage(0)
		if err != nil {
			continue
		}
		if len(frames) != 2 || frames[0] != "general" || frames[1] != "hello" {
			t.Fatalf("received %q", frames)
		}
		break
	}

	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("shutdown took %v", d)
	}
}

func TestCancelBeforeTraffic(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := Run(ctx, Config{XSub: freeEndpoint(t), XPub: freeEndpoint(t)})
	if err != nil {
		t.Fatalf("Run with a cancelled context: %v", err)
	}
}
