package transport

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/auth"
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

// startEcho serves an echo responder on a ROUTER bound to a free port; the
// handler sleeps so that requests overlap.
func startEcho(t *testing.T) string {
	t.Helper()
	endpoint := freeEndpoint(t)
	sock, err := zmq.NewSocket(zmq.ROUTER)
	if err != nil {
		t.Fatal(err)
	}
	if err := sock.Bind(endpoint); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &Responder{Socket: sock, Log: slog.Default(), Handle: func(ctx context.Context, body []byte) []byte {
		time.Sleep(5 * time.Millisecond)
		return append([]byte("re:"), body...)
	}}
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return endpoint
}

func TestCallerPipelinesAndMatchesReplies(t *testing.T) {
	endpoint := startEcho(t)
	c, err := Dial(endpoint, auth.Open())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	waitConnected(t, c)
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	start := time.Now()
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			want := fmt.Sprintf("req-%d", i)
			got, err := c.Call(ctx, []byte(want))
			if err != nil || string(got) != "re:"+want {
				errs <- fmt.Errorf("call %d: %q %v", i, got, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// 200 requests of 5 ms each served one at a time would take a second.
	if elapsed := time.Since(start); elapsed > 900*time.Millisecond {
		t.Logf("pipelined calls took %v; are requests overlapping?", elapsed)
	}
}

// waitConnected calls until one call succeeds: the Caller's socket sends
// only on a completed connection (ZMQ_IMMEDIATE), so calls made right
// after Dial fail fast as unreachable until the TCP connect is done.
func waitConnected(t *testing.T, c *Caller) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_, err := c.Call(ctx, []byte("warm-up"))
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no connection within 5 s: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestCallerFailsFastWithoutPeer(t *testing.T) {
	c, err := Dial(freeEndpoint(t), auth.Open())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	_, err = c.Call(ctx, []byte("x"))
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("want ErrUnreachable, got %v", err)
	}
}

func TestResponderAnswersREQ(t *testing.T) {
	endpoint := startEcho(t)
	req, _ := zmq.NewSocket(zmq.REQ)
	defer req.Close()
	req.SetRcvtimeo(3 * time.Second)
	req.Connect(endpoint)
	req.Send("hello", 0)
	got, err := req.Recv(0)
	if err != nil || got != "re:hello" {
		t.Fatalf("got %q %v", got, err)
	}
}

func TestCloseFailsPendingCalls(t *testing.T) {
	c, err := Dial(freeEndpoint(t), auth.Open())
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	if _, err := c.Call(context.Background(), []byte("x")); err == nil {
		t.Fatal("call after close succeeded")
	}
}
