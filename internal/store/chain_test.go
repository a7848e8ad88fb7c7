package store

import (
	"context"
	"database/sql"
	"maps"
	"reflect"
	"testing"

	"zchat"
)

// Submit chains every local event onto the previous one of the origin,
// from Genesis, and keeps the head in memory.
func TestSubmitChainsEvents(t *testing.T) {
	s := openT(t, "srv", Options{})
	must(t, s, login("alice", 1))
	must(t, s, channel("alice", "general", 2))
	last := must(t, s, post("alice", "general", "hi", 3))
	evs := allEvents(t, s)[s.Origin()]
	prev := zchat.Genesis
	for _, e := range evs {
		if want := zchat.ChainHash(prev, e); e.Hash != want {
			t.Errorf("%s: hash %s, want %s", e.ID(), e.Hash, want)
		}
		prev = e.Hash
	}
	if last.Hash != prev {
		t.Errorf("Submit returned hash %s, stored %s", last.Hash, prev)
	}
	if h := s.Head(s.Origin()); h != (zchat.Head{Seq: 3, Hash: prev}) {
		t.Errorf("head %+v, want seq 3 hash %s", h, prev)
	}
	if h := s.Head("nobody.1"); h != zchat.GenesisHead {
		t.Errorf("head of an unknown origin %+v, want GenesisHead", h)
	}
}

// Apply stores only events that chain onto the origin's head and reports
// the others as divergences, without an error.
func TestApplyVerifiesTheChain(t *testing.T) {
	a := peerLog("a.1", 6)
	forged := a[3]
	forged.Text = "forged"
	forged.Hash = zchat.Head{Seq: 3, Hash: a[2].Hash}.Next(forged) // chains, but differs from a's
	offChain := a[3]
	offChain.Hash = zchat.ChainHash(zchat.Hash{1}, offChain) // chains onto another log's seq 3
	badHash := flipped(a[3])
	noHash := a[3]
	noHash.Hash = zchat.Hash{}
	b := peerLog("b.1", 2)
	s := openT(t, "srv", Options{})
	own := must(t, s, login("me", 1))
	ownNext := zchat.Event{Origin: s.Origin(), Seq: 2, Clock: 2, Kind: zchat.KindLogin, User: "x"}
	ownNext.Hash = zchat.Head{Seq: 1, Hash: own.Hash}.Next(ownNext)
	ownOther := own
	ownOther.User = "someone else"
	ownOther.Hash = zchat.GenesisHead.Next(ownOther)

	steps := []struct {
		name         string
		in           []zchat.Event
		wantApplied  []string
		wantDiverged []string
		wantHead     uint64 // of a.1 after the step
	}{
		{"a chain is applied", a[:3], []string{"a.1:1", "a.1:2", "a.1:3"}, nil, 3},
		{"a wrong hash is refused, and the rest of its origin, not other origins",
			[]zchat.Event{badHash, a[4], b[0], b[1]}, []string{"b.1:1", "b.1:2"}, []string{"a.1:4"}, 3},
		{"an event that chains onto another log is refused", []zchat.Event{offChain, a[4]}, nil, []string{"a.1:4"}, 3},
		{"an event without a hash is trusted (an older peer)", []zchat.Event{noHash}, []string{"a.1:4"}, nil, 4},
		{"a held event with the same hash is skipped", []zchat.Event{a[1], a[3]}, nil, nil, 4},
		{"a held event without a hash is skipped", []zchat.Event{noHash}, nil, nil, 4},
		{"a held event with another hash diverges (head)", []zchat.Event{forged, a[4]}, nil, []string{"a.1:4"}, 4},
		{"a held event with another hash diverges (older)", []zchat.Event{flipped(a[1]), a[4]}, nil, []string{"a.1:2"}, 4},
		{"the next event after a stored hashless one chains", a[4:], []string{"a.1:5", "a.1:6"}, nil, 6},
		{"our own origin beyond our head is never stored", []zchat.Event{ownNext}, nil, []string{s.Origin() + ":2"}, 6},
		{"our own held event with another hash diverges", []zchat.Event{ownOther}, nil, []string{s.Origin() + ":1"}, 6},
		{"our own held event is skipped", []zchat.Event{own}, nil, nil, 6},
	}
	for _, st := range steps {
		got, err := s.Apply(context.Background(), st.in)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		var diverged []string
		for _, d := range got.Diverged {
			diverged = append(diverged, d.Event.ID())
		}
		if !reflect.DeepEqual(ids(got.Events), append([]string{}, st.wantApplied...)) || !reflect.DeepEqual(diverged, st.wantDiverged) {
			t.Errorf("%s: applied %v diverged %v, want %v and %v", st.name, ids(got.Events), diverged, st.wantApplied, st.wantDiverged)
		}
		if h := s.Head("a.1"); h.Seq != st.wantHead || h.Hash != a[h.Seq-1].Hash {
			t.Errorf("%s: head of a.1 %d %s, want %d %s", st.name, h.Seq, h.Hash, st.wantHead, a[st.wantHead-1].Hash)
		}
	}
	if got := allEvents(t, s)["a.1"]; !reflect.DeepEqual(got, a) {
		t.Errorf("a.1's log differs from its origin's:\n%v\nwant\n%v", got, a)
	}
	if v := s.Vector(); v[s.Origin()] != 1 {
		t.Errorf("own origin at %d, want 1", v[s.Origin()])
	}
}

func withText(e zchat.Event, text string) zchat.Event {
	e.Text = text
	return e
}

// flipped is e with another hash.
func flipped(e zchat.Event) zchat.Event {
	e.Hash[0] ^= 1
	return e
}

// A divergence reports what we hold.
func TestDivergenceSaysWhatWeHold(t *testing.T) {
	a := peerLog("a.1", 2)
	s := openT(t, "srv", Options{})
	if _, err := s.Apply(context.Background(), a[:1]); err != nil {
		t.Fatal(err)
	}
	other := withText(a[1], "other")
	other.Hash = zchat.Hash{7}
	got, err := s.Apply(context.Background(), []zchat.Event{other})
	if err != nil || len(got.Diverged) != 1 {
		t.Fatalf("Apply = %+v, %v", got, err)
	}
	d := got.Diverged[0]
	if d.Head != (zchat.Head{Seq: 1, Hash: a[0].Hash}) || d.Want != d.Head.Next(other) || d.Event.Hash != other.Hash {
		t.Errorf("divergence %+v", d)
	}
}

// A data directory from before the chain gets its hashes at Open: the same
// as if the events had been chained when written. So does a tail written
// by an older version into a chained directory.
func TestOpenComputesChainsOfAnOldDatabase(t *testing.T) {
	dir := t.TempDir()
	s := openDirT(t, dir, "srv", Options{})
	must(t, s, login("alice", 1))
	must(t, s, channel("alice", "general", 2))
	for i := range 25 {
		must(t, s, post("alice", "general", "hi", uint64(3+i)))
	}
	if _, err := s.Apply(context.Background(), peerLog("a.1", 30)); err != nil {
		t.Fatal(err)
	}
	want, wantHeads := allEvents(t, s), s.Heads()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		name, sql string
	}{
		{"no hash column", `ALTER TABLE events DROP COLUMN hash`},
		{"a tail without hashes", `UPDATE events SET hash = NULL WHERE origin = 'a.1' AND seq > 20`},
	} {
		rawExec(t, dir, step.sql)
		s := openDirT(t, dir, "srv", Options{})
		if got := allEvents(t, s); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: events after Open differ from the chained ones", step.name)
		}
		if got := s.Heads(); !maps.Equal(got, wantHeads) {
			t.Errorf("%s: heads %v, want %v", step.name, got, wantHeads)
		}
		next := must(t, s, post("alice", "general", "after", 100))
		if next.Hash != wantHeads[s.Origin()].Next(next) {
			t.Errorf("%s: the next event does not chain onto the computed head", step.name)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		rawExec(t, dir, `DELETE FROM events WHERE text = 'after'`, `UPDATE vector SET seq = seq - 1 WHERE origin = '`+s.Origin()+`'`)
	}
}

// rawExec runs SQL on a closed store's database, as an older version or
// an operator would.
func rawExec(t testing.TB, dir string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite3", writerDSN(dir+"/"+dbFile))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func TestHashesAt(t *testing.T) {
	a := peerLog("a.1", 5)
	s := openT(t, "srv", Options{})
	if _, err := s.Apply(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	got, err := s.HashesAt(context.Background(), "a.1", []uint64{5, 1, 9, 0, 3, 1 << 63})
	if err != nil {
		t.Fatal(err)
	}
	want := []zchat.Hash{a[4].Hash, a[0].Hash, {}, {}, a[2].Hash, {}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("HashesAt = %v, want %v", got, want)
	}
	if _, err := s.HashesAt(context.Background(), "a.1", make([]uint64, 65)); err == nil {
		t.Error("HashesAt took 65 seqs")
	}
}
