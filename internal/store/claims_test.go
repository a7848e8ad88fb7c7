package store

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"zchat"
)

func TestClaimSubmit(t *testing.T) {
	s := openT(t, "srv", Options{})
	ctx := context.Background()
	first := must(t, s, claimCmd("bob", keyA, 1))
	if key, ok := s.Owner("bob"); !ok || key != keyA {
		t.Fatalf("Owner(bob) = %.4s, %v; want a's key", key, ok)
	}
	again, err := s.Submit(ctx, claimCmd("bob", keyA, 2))
	if err != nil || !again.Duplicate || again.Event != first {
		t.Errorf("repeated claim = %+v, %v; want the first claim %s as a duplicate", again, err, first.ID())
	}
	_, err = s.Submit(ctx, claimCmd("bob", keyB, 3))
	var claimed zchat.ClaimedError
	if !errors.As(err, &claimed) || claimed.Name != "bob" || err.Error() != "name 'bob' is claimed by another key" {
		t.Errorf("claim by another key: %v, want a ClaimedError for bob", err)
	}
	for _, bad := range []string{"", "short", keyA[:39] + "~"} {
		if _, err := s.Submit(ctx, claimCmd("carl", bad, 4)); err == nil {
			t.Errorf("claim with key %q accepted", bad)
		}
	}
	if n, _ := s.Count(); n != 1 {
		t.Errorf("%d events stored, want only the first claim", n)
	}
	if key, _ := s.Owner("bob"); key != keyA {
		t.Errorf("Owner(bob) = %.4s after the refusals, want a's key", key)
	}
}

// claimEvents are claims of one name by three origins; the one at the
// smallest (Clock, Origin, Seq) must win, here c's (clock 2), then a's
// and b's tie at clock 3, which the origin decides.
func claimEvents() []zchat.Event {
	mk := func(origin string, clock uint64, key string) zchat.Event {
		return chained(zchat.GenesisHead, []zchat.Event{{Origin: origin, Seq: 1, Clock: clock, Time: 1,
			Kind: zchat.KindClaim, User: "bob", Text: key}})[0]
	}
	return []zchat.Event{mk("a.1", 3, keyA), mk("b.1", 3, keyB), mk("c.1", 2, keyC)}
}

func TestClaimsFirstWinsInAnyOrder(t *testing.T) {
	evs := claimEvents()
	orders := [][]int{{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}}
	for _, order := range orders {
		for _, oneBatch := range []bool{false, true} {
			t.Run(fmt.Sprint(order, oneBatch), func(t *testing.T) {
				s := openT(t, "srv", Options{})
				var in []zchat.Event
				for _, i := range order {
					in = append(in, evs[i])
				}
				if oneBatch {
					applyAll(t, s, in)
				} else {
					for _, e := range in {
						applyAll(t, s, []zchat.Event{e})
					}
				}
				stored, err := s.Claims()
				if key, _ := s.Owner("bob"); err != nil || key != keyC || stored["bob"] != keyC {
					t.Errorf("bob owned by %.4s (stored %.4s, %v), want c's key", key, stored["bob"], err)
				}
			})
		}
	}
}

// A claim of this store loses to an earlier one replicated later, and a
// local claim is refused once the name is another key's.
func TestLocalClaimLosesToEarlierReplicated(t *testing.T) {
	s := openT(t, "srv", Options{})
	must(t, s, claimCmd("bob", keyA, 10))
	applyAll(t, s, claimEvents()[2:]) // c's claim, clock 2
	if key, _ := s.Owner("bob"); key != keyC {
		t.Errorf("bob owned by %.4s, want c's key (the earlier claim)", key)
	}
	if _, err := s.Submit(context.Background(), claimCmd("bob", keyA, 11)); !errors.Is(err, zchat.ErrClaimed) {
		t.Errorf("a's claim again: %v, want refused (c's key owns bob now)", err)
	}
}

func TestClaimsAndNamesSurviveRestart(t *testing.T) {
	dir := t.TempDir()
	s := openDirT(t, dir, "srv", Options{})
	must(t, s, login("bob", 1))
	must(t, s, claimCmd("bob", keyA, 2))
	must(t, s, channel("bob", "geral", 3))
	applyAll(t, s, claimEvents()[1:2]) // b's claim of bob at clock 3 loses to the local one at 2
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openDirT(t, dir, "srv", Options{})
	if key, ok := s.Owner("bob"); !ok || key != keyA {
		t.Errorf("after reopening, Owner(bob) = %.4s, %v; want a's key", key, ok)
	}
	ctx := context.Background()
	if _, err := s.Submit(ctx, claimCmd("bob", keyB, 4)); !errors.Is(err, zchat.ErrClaimed) {
		t.Errorf("claim by another key after reopening: %v", err)
	}
	if _, err := s.Submit(ctx, login("Bob", 5)); !errors.Is(err, zchat.ErrConfusable) {
		t.Errorf("login of Bob after reopening: %v, want a look-alike refusal", err)
	}
	if _, err := s.Submit(ctx, channel("", "GERAL", 6)); !errors.Is(err, zchat.ErrConfusable) {
		t.Errorf("channel GERAL after reopening: %v, want a look-alike refusal", err)
	}
}

func TestLookAlikeNames(t *testing.T) {
	s := openT(t, "srv", Options{})
	must(t, s, login("bob", 1))
	must(t, s, channel("bob", "geral", 2))
	steps := []struct {
		cmd  zchat.Command
		want string // the error, "" for accepted
	}{
		{login("bob", 3), ""},
		{login("Bob", 4), "user name 'Bob' is too similar to the existing 'bob'"},
		{login("b\u043eb", 5), "user name 'b\u043eb' is too similar to the existing 'bob'"}, // Cyrillic о
		{login("bobby", 6), ""},
		{login("BOBBY", 7), "user name 'BOBBY' is too similar to the existing 'bobby'"},
		{claimCmd("BOB", keyA, 8), "user name 'BOB' is too similar to the existing 'bob'"},
		{claimCmd("bob", keyA, 9), ""},
		{channel("bob", "Geral", 10), "channel name 'Geral' is too similar to the existing 'geral'"},
		{channel("bob", "geral", 11), "channel already exists"},
		{login("geral", 12), ""}, // users and channels are separate namespaces
		{channel("bob", "Bob", 13), ""},
		{post("bob", "geral", "hi", 14), ""},
	}
	for i, st := range steps {
		_, err := s.Submit(context.Background(), st.cmd)
		if got := fmt.Sprint(err); (st.want == "" && err != nil) || (st.want != "" && got != st.want) {
			t.Errorf("step %d %s %q: %v, want %q", i, st.cmd.Kind, st.cmd.User+st.cmd.Target, err, st.want)
		}
	}
	// Replicated look-alikes are stored (replicas converge); the same
	// name logs in again, the look-alike of both is refused.
	peer := chained(zchat.GenesisHead, []zchat.Event{{Origin: "p.1", Seq: 1, Clock: 20, Time: 1, Kind: zchat.KindLogin, User: "ANA"}})
	must(t, s, login("ana", 21))
	applyAll(t, s, peer)
	if !s.HasUser("ANA") {
		t.Fatal("a replicated look-alike login was refused")
	}
	must(t, s, login("ANA", 22))
	if _, err := s.Submit(context.Background(), login("Ana", 23)); !errors.Is(err, zchat.ErrConfusable) {
		t.Errorf("login of Ana: %v, want a look-alike refusal", err)
	}
}

// Commands of one batch see each other: the second of two look-alike
// logins, or of two claims by different keys, is refused.
func TestLookAlikesAndClaimsInOneBatch(t *testing.T) {
	s := openT(t, "srv", Options{})
	ctx := context.Background()
	cmds := []zchat.Command{login("eve", 1), login("EVE", 2), claimCmd("zed", keyA, 3), claimCmd("zed", keyB, 4), claimCmd("zed", keyA, 5)}
	reqs := make([]*request, len(cmds))
	for i := range cmds {
		reqs[i] = &request{ctx: ctx, cmd: &cmds[i], reply: make(chan result, 1)}
	}
	s.runRequests(reqs) // the writer goroutine is idle: nothing else writes
	var res []result
	for _, r := range reqs {
		res = append(res, <-r.reply)
	}
	switch {
	case res[0].err != nil || res[2].err != nil:
		t.Errorf("first login or claim refused: %v, %v", res[0].err, res[2].err)
	case !errors.Is(res[1].err, zchat.ErrConfusable):
		t.Errorf("EVE in the same batch as eve: %v", res[1].err)
	case !errors.Is(res[3].err, zchat.ErrClaimed):
		t.Errorf("zed claimed by b's key in the batch of a's claim: %v", res[3].err)
	case !res[4].committed.Duplicate || res[4].committed.Event != res[2].committed.Event:
		t.Errorf("a's repeated claim in the same batch: %+v, want the first as a duplicate", res[4])
	}
	if key, _ := s.Owner("zed"); key != keyA {
		t.Errorf("zed owned by %.4s, want a's key", key)
	}
}
