package client

import (
	"context"
	"testing"
	"time"

	"zchat/internal/client/clienttest"
)

func TestSubscriberExactTopics(t *testing.T) {
	pub := clienttest.StartPublisher(t)
	c := New(testConfig("tcp://127.0.0.1:1", pub.Endpoint))
	defer c.Close()
	ctx := context.Background()
	if err := c.Subscribe(ctx, "ana"); err != nil {
		t.Fatal(err)
	}
	got := receiveWhilePublishing(t, c, pub, func() {
		pub.Publish(t, "anabela", packed(t, map[string]any{"src": "x", "message": "for anabela", "clock": 1}))
		pub.Publish(t, "ana", packed(t, map[string]any{"src": "x", "message": "for ana", "clock": 900}))
	})
	if got.Topic != "ana" || got.Dst != "ana" || got.Text != "for ana" || !got.Private {
		t.Fatalf("got %+v", got)
	}
	if c.Clock() <= 900 {
		t.Fatalf("clock %d: publication clock not observed", c.Clock())
	}
	pub.Publish(t, "anabela", packed(t, map[string]any{"src": "x", "message": "late"}))
	select {
	case m := <-c.Messages():
		if m.Topic != "ana" {
			t.Fatalf("delivered %+v", m)
		}
	case <-time.After(200 * time.Millisecond):
	}
}

func TestUnsubscribeStopsDelivery(t *testing.T) {
	pub := clienttest.StartPublisher(t)
	c := New(testConfig("tcp://127.0.0.1:1", pub.Endpoint))
	defer c.Close()
	ctx := context.Background()
	_ = c.Subscribe(ctx, "geral")
	receiveWhilePublishing(t, c, pub, func() {
		pub.Publish(t, "geral", packed(t, map[string]any{"user": "x", "message": "m"}))
	})
	if err := c.Unsubscribe(ctx, "geral"); err != nil {
		t.Fatal(err)
	}
	drain(c.Messages(), 100*time.Millisecond)
	pub.Publish(t, "geral", packed(t, map[string]any{"user": "x", "message": "after"}))
	select {
	case m := <-c.Messages():
		t.Fatalf("delivered after unsubscribe: %+v", m)
	case <-time.After(200 * time.Millisecond):
	}
}

// receiveWhilePublishing repeats publish until a message arrives (the
// subscription reaches the publisher asynchronously) and returns it.
func receiveWhilePublishing(t *testing.T, c *Client, pub *clienttest.Publisher, publish func()) Message {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		publish()
		select {
		case m := <-c.Messages():
			return m
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			t.Fatal("no publication received")
		}
	}
}

func drain(ch <-chan Message, quiet time.Duration) {
	for {
		select {
		case <-ch:
		case <-time.After(quiet):
			return
		}
	}
}
