package conformance

import (
	"context"
	"testing"
	"time"

	"github.com/vmihailenco/msgpack/v5"
)

// replyWith is a decoded reply envelope carrying data.
func replyWith(t *testing.T, data map[string]any) *Reply {
	t.Helper()
	b, err := msgpack.Marshal(map[string]any{"service": "x", "data": data})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := decodeReply(b, 0)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// deadTarget never answers and counts what it was asked.
type deadTarget struct{ requests, subscriptions int }

func (d *deadTarget) Request(ctx context.Context, frame []byte) ([]byte, error) {
	d.requests++
	return nil, ErrNoReply
}

func (d *deadTarget) Subscribe(ctx context.Context, topics ...string) (Subscription, error) {
	d.subscriptions++
	return deadSub{}, nil
}

type deadSub struct{}

func (deadSub) Next(time.Duration) ([][]byte, error) { return nil, ErrNoReply }
func (deadSub) Close() error                         { return nil }
