package transport

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"
)

// A Responder on a DEALER, as a server serves the broker: HandleEnvelope
// sees the frames before the body exactly as sent, and the reply goes back
// with them.
func TestHandleEnvelopeSeesAndKeepsTheEnvelope(t *testing.T) {
	endpoint := freeEndpoint(t)
	sock, err := zmq.NewSocket(zmq.DEALER)
	if err != nil {
		t.Fatal(err)
	}
	if err := sock.Bind(endpoint); err != nil {
		t.Fatal(err)
	}
	r := &Responder{Socket: sock, Log: slog.Default(),
		Handle: func(ctx context.Context, body []byte) []byte { return []byte("wrong handler") },
		HandleEnvelope: func(ctx context.Context, envelope [][]byte, body []byte) []byte {
			return fmt.Appendf(nil, "%q %s", envelope, body)
		}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	defer func() { cancel(); <-done }()

	peer, err := zmq.NewSocket(zmq.DEALER)
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	peer.SetLinger(0)
	peer.SetRcvtimeo(5 * time.Second)
	if err := peer.Connect(endpoint); err != nil {
		t.Fatal(err)
	}
	for _, envelope := range [][][]byte{
		{[]byte("tag"), []byte("id"), {}},
		{{}, []byte("id")},
		{},
	} {
		msg := append(append([][]byte{}, envelope...), []byte("body"))
		if _, err := peer.SendMessage(msg); err != nil {
			t.Fatal(err)
		}
		got, err := peer.RecvMessageBytes(0)
		if err != nil {
			t.Fatalf("no reply to %q: %v", msg, err)
		}
		want := fmt.Appendf(nil, "%q body", envelope)
		if len(got) != len(msg) || !bytes.Equal(got[len(got)-1], want) {
			t.Fatalf("reply %q to %q, want the envelope back and %q", got, msg, want)
		}
		for i := range envelope {
			if !bytes.Equal(got[i], envelope[i]) {
				t.Fatalf("reply envelope %q, want %q", got[:len(envelope)], envelope)
			}
		}
	}
}
