package client

import (
	"context"
	"errors"
	"testing"
	"time"

	"zchat/internal/client/clienttest"
	"zchat/internal/wire"
)

func testConfig(broker, proxy string) Config {
	return Config{Broker: broker, Proxy: proxy, Timeout: 300 * time.Millisecond, Retries: 2, Backoff: 10 * time.Millisecond}
}

func TestRetryOnFreshSocketKeepsRequestID(t *testing.T) {
	srv := clienttest.StartServer(t, func(n int, req wire.Message) []byte {
		if n == 1 {
			return nil // lost: no reply
		}
		return clienttest.Reply(t, req.Service, map[string]any{"status": "OK", "id": "s1:7", "server": "s1"})
	})
	c := New(testConfig(srv.Endpoint, ""))
	defer c.Close()
	ack, err := c.Publish(context.Background(), "ana", "geral", "oi")
	if err != nil {
		t.Fatal(err)
	}
	if ack != (Ack{ID: "s1:7", Server: "s1", Clock: 100}) {
		t.Fatalf("ack %+v", ack)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	id0, _ := reqs[0].String("request_id")
	id1, _ := reqs[1].String("request_id")
	if len(id0) != 16 || id0 != id1 {
		t.Fatalf("request ids %q and %q, want the same 16 hex digits", id0, id1)
	}
	if reqs[1].Clock <= reqs[0].Clock {
		t.Fatalf("clock did not tick between attempts: %d then %d", reqs[0].Clock, reqs[1].Clock)
	}
	if c.Clock() <= 100 {
		t.Fatalf("clock %d did not observe the reply's 100", c.Clock())
	}
}

func TestUnavailableAfterRetries(t *testing.T) {
	srv := clienttest.StartServer(t, func(int, wire.Message) []byte { return nil })
	c := New(testConfig(srv.Endpoint, ""))
	defer c.Close()
	_, err := c.Users(context.Background())
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	if n := len(srv.Requests()); n != 3 {
		t.Fatalf("%d attempts, want 3 (1 + 2 retries)", n)
	}
	reqs := srv.Requests()
	first, _ := reqs[0].String("request_id")
	for _, r := range reqs {
		if id, _ := r.String("request_id"); id != first {
			t.Fatalf("request id changed across retries: %q vs %q", id, first)
		}
	}
}

func TestCancelAndCloseInterruptWaiting(t *testing.T) {
	srv := clienttest.StartServer(t, func(int, wire.Message) []byte { return nil })
	c := New(Config{Broker: srv.Endpoint, Timeout: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := c.Login(ctx, "ana"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want deadline exceeded", err)
	}
	go func() { time.Sleep(100 * time.Millisecond); c.Close() }()
	if err := c.Login(context.Background(), "ana"); !errors.Is(err, ErrClosed) {
		t.Fatalf("err = %v, want ErrClosed", err)
	}
	if err := c.Login(context.Background(), "ana"); !errors.Is(err, ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
}

func TestConcurrentCalls(t *testing.T) {
	srv := clienttest.StartServer(t, func(n int, req wire.Message) []byte {
		return clienttest.Reply(t, req.Service, map[string]any{"users": []any{req.Data["request_id"]}})
	})
	c := New(testConfig(srv.Endpoint, ""))
	defer c.Close()
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			_, err := c.Users(context.Background())
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}
