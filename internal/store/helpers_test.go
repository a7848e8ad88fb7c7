package store

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"zchat"
)

// quiet keeps test output to failures.
var quiet = slog.New(slog.DiscardHandler)

// openT opens a store in a fresh temporary directory and closes it at the
// end of the test.
func openT(t testing.TB, name string, opts Options) *Store {
	t.Helper()
	return openDirT(t, t.TempDir(), name, opts)
}

func openDirT(t testing.TB, dir, name string, opts Options) *Store {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = quiet
	}
	s, err := Open(dir, name, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// must submits cmd and fails the test on error.
func must(t testing.TB, s *Store, cmd zchat.Command) zchat.Event {
	t.Helper()
	c, err := s.Submit(context.Background(), cmd)
	if err != nil {
		t.Fatalf("Submit(%+v): %v", cmd, err)
	}
	return c.Event
}

func login(user string, clock uint64) zchat.Command {
	return zchat.Command{Kind: zchat.KindLogin, User: user, Clock: clock}
}

func channel(user, name string, clock uint64) zchat.Command {
	return zchat.Command{Kind: zchat.KindChannel, User: user, Target: name, Clock: clock}
}

func post(user, ch, text string, clock uint64) zchat.Command {
	return zchat.Command{Kind: zchat.KindPost, User: user, Target: ch, Text: text, Clock: clock}
}

func private(from, to, text string, clock uint64) zchat.Command {
	return zchat.Command{Kind: zchat.KindPrivate, User: from, Target: to, Text: text, Clock: clock}
}

// Valid user keys (Z85 of 32 bytes): a repeated digit below 81 keeps
// every 5-character group under 2^32.
var (
	keyA = strings.Repeat("a", zchat.KeyLen)
	keyB = strings.Repeat("b", zchat.KeyLen)
	keyC = strings.Repeat("c", zchat.KeyLen)
)

func claimCmd(name, key string, clock uint64) zchat.Command {
	return zchat.Command{Kind: zchat.KindClaim, User: name, Text: key, Clock: clock}
}

func withReq(cmd zchat.Command, reqID string) zchat.Command {
	cmd.ReqID = reqID
	return cmd
}

// chained sets the hashes of consecutive events of one origin, the first
// one chaining on prev, as their origin's store would; it returns evs.
func chained(prev zchat.Head, evs []zchat.Event) []zchat.Event {
	for i := range evs {
		evs[i].Hash = prev.Next(evs[i])
		prev = zchat.Head{Seq: evs[i].Seq, Hash: evs[i].Hash}
	}
	return evs
}

// ids lists the IDs of events, for readable comparisons.
func ids(events []zchat.Event) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.ID()
	}
	return out
}

// texts lists the texts of events.
func texts(events []zchat.Event) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.Text
	}
	return out
}

// allEvents reads the whole log of s, every origin.
func allEvents(t testing.TB, s *Store) map[string][]zchat.Event {
	t.Helper()
	out := map[string][]zchat.Event{}
	for origin := range s.Vector() {
		evs, err := s.Since(origin, 0, 1<<30)
		if err != nil {
			t.Fatalf("Since: %v", err)
		}
		out[origin] = evs
	}
	return out
}

// syncFrom copies into dst every event of src that dst lacks, the way
// anti-entropy does: per origin, from dst's vector on.
func syncFrom(t testing.TB, dst, src *Store) {
	t.Helper()
	have := dst.Vector()
	for origin, seq := range src.Vector() {
		if have[origin] >= seq {
			continue
		}
		evs, err := src.Since(origin, have[origin], 0)
		if err != nil {
			t.Fatalf("Since: %v", err)
		}
		for len(evs) > 0 {
			if _, err := dst.Apply(context.Background(), evs); err != nil {
				t.Fatalf("Apply: %v", err)
			}
			last := evs[len(evs)-1].Seq
			if evs, err = src.Since(origin, last, 0); err != nil {
				t.Fatalf("Since: %v", err)
			}
		}
	}
}
