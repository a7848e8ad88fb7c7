package proxy

import (
	"context"
	"log/slog"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/auth"
	"zchat/internal/auth/authtest"
	"zchat/internal/freeport"
)

func freeEndpoint(t testing.TB) string {
	t.Helper()
	ep, err := freeport.Endpoint()
	if err != nil {
		t.Fatal(err)
	}
	return ep
}

// newMembers is a cluster of its own for one proxy.
func newMembers(t testing.TB) (auth.Key, auth.Cluster) {
	t.Helper()
	k, err := auth.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k, auth.WithKey(k, slog.New(slog.DiscardHandler))
}

// socket connects a socket of type typ to endpoint as a client of cluster.
func socket(t *testing.T, typ zmq.Type, endpoint string, cluster auth.Cluster) *zmq.Socket {
	t.Helper()
	s, err := zmq.NewSocket(typ)
	if err != nil {
		t.Fatal(err)
	}
	s.SetLinger(0)
	if err := cluster.Client(s); err != nil {
		t.Fatal(err)
	}
	if err := s.Connect(endpoint); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestForwardsSubscribedTopicsAndStopsOnCancel(t *testing.T) {
	xsub, xpub := freeEndpoint(t), freeEndpoint(t)
	_, members := newMembers(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, Config{XSub: xsub, XPub: xpub, Cluster: members}) }()

	pub := socket(t, zmq.PUB, xsub, members)
	sub := socket(t, zmq.SUB, xpub, auth.Open()) // subscribers are anybody
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

// A publisher without the cluster key is refused at the XSUB: its forged
// publication never reaches a subscriber, while a member's on the same
// topic does.
func TestXSubRefusesOutsiders(t *testing.T) {
	xsub, xpub := freeEndpoint(t), freeEndpoint(t)
	key, members := newMembers(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, Config{XSub: xsub, XPub: xpub, Cluster: members}) }()
	t.Cleanup(func() { cancel(); <-done })

	forger, err := zmq.NewSocket(zmq.PUB)
	if err != nil {
		t.Fatal(err)
	}
	defer forger.Close()
	forger.SetLinger(0)
	other, _ := auth.GenerateKey()
	forger.SetCurveServerkey(key.Public)
	forger.SetCurvePublickey(other.Public)
	forger.SetCurveSecretkey(other.Secret)
	wait := authtest.Watch(t, forger)
	if err := forger.Connect(xsub); err != nil {
		t.Fatal(err)
	}
	if ev := wait(5 * time.Second); ev != zmq.EVENT_HANDSHAKE_FAILED_AUTH {
		t.Fatalf("forger's handshake: %v", ev)
	}
	pub := socket(t, zmq.PUB, xsub, members)
	sub := socket(t, zmq.SUB, xpub, auth.Open())
	sub.SetSubscribe("ana")
	sub.SetRcvtimeo(50 * time.Millisecond)
	deadline := time.Now().Add(5 * time.Second)
	for {
		if time.Now().After(deadline) {
			t.Fatal("the member's publication did not arrive")
		}
		forger.SendMessage("ana", "forged")
		pub.SendMessage("ana", "genuine")
		frames, err := sub.RecvMessage(0)
		if err != nil {
			continue
		}
		if frames[1] != "genuine" {
			t.Fatalf("subscriber received %q", frames)
		}
		break
	}
	for range 20 { // the member's publications keep coming, the forger's never
		forger.SendMessage("ana", "forged")
		pub.SendMessage("ana", "genuine")
		if frames, err := sub.RecvMessage(0); err == nil && frames[1] != "genuine" {
			t.Fatalf("subscriber received %q", frames)
		}
	}
}
