package store

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"zchat"
)

// applyAll applies logs one after the other.
func applyAll(t *testing.T, s *Store, logs ...[]zchat.Event) {
	t.Helper()
	for _, l := range logs {
		got, err := s.Apply(context.Background(), l)
		if err != nil || len(got.Diverged) > 0 {
			t.Fatalf("Apply: %v, diverged %v", err, got.Diverged)
		}
	}
}

// Truncating an origin leaves the store exactly as if the removed events
// had never been applied: users, channels and claims rows (a contested
// channel goes back to the next creator, a contested name to the next
// claim, a user, channel or claim made only by removed events
// disappears), hidden duplicates, vector, heads and the in-memory state;
// the removed events can then be applied again.
func TestTruncateIsLikeNeverApplied(t *testing.T) {
	_, _, _, logs := contestedLogs(t)
	full := openT(t, "full", Options{})
	applyAll(t, full, logs...)
	want := observe(t, full, contestedUsers, contestedChannels)
	for o, l := range logs {
		for _, cut := range []int{1, 4, 5, 8, 11, len(l) - 2, len(l) - 1, len(l)} {
			origin := l[0].Origin
			t.Run(fmt.Sprintf("%s from %d", origin[:1], cut), func(t *testing.T) {
				kept := slices.Clone(logs)
				kept[o] = l[:cut-1]
				ref := openT(t, "ref", Options{})
				applyAll(t, ref, kept...)

				s := openT(t, "s", Options{})
				applyAll(t, s, logs...)
				removed, err := s.Truncate(context.Background(), origin, uint64(cut))
				if err != nil || removed != len(l)-cut+1 {
					t.Fatalf("Truncate = %d, %v; want %d removed", removed, err, len(l)-cut+1)
				}
				sameState(t, s, ref, "after the truncation")
				applyAll(t, s, l[cut-1:])
				if got := observe(t, s, contestedUsers, contestedChannels); !reflect.DeepEqual(got, want) {
					t.Errorf("after applying the removed events again:\n%+v\nwant\n%+v", got, want)
				}
			})
		}
	}
}

// sameState compares everything a client or a peer can see of two stores,
// and their in-memory state.
func sameState(t *testing.T, s, ref *Store, when string) {
	t.Helper()
	got, want := observe(t, s, contestedUsers, contestedChannels), observe(t, ref, contestedUsers, contestedChannels)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n%+v\nwant\n%+v", when, got, want)
	}
	if !maps.Equal(s.Heads(), ref.Heads()) {
		t.Errorf("%s: heads %v, want %v", when, s.Heads(), ref.Heads())
	}
	for _, u := range contestedUsers {
		if s.HasUser(u) != ref.HasUser(u) || s.HasUser(u) != slices.Contains(got.Users, u) {
			t.Errorf("%s: HasUser(%s) = %v, want %v", when, u, s.HasUser(u), ref.HasUser(u))
		}
	}
	for _, c := range contestedChannels {
		if s.HasChannel(c) != ref.HasChannel(c) || s.HasChannel(c) != slices.Contains(got.Channels, c) {
			t.Errorf("%s: HasChannel(%s) = %v, want %v", when, c, s.HasChannel(c), ref.HasChannel(c))
		}
	}
	for _, u := range contestedUsers {
		key, claimed := s.Owner(u)
		refKey, refClaimed := ref.Owner(u)
		stored, inDB := got.Claims[u]
		if key != refKey || claimed != refClaimed || key != stored || claimed != inDB {
			t.Errorf("%s: Owner(%s) = %.4s, %v; want %.4s, %v (stored: %.4s)", when, u, key, claimed, refKey, refClaimed, stored)
		}
	}
	// The look-alike indexes follow the users and channels: a name like a
	// removed one is free again, one like a kept one is not. (The writer
	// is idle: reading its indexes here does not race.)
	for _, c := range []struct {
		names         []string
		index, refIdx similarNames
	}{{contestedUsers, s.userNames, ref.userNames}, {contestedChannels, s.channelNames, ref.channelNames}} {
		for _, n := range c.names {
			like := strings.ToUpper(n)
			got, _ := c.index.other(zchat.NameKey(like), like)
			want, _ := c.refIdx.other(zchat.NameKey(like), like)
			if got != want {
				t.Errorf("%s: %s looks like %q, want %q", when, like, got, want)
			}
		}
	}
}

// The contested cuts above exercise what the test is for: check that they
// do remove a user, a channel, a channel's creator and a hidden duplicate.
func TestTruncateCases(t *testing.T) {
	a, _, c, logs := contestedLogs(t)
	s := openT(t, "s", Options{})
	applyAll(t, s, logs...)
	if got := visibleRetries(t, s); len(got) != 1 || got[0].Origin != c.Origin() {
		t.Fatalf("visible r1 posts %v, want c's", ids(got))
	}
	if _, err := s.Truncate(context.Background(), c.Origin(), 4); err != nil {
		t.Fatal(err)
	}
	switch got := visibleRetries(t, s); {
	case s.HasUser("dora") || s.HasChannel("c-only"):
		t.Error("dora or c-only survived the removal of c's events that made them")
	case creator(t, s, "lobby") != "ben":
		t.Errorf("lobby created by %s, want ben (b's creation comes next)", creator(t, s, "lobby"))
	case len(got) != 1 || got[0].Origin != a.Origin():
		t.Errorf("visible r1 posts %v, want a's (hidden until c's was removed)", ids(got))
	}
	if v := s.Vector()[c.Origin()]; v != 3 {
		t.Errorf("vector of c at %d, want 3", v)
	}
	if _, ok := s.Owner("dora"); ok {
		t.Error("dora's claim survived the removal of c's events that made it")
	}
	bLog := logs[1]
	if _, err := s.Truncate(context.Background(), bLog[0].Origin, uint64(len(bLog)-1)); err != nil {
		t.Fatal(err)
	}
	if key, _ := s.Owner("ann"); key != keyA {
		t.Errorf("ann owned by %.4s after b's and c's claims went, want a's key", key)
	}
	if _, err := s.Truncate(context.Background(), c.Origin(), 1); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Vector()[c.Origin()]; ok {
		t.Error("an origin truncated from seq 1 stays in the vector")
	}
}

// visibleRetries are the posts of request r1 that lobby's history shows.
func visibleRetries(t *testing.T, s *Store) []zchat.Event {
	t.Helper()
	h, err := s.History(context.Background(), zchat.HistoryQuery{Channel: "lobby", Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return slices.DeleteFunc(h, func(e zchat.Event) bool { return e.ReqID != "r1" })
}

func TestTruncateEdges(t *testing.T) {
	dir := t.TempDir()
	s := openDirT(t, dir, "srv", Options{})
	must(t, s, login("me", 1))
	a := peerLog("a.1", 5)
	applyAll(t, s, a)
	ctx := context.Background()
	if _, err := s.Truncate(ctx, s.Origin(), 1); err == nil {
		t.Error("truncated the store's own origin")
	}
	if _, err := s.Truncate(ctx, "a.1", 0); err == nil {
		t.Error("truncated from seq 0")
	}
	if n, err := s.Truncate(ctx, "a.1", 6); n != 0 || err != nil {
		t.Errorf("truncate beyond the head = %d, %v", n, err)
	}
	if n, err := s.Truncate(ctx, "nobody.1", 1); n != 0 || err != nil {
		t.Errorf("truncate of an unknown origin = %d, %v", n, err)
	}
	if n, err := s.Truncate(ctx, "a.1", 3); n != 3 || err != nil {
		t.Fatalf("Truncate = %d, %v", n, err)
	}
	heads := s.Heads()
	if heads["a.1"] != (zchat.Head{Seq: 2, Hash: a[1].Hash}) {
		t.Errorf("head %+v, want a.1:2", heads["a.1"])
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2 := openDirT(t, dir, "srv", Options{})
	if !maps.Equal(s2.Heads(), heads) {
		t.Errorf("heads after reopening %v, want %v", s2.Heads(), heads)
	}
	if got := allEvents(t, s2)["a.1"]; !reflect.DeepEqual(got, a[:2]) {
		t.Errorf("a.1 after reopening: %v", ids(got))
	}
}

// A truncation queued among writes takes effect between them: the writes
// before it are committed, the ones after see its result.
func TestTruncateAmongWrites(t *testing.T) {
	s := openT(t, "srv", Options{})
	a := peerLog("a.1", 6)
	ctx := context.Background()
	applyAll(t, s, a[:4])
	reqs := []*request{
		{ctx: ctx, events: a[4:5]},
		{ctx: ctx, truncate: &truncation{origin: "a.1", from: 2}},
		{ctx: ctx, events: a[1:3]},
	}
	for _, r := range reqs {
		r.reply = make(chan result, 1)
	}
	s.runRequests(reqs) // the writer goroutine is idle: nothing else writes
	var applied [][]string
	for _, r := range reqs {
		res := <-r.reply
		if res.err != nil {
			t.Fatal(res.err)
		}
		applied = append(applied, ids(res.applied.Events))
		if r.truncate != nil && res.removed != 4 {
			t.Errorf("removed %d, want 4 (seqs 2 to 5)", res.removed)
		}
	}
	if want := [][]string{{"a.1:5"}, {}, {"a.1:2", "a.1:3"}}; !reflect.DeepEqual(applied, want) {
		t.Errorf("applied %v, want %v", applied, want)
	}
	if h := s.Head("a.1"); h.Seq != 3 || h.Hash != a[2].Hash {
		t.Errorf("head %+v, want a.1:3", h)
	}
}
