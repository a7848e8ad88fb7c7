package client

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"zchat/internal/client/clienttest"
	"zchat/internal/wire"
)

// fakeHistory is an in-memory channel log served as history: pages after
// a cursor, or the newest page without one.
type fakeHistory struct {
	mu   sync.Mutex
	log  []map[string]any
	asks []string // the "after" of each history request
}

func (h *fakeHistory) add(n int) map[string]any {
	h.mu.Lock()
	defer h.mu.Unlock()
	m := map[string]any{"id": fmt.Sprintf("s1:%d", n), "user": "bob", "channel": "geral", "message": fmt.Sprint("m", n), "clock": n, "timestamp": 1.7e9}
	h.log = append(h.log, m)
	return m
}

func (h *fakeHistory) serve(t *testing.T) func(int, wire.Message) []byte {
	return func(_ int, req wire.Message) []byte {
		after, _ := req.OptString("after")
		limit, _ := req.OptInt("limit", 100)
		h.mu.Lock()
		defer h.mu.Unlock()
		h.asks = append(h.asks, after)
		return clienttest.Reply(t, req.Service, map[string]any{"status": "OK", "messages": h.page(after, int(limit))})
	}
}

func (h *fakeHistory) page(after string, limit int) []any {
	start := max(len(h.log)-limit, 0)
	if after != "" {
		start = slices.IndexFunc(h.log, func(m map[string]any) bool { return m["id"] == after }) + 1
	}
	out := []any{}
	for _, m := range h.log[start:min(start+limit, len(h.log))] {
		out = append(out, m)
	}
	return out
}

func TestSessionResumesLosslessly(t *testing.T) {
	hist := &fakeHistory{}
	srv := clienttest.StartServer(t, hist.serve(t))
	pub := clienttest.StartPublisher(t)
	c := New(testConfig(srv.Endpoint, pub.Endpoint))
	defer c.Close()
	s := NewSession(c, ResumeOptions{Backlog: 1, PageSize: 2})
	defer s.Close()
	hist.add(1)
	hist.add(2)
	if err := s.Subscribe(context.Background(), ChannelTopic("geral")); err != nil {
		t.Fatal(err)
	}
	expect(t, s, "s1:2")
	// Live and possibly also read by the catch-up after the first handshake.
	pub.Publish(t, "geral", packed(t, hist.add(3)))
	expect(t, s, "s1:3")
	// Lost while the proxy is down: only history has them.
	hist.add(4)
	hist.add(5)
	hist.add(6)
	pub.Restart(t)
	expect(t, s, "s1:4", "s1:5", "s1:6")
	// Live duplicates of what the catch-up showed are dropped.
	deadline := time.Now().Add(5 * time.Second)
	m7 := hist.add(7)
	for time.Now().Before(deadline) {
		pub.Publish(t, "geral", packed(t, map[string]any{"id": "s1:6", "user": "bob", "channel": "geral", "message": "dup", "clock": 6}))
		pub.Publish(t, "geral", packed(t, m7))
		select {
		case m := <-s.Messages():
			if m.ID != "s1:7" {
				t.Fatalf("got %s, want s1:7", m.ID)
			}
			return
		case <-time.After(100 * time.Millisecond):
		}
	}
	t.Fatal("no live message after restart")
}

func expect(t *testing.T, s *Session, want ...string) {
	t.Helper()
	for _, id := range want {
		select {
		case m := <-s.Messages():
			if m.ID != id {
				t.Fatalf("got %s (%q), want %s", m.ID, m.Text, id)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("timed out waiting for %s", id)
		}
	}
}

func TestSessionUnsubscribeAndClose(t *testing.T) {
	hist := &fakeHistory{}
	srv := clienttest.StartServer(t, hist.serve(t))
	c := New(testConfig(srv.Endpoint, "tcp://127.0.0.1:1"))
	defer c.Close()
	s := NewSession(c, ResumeOptions{})
	ctx := context.Background()
	if err := s.Subscribe(ctx, UserTopic("ana")); err != nil {
		t.Fatal(err)
	}
	if err := s.Unsubscribe(ctx, UserTopic("ana")); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, ok := <-s.Messages(); ok {
		t.Fatal("Messages not closed")
	}
	if err := s.Subscribe(ctx, UserTopic("ana")); err != ErrClosed {
		t.Fatalf("after Close: %v", err)
	}
}

func TestSessionLaterCatchUps(t *testing.T) {
	cases := []struct {
		name string
		opts ResumeOptions
	}{
		{"settle after connecting", ResumeOptions{Settle: 300 * time.Millisecond}},
		{"periodic", ResumeOptions{Settle: -1, Every: 100 * time.Millisecond}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			hist := &fakeHistory{}
			srv := clienttest.StartServer(t, hist.serve(t))
			pub := clienttest.StartPublisher(t)
			cl := New(testConfig(srv.Endpoint, pub.Endpoint))
			defer cl.Close()
			s := NewSession(cl, c.opts)
			defer s.Close()
			hist.add(1)
			if err := s.Subscribe(context.Background(), ChannelTopic("geral")); err != nil {
				t.Fatal(err)
			}
			waitFor(t, func() bool { return len(srv.Requests()) >= 2 }) // the prime and the catch-up on connecting
			hist.add(2)                                                 // stored, never published: only a later catch-up finds it
			expect(t, s, "s1:2")
		})
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in time")
		}
	}
}
