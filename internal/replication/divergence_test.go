package replication

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"zchat"
	"zchat/internal/store"
)

// forge makes n posts of origin after head that chain onto it: what an
// outsider who knows the chain rule, a bug or a restored backup produces.
func forge(origin string, head zchat.Head, n int, text string) []zchat.Event {
	evs := make([]zchat.Event, n)
	for i := range evs {
		e := zchat.Event{Origin: origin, Seq: head.Seq + 1, Clock: 1 << 40, Time: 1.7e9,
			Kind: zchat.KindPost, User: "mallory", Target: "general", Text: fmt.Sprintf("%s %d", text, i)}
		e.Hash = head.Next(e)
		evs[i], head = e, zchat.Head{Seq: e.Seq, Hash: e.Hash}
	}
	return evs
}

// plant applies events to a running node's store, as a push would.
func plant(t *testing.T, nd *node, events []zchat.Event) {
	t.Helper()
	res, err := nd.st.Apply(context.Background(), events)
	if err != nil || len(res.Events) != len(events) {
		t.Fatalf("plant on %s: applied %d of %d, diverged %v, %v", nd.name, len(res.Events), len(events), res.Diverged, err)
	}
}

// plantDir applies events to the store in dir, closed, as an operator (or
// a disk) would change a stopped server's data.
func plantDir(t *testing.T, dir, name string, events []zchat.Event) {
	t.Helper()
	st, err := store.Open(dir, name, store.Options{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	res, err := st.Apply(context.Background(), events)
	if err != nil || len(res.Events) != len(events) {
		t.Fatalf("plant in %s: applied %d of %d, %v", dir, len(res.Events), len(events), err)
	}
}

// logOf is a node's whole log of origin, hashes included.
func logOf(t testing.TB, nd *node, origin string) []zchat.Event {
	t.Helper()
	evs, err := nd.st.Since(origin, 0, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// holdsOriginsLog reports whether every node holds exactly the origin
// node's own log.
func holdsOriginsLog(t testing.TB, origin *node, nodes ...*node) bool {
	want := logOf(t, origin, origin.st.Origin())
	for _, nd := range nodes {
		if !reflect.DeepEqual(logOf(t, nd, origin.st.Origin()), want) {
			return false
		}
	}
	return true
}

// holdsText reports whether nd's log of origin has a post with text.
func holdsText(t testing.TB, nd *node, origin, text string) bool {
	return slices.ContainsFunc(logOf(t, nd, origin), func(e zchat.Event) bool { return e.Text == text })
}

// A replica that holds a forged event at the origin's next seq gives it up
// for the origin's real events, and so does any replica it spread to.
func TestForgedEventReplacedByTheOriginsLog(t *testing.T) {
	net := newFakeNet()
	a, b, c := net.start(t, "a", "", fastConfig()), net.start(t, "b", "", fastConfig()), net.start(t, "c", "", fastConfig())
	a.post(t, 5)
	eventually(t, 5*time.Second, "first copy", func() bool { return converged(a, b, c) })
	origin := a.st.Origin()
	plant(t, c, forge(origin, c.st.Head(origin), 1, "forged"))
	acked := a.post(t, 3)
	eventually(t, 10*time.Second, "every replica holds the origin's log", func() bool {
		return converged(a, b, c) && holdsOriginsLog(t, a, b, c)
	})
	for _, nd := range []*node{a, b, c} {
		if holdsText(t, nd, origin, "forged 0") {
			t.Errorf("%s still holds the forged post", nd.name)
		}
	}
	if got := logOf(t, c, origin); !reflect.DeepEqual(got[len(got)-3:], acked) {
		t.Errorf("c's last events %v, want the acknowledged %v", got[len(got)-3:], acked)
	}
	if c.r.stats.repairs.Load() == 0 || c.r.stats.truncated.Load() == 0 {
		t.Errorf("c repaired %d times, %d events", c.r.stats.repairs.Load(), c.r.stats.truncated.Load())
	}
	if n := a.r.stats.repairs.Load(); n != 0 {
		t.Errorf("the origin repaired its own log %d times", n)
	}
}

// A forged log longer than the origin's, found by a binary search over
// the origin's hashes: the repair removes exactly the forged part.
func TestRepairFindsTheFirstDifference(t *testing.T) {
	net := newFakeNet()
	a := net.start(t, "a", "", fastConfig())
	fill(t, a, 300) // events of "src.1" in a's store, which a is not the origin of
	a.post(t, 200)
	origin := a.st.Origin()
	held := logOf(t, a, origin)[:137]
	dir := t.TempDir()
	plantDir(t, dir, "c", append(slices.Clone(held), forge(origin, zchat.Head{Seq: 137, Hash: held[136].Hash}, 400, "forged")...))
	c := net.start(t, "c", dir, fastConfig())
	eventually(t, 10*time.Second, "c holds a's log", func() bool { return holdsOriginsLog(t, a, c) && converged(a, c) })
	if n := c.r.stats.truncated.Load(); n != 400 || c.r.stats.repairs.Load() != 1 {
		t.Errorf("repairs removed %d events in %d repairs, want the 400 forged in 1", n, c.r.stats.repairs.Load())
	}
}

// Two replicas that hold different logs of an origin that is gone keep
// what they have: neither truncates on the other's word. When the origin
// comes back, the one that is wrong repairs from it.
func TestNoRepairWithoutTheOrigin(t *testing.T) {
	net := newFakeNet()
	a, b, c := net.start(t, "a", "", fastConfig()), net.start(t, "b", "", fastConfig()), net.start(t, "c", "", fastConfig())
	a.post(t, 3)
	eventually(t, 5*time.Second, "first copy", func() bool { return converged(a, b, c) })
	origin := a.st.Origin()
	net.partition("a", "c")
	net.partition("b", "c") // b takes a's post, not c's forged one
	plant(t, c, forge(origin, c.st.Head(origin), 1, "forged"))
	a.post(t, 1) // the same seq: both see different heads
	eventually(t, 5*time.Second, "b holds a's post", func() bool { return holdsOriginsLog(t, a, b) })
	a.stop()
	net.heal("b", "c")
	eventually(t, 5*time.Second, "b and c see the divergence several times", func() bool {
		return b.r.stats.divergences.Load() >= 3 && c.r.stats.divergences.Load() >= 3
	})
	if !holdsText(t, c, origin, "forged 0") || holdsText(t, b, origin, "forged 0") {
		t.Error("a replica took the other's log of an origin that is gone")
	}
	if b.r.stats.repairs.Load()+c.r.stats.repairs.Load() != 0 {
		t.Error("a replica repaired without the origin")
	}
	net.heal("a", "c")
	a2 := net.start(t, "a", a.dir, fastConfig())
	eventually(t, 10*time.Second, "c repairs from the origin", func() bool {
		return converged(a2, b, c) && holdsOriginsLog(t, a2, b, c)
	})
	if c.r.stats.repairs.Load() == 0 || b.r.stats.repairs.Load() != 0 {
		t.Errorf("repairs: c %d (want some), b %d (want none)", c.r.stats.repairs.Load(), b.r.stats.repairs.Load())
	}
}

// The origin never takes events of its own origin from others, even ones
// that chain onto its log: it wrote its log. The replica that holds them
// gives them up when it exchanges heads with the origin.
func TestOriginNeverTakesItsOwnEventsFromPeers(t *testing.T) {
	net := newFakeNet()
	a, c := net.start(t, "a", "", fastConfig()), net.start(t, "c", "", fastConfig())
	a.post(t, 3)
	eventually(t, 5*time.Second, "first copy", func() bool { return converged(a, c) })
	origin := a.st.Origin()
	before := a.st.Head(origin)
	net.partition("a", "c")
	plant(t, c, forge(origin, before, 2, "forged"))
	res, err := a.st.Apply(context.Background(), logOf(t, c, origin))
	if err != nil || len(res.Events) != 0 || len(res.Diverged) != 1 {
		t.Fatalf("the origin applied %v of its own events from a peer (diverged %v, %v)", ids(res.Events), res.Diverged, err)
	}
	net.heal("a", "c")
	eventually(t, 5*time.Second, "c gives the forged events up", func() bool { return holdsOriginsLog(t, a, c) })
	if a.st.Head(origin) != before {
		t.Errorf("the origin's head moved from %+v to %+v", before, a.st.Head(origin))
	}
	a.post(t, 1)
	eventually(t, 5*time.Second, "the next real post replicates", func() bool { return holdsOriginsLog(t, a, c) && converged(a, c) })
}

// A push that contradicts the receiver's log starts an anti-entropy round
// at once, which repairs the log from the origin.
func TestPushDivergenceStartsTheRepair(t *testing.T) {
	net := newFakeNet()
	cfg := fastConfig()
	cfg.PullInterval = time.Hour // rounds only at start, on membership changes and when asked
	a, c := net.start(t, "a", "", cfg), net.start(t, "c", "", cfg)
	waitReady(t, a, c)
	a.post(t, 2)
	eventually(t, 5*time.Second, "first copy", func() bool { return converged(a, c) })
	origin := a.st.Origin()
	plant(t, c, forge(origin, c.st.Head(origin), 1, "forged"))
	a.post(t, 2)
	eventually(t, 5*time.Second, "c repaired and holds a's log", func() bool { return holdsOriginsLog(t, a, c) })
}

// A peer that holds another event at a seq of ours does not count as
// holding our event: --sync-replicas does not acknowledge on its word.
func TestDivergedPeerDoesNotAcknowledge(t *testing.T) {
	net := newFakeNet()
	cfg := fastConfig()
	cfg.SyncReplicas = 1
	cfg.SyncTimeout = 2 * time.Second // the first wait must not time out under load
	noRepair := cfg
	noRepair.PullInterval = -1 // b never repairs: its ack stays diverged
	a, b := net.start(t, "a", "", cfg), net.start(t, "b", "", noRepair)
	waitReady(t, a, b)
	first := a.post(t, 1)[0]
	if err := a.r.WaitReplicated(context.Background(), first); err != nil {
		t.Fatal(err)
	}
	origin := a.st.Origin()
	plant(t, b, forge(origin, b.st.Head(origin), 1, "forged"))
	ev := a.post(t, 1)[0]
	if err := a.r.WaitReplicated(context.Background(), ev); err == nil {
		t.Fatalf("%s acknowledged on the word of a peer that holds a forged %s", ev.ID(), ev.ID())
	}
	p := a.r.acks.snapshot()["b"]
	if !p.diverged || p.seq != ev.Seq {
		t.Errorf("b's ack %+v, want diverged at %d", p, ev.Seq)
	}
	if st := a.r.StatusFields()["replication"].(map[string]any); st["divergences"].(uint64) == 0 {
		t.Errorf("status %v: want divergences counted", st)
	}
}

// The hashes service answers at most 64 seqs, nil for seqs not held.
func TestHashesService(t *testing.T) {
	net := newFakeNet()
	a, b := net.start(t, "a", "", fastConfig()), net.start(t, "b", "", fastConfig())
	evs := a.post(t, 2)
	ctx := context.Background()
	got, err := b.r.peerHashes(ctx, "a", a.st.Origin(), []uint64{3, 1, 99})
	if err != nil {
		t.Fatal(err)
	}
	want := []zchat.Hash{evs[1].Hash, logOf(t, a, a.st.Origin())[0].Hash, {}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("hashes %v, want %v", got, want)
	}
	if _, err := b.r.peerHashes(ctx, "a", a.st.Origin(), make([]uint64, 65)); err == nil {
		t.Error("65 seqs were answered")
	}
}

func ids(events []zchat.Event) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.ID()
	}
	return out
}
