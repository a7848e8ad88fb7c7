package registry

import (
	"errors"
	"io"
	"log/slog"
	"math"
	"testing"
	"time"

	"zchat/internal/clock"
	"zchat/internal/wire"
)

type failingStore struct{ fail bool }

func (f *failingStore) Save(string, int) error {
	if f.fail {
		return errors.New("disk full")
	}
	return nil
}

func newTestService(store persister) *service {
	return &service{
		state: NewState(time.Second, nil),
		store: store,
		clock: new(clock.Lamport),
		log:   slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
}

func decodeReply(t *testing.T, b []byte) wire.Message {
	t.Helper()
	m, err := wire.Decode(b, 0)
	if err != nil {
		t.Fatalf("reply: %v", err)
	}
	return m
}

func TestHandleMultiFrameIsAnError(t *testing.T) {
	s := newTestService(nil)
	rank := encode(t, "rank", map[string]any{"user": "s1"})
	reply := decodeReply(t, s.handle([][]byte{rank, rank}, t0))
	if st, _ := reply.OptString("status"); st != wire.StatusError {
		t.Fatalf("reply %v", reply.Data)
	}
}

func TestUnpersistedRankIsNotHandedOut(t *testing.T) {
	store := &failingStore{fail: true}
	s := newTestService(store)
	req := [][]byte{encode(t, "rank", map[string]any{"user": "s1"})}
	reply := decodeReply(t, s.handle(req, t0))
	if st, _ := reply.OptString("status"); st != wire.StatusError {
		t.Fatalf("reply %v, want erro", reply.Data)
	}
	if live := s.state.Live(t0); len(live) != 0 {
		t.Fatalf("live after failed save: %v", live)
	}
	store.fail = false
	reply = decodeReply(t, s.handle(req, t0))
	if r, _ := reply.OptInt("rank", 0); r != 1 {
		t.Fatalf("rank after recovery = %d, want 1", r)
	}
}

func TestHandleObservesTheSendersClock(t *testing.T) {
	s := newTestService(nil)
	frame, _ := wire.Encode(wire.MsgPack, "list", map[string]any{}, 100, 0)
	reply := decodeReply(t, s.handle([][]byte{frame}, t0))
	if reply.Clock <= 100 {
		t.Fatalf("reply clock %d, want > 100", reply.Clock)
	}
}

// Anyone can call the reference: a clock far ahead counts only up to the
// reference's own plus the maximum jump, so that it cannot carry the
// servers (which observe the reference's replies) to the ceiling.
func TestHandleBoundsTheSendersClock(t *testing.T) {
	s := newTestService(nil)
	for _, forged := range []uint64{math.MaxInt64, 1 << 62} {
		frame, _ := wire.Encode(wire.MsgPack, "list", map[string]any{}, forged, 0)
		s.handle([][]byte{frame}, t0)
	}
	// each request: the clamped receive, then the reply's tick
	if got, want := s.clock.Now(), 2*(clock.DefaultMaxJump+2); got != want {
		t.Fatalf("reference clock %d after two forged clocks, want %d", got, want)
	}
}
