package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"zchat"
)

// peerLog makes n events of origin: a login of "u-<origin>" then posts to
// channel "general".
func peerLog(origin string, n int) []zchat.Event {
	evs := make([]zchat.Event, n)
	for i := range evs {
		seq := uint64(i + 1)
		evs[i] = zchat.Event{Origin: origin, Seq: seq, Clock: seq, Time: float64(seq),
			Kind: zchat.KindPost, User: "u-" + origin, Target: "general", Text: fmt.Sprint(origin, seq)}
	}
	evs[0].Kind, evs[0].Target, evs[0].Text = zchat.KindLogin, "", ""
	return chained(zchat.GenesisHead, evs)
}

func TestApplySequencing(t *testing.T) {
	a, b := peerLog("a.1", 6), peerLog("b.1", 3)
	pick := func(evs []zchat.Event, seqs ...int) []zchat.Event {
		var out []zchat.Event
		for _, s := range seqs {
			out = append(out, evs[s-1])
		}
		return out
	}
	// Steps run in order against one store.
	steps := []struct {
		name       string
		in         []zchat.Event
		wantIDs    []string
		wantVector map[string]uint64
	}{
		{"first events", pick(a, 1, 2), []string{"a.1:1", "a.1:2"}, map[string]uint64{"a.1": 2}},
		{"replay is skipped", pick(a, 1, 2, 3), []string{"a.1:3"}, map[string]uint64{"a.1": 3}},
		{"beyond a gap is skipped", pick(a, 5, 6), nil, map[string]uint64{"a.1": 3}},
		{"out of order: only the next one", pick(a, 5, 4), []string{"a.1:4"}, map[string]uint64{"a.1": 4}},
		{"origins mixed", append(pick(b, 1), append(pick(a, 5), pick(b, 2, 3)...)...),
			[]string{"b.1:1", "a.1:5", "b.1:2", "b.1:3"}, map[string]uint64{"a.1": 5, "b.1": 3}},
		{"whole log again", append(slices.Clone(a), b...), []string{"a.1:6"}, map[string]uint64{"a.1": 6, "b.1": 3}},
		{"nothing", nil, nil, map[string]uint64{"a.1": 6, "b.1": 3}},
	}
	s := openT(t, "srv", Options{})
	for _, st := range steps {
		got, err := s.Apply(context.Background(), st.in)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if !reflect.DeepEqual(ids(got.Events), append([]string{}, st.wantIDs...)) {
			t.Errorf("%s: applied %v, want %v", st.name, ids(got.Events), st.wantIDs)
		}
		if v := s.Vector(); !reflect.DeepEqual(v, st.wantVector) {
			t.Errorf("%s: vector %v, want %v", st.name, v, st.wantVector)
		}
	}
	if n, _ := s.Count(); n != 9 {
		t.Errorf("Count = %d, want 9", n)
	}
	// Replicated events come back from Since unchanged.
	got, err := s.Since("a.1", 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, a[2:5]) {
		t.Errorf("Since(a.1, 2, 3) = %+v, want %+v", got, a[2:5])
	}
	// Posts were stored although "general" is unknown here.
	if s.HasChannel("general") || !s.HasUser("u-a.1") {
		t.Error("read models: want user u-a.1 and no channel general")
	}
}

func TestApplyRejectsMalformedEvents(t *testing.T) {
	good := zchat.Event{Origin: "p.1", Seq: 1, Kind: zchat.KindLogin, User: "x"}
	tests := []struct {
		name string
		mod  func(*zchat.Event)
	}{
		{"empty origin", func(e *zchat.Event) { e.Origin = "" }},
		{"seq zero", func(e *zchat.Event) { e.Seq = 0 }},
		{"seq too large", func(e *zchat.Event) { e.Seq = 1 << 63 }},
		{"clock too large", func(e *zchat.Event) { e.Clock = 1 << 63 }},
		{"unknown kind", func(e *zchat.Event) { e.Kind = 0 }},
		{"login without user", func(e *zchat.Event) { e.User = "" }},
		{"post without target", func(e *zchat.Event) { e.Kind = zchat.KindPost }},
	}
	s := openT(t, "srv", Options{})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			bad := good
			tc.mod(&bad)
			if _, err := s.Apply(context.Background(), []zchat.Event{good, bad}); err == nil {
				t.Fatal("Apply accepted a malformed event")
			}
			if n, _ := s.Count(); n != 0 {
				t.Fatalf("a rejected Apply wrote %d events", n)
			}
		})
	}
}

// Two replicas created the same channel concurrently: both converge to the
// creation smallest in (Clock, Origin, Seq).
func TestChannelConflict(t *testing.T) {
	tests := []struct {
		name                 string
		clockA, clockB       uint64
		wantCreatorFromFirst bool // the store opened as "a" wins
	}{
		{"smaller clock wins", 5, 7, true},
		{"smaller clock wins the other way", 9, 2, false},
		{"equal clocks: smaller origin wins", 4, 4, true}, // "a.xxx" < "b.xxx"
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, b := openT(t, "a", Options{}), openT(t, "b", Options{})
			must(t, a, login("ann", 1))
			must(t, b, login("ben", 1))
			must(t, a, channel("ann", "lobby", tc.clockA))
			must(t, b, channel("ben", "lobby", tc.clockB))
			must(t, a, post("ann", "lobby", "from a", 10))
			must(t, b, post("ben", "lobby", "from b", 10))
			syncFrom(t, a, b)
			syncFrom(t, b, a)
			want := "ben"
			if tc.wantCreatorFromFirst {
				want = "ann"
			}
			for _, s := range []*Store{a, b} {
				chans, _ := s.Channels()
				if !reflect.DeepEqual(chans, []string{"lobby"}) {
					t.Errorf("%s: Channels = %v", s.Origin(), chans)
				}
				if got := creator(t, s, "lobby"); got != want {
					t.Errorf("%s: creator %q, want %q", s.Origin(), got, want)
				}
				h, _ := s.History(context.Background(), zchat.HistoryQuery{Channel: "lobby"})
				if len(h) != 2 {
					t.Errorf("%s: history %v, want both posts", s.Origin(), texts(h))
				}
			}
		})
	}
}

func creator(t testing.TB, s *Store, ch string) string {
	t.Helper()
	var user string
	if err := s.rdb.QueryRow(`SELECT creator FROM channels WHERE name = ?`, ch).Scan(&user); err != nil {
		t.Fatal(err)
	}
	return user
}

// A retry accepted by two replicas: the smaller event stays visible.
func TestDuplicateAcrossReplicasHidesTheLarger(t *testing.T) {
	local := func(s *Store, clock uint64) zchat.Event {
		return must(t, s, withReq(post("ann", "general", "hi", clock), "r1"))
	}
	tests := []struct {
		name        string
		localClock  uint64
		remoteClock uint64
		localWins   bool
	}{
		{"remote is larger: hidden on arrival", 3, 8, true},
		{"remote is smaller: local gets hidden", 8, 3, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := openT(t, "srv", Options{})
			must(t, s, login("ann", 1))
			must(t, s, channel("ann", "general", 2))
			mine := local(s, tc.localClock)
			remote := zchat.Event{Origin: "peer.1", Seq: 1, Clock: tc.remoteClock, Time: 1,
				Kind: zchat.KindPost, User: "ann", Target: "general", Text: "hi", ReqID: "r1"}
			remote.Hash = zchat.GenesisHead.Next(remote)
			got, err := s.Apply(context.Background(), []zchat.Event{remote})
			if err != nil || len(got.Events) != 1 {
				t.Fatalf("Apply = %v, %v", got, err)
			}
			winner, loser := mine, remote
			if !tc.localWins {
				winner, loser = remote, mine
			}
			h, _ := s.History(context.Background(), zchat.HistoryQuery{Channel: "general"})
			if !reflect.DeepEqual(h, []zchat.Event{winner}) {
				t.Errorf("history %v, want only %s", ids(h), winner.ID())
			}
			if hid, _ := s.Hidden(); !reflect.DeepEqual(hid, []string{loser.ID()}) {
				t.Errorf("hidden %v, want %s", hid, loser.ID())
			}
			// A further retry here answers with the visible one.
			c, err := s.Submit(context.Background(), withReq(post("ann", "general", "hi", 20), "r1"))
			if err != nil || !c.Duplicate || c.Event != winner {
				t.Errorf("retry = %+v, %v; want duplicate of %s", c, err, winner.ID())
			}
			// The hidden event stays in the log for replication.
			if n, _ := s.Count(); n != 4 {
				t.Errorf("Count = %d, want 4", n)
			}
		})
	}
}

// snapshot is everything a client can observe, plus the hidden set.
type snapshot struct {
	Vector   map[string]uint64
	Users    []string
	Channels []string
	Creators map[string]string
	Claims   map[string]string
	History  map[string][]zchat.Event
	Hidden   []string
	Count    int64
}

func observe(t testing.TB, s *Store, users, chans []string) snapshot {
	t.Helper()
	ctx := context.Background()
	snap := snapshot{Vector: s.Vector(), Creators: map[string]string{}, History: map[string][]zchat.Event{}}
	var err error
	if snap.Users, err = s.Users(); err != nil {
		t.Fatal(err)
	}
	if snap.Channels, err = s.Channels(); err != nil {
		t.Fatal(err)
	}
	for _, c := range snap.Channels {
		snap.Creators[c] = creator(t, s, c)
	}
	if snap.Claims, err = s.Claims(); err != nil {
		t.Fatal(err)
	}
	for _, c := range chans {
		if snap.History["#"+c], err = s.History(ctx, zchat.HistoryQuery{Channel: c, Limit: 1000}); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range users {
		if snap.History["@"+u], err = s.History(ctx, zchat.HistoryQuery{User: u, Limit: 1000}); err != nil {
			t.Fatal(err)
		}
		for _, p := range users {
			q := zchat.HistoryQuery{User: u, Peer: p, Limit: 1000}
			if snap.History["@"+u+"/"+p], err = s.History(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
	}
	if snap.Hidden, err = s.Hidden(); err != nil {
		t.Fatal(err)
	}
	if snap.Count, err = s.Count(); err != nil {
		t.Fatal(err)
	}
	return snap
}

// deliver applies logs to s in a random interleaving that keeps each
// origin's order, with random replays and losses, then repairs losses the
// way anti-entropy does.
func deliver(t *testing.T, s *Store, logs [][]zchat.Event, rng *rand.Rand) {
	t.Helper()
	ctx := context.Background()
	next := make([]int, len(logs))
	for {
		var open []int
		for i, l := range logs {
			if next[i] < len(l) {
				open = append(open, i)
			}
		}
		if len(open) == 0 {
			break
		}
		var chunk []zchat.Event
		for range 1 + rng.IntN(4) {
			i := open[rng.IntN(len(open))]
			if next[i] >= len(logs[i]) {
				continue
			}
			switch r := rng.IntN(10); {
			case r == 0 && next[i] > 0: // replay an old event
				chunk = append(chunk, logs[i][rng.IntN(next[i])])
			case r == 1: // lose this one
				next[i]++
			default:
				chunk = append(chunk, logs[i][next[i]])
				next[i]++
			}
		}
		if _, err := s.Apply(ctx, chunk); err != nil {
			t.Fatal(err)
		}
	}
	for _, l := range logs {
		if _, err := s.Apply(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
}

// Replicas that receive the same events in different orders end in the
// same observable state, including which duplicates are hidden and who
// created a contested channel.
func TestConvergence(t *testing.T) {
	a, b, c, logs := contestedLogs(t)
	users, chans := contestedUsers, contestedChannels

	// Fresh replicas, each with its own delivery order.
	var snaps []snapshot
	for seed := range uint64(3) {
		s := openT(t, fmt.Sprint("x", seed), Options{})
		deliver(t, s, logs, rand.New(rand.NewPCG(seed, 42)))
		snaps = append(snaps, observe(t, s, users, chans))
	}
	// The original replicas, by anti-entropy in a ring.
	for range 2 {
		syncFrom(t, b, a)
		syncFrom(t, c, b)
		syncFrom(t, a, c)
	}
	for _, s := range []*Store{a, b, c} {
		snaps = append(snaps, observe(t, s, users, chans))
	}
	for i, s := range snaps[1:] {
		if !reflect.DeepEqual(s, snaps[0]) {
			t.Fatalf("replica %d differs from replica 0:\n%+v\nvs\n%+v", i+1, s, snaps[0])
		}
	}

	got := snaps[0]
	if len(got.Hidden) != 3 {
		t.Errorf("hidden %v, want the 2 losing r1 posts and the losing p1 message", got.Hidden)
	}
	// lobby: clock 3 on b and c; the origin "b.…" < "c.…" decides.
	if got.Creators["lobby"] != "ben" || got.Creators["general"] != "ann" {
		t.Errorf("creators %v, want lobby by ben, general by ann", got.Creators)
	}
	var retries []zchat.Event
	for _, e := range got.History["#lobby"] {
		if e.ReqID == "r1" {
			retries = append(retries, e)
		}
	}
	if len(retries) != 1 || retries[0].Origin != c.Origin() {
		t.Errorf("visible r1 posts %v, want only c's (smallest clock)", ids(retries))
	}
	if n := len(got.History["@ann/ann"]); n != 20 {
		t.Errorf("ann's notes to self: %d, want 20", n)
	}
}

// The users and channels of contestedLogs.
var (
	contestedUsers    = []string{"ann", "ben", "cat", "dora"}
	contestedChannels = []string{"lobby", "general", "c-only"}
)

// contestedLogs makes three stores write logs that conflict: the same
// channels created on several, a request retried on every one, clashing
// clocks; dora logs in on c only, and c alone creates c-only; at the end
// of every log, claims: ann by every store with its own key (b's, at the
// smallest clock, wins; c's comes next), and one name claimed by one
// store alone. It returns the stores and their logs.
func contestedLogs(t *testing.T) (a, b, c *Store, logs [][]zchat.Event) {
	a, b, c = openT(t, "a", Options{}), openT(t, "b", Options{}), openT(t, "c", Options{})
	users := contestedUsers[:3]
	for i, s := range []*Store{a, b, c} {
		for _, u := range users {
			must(t, s, login(u, uint64(1+i)))
		}
	}
	// Contested channels.
	must(t, a, channel("ann", "lobby", 5))
	must(t, b, channel("ben", "lobby", 3))
	must(t, c, channel("cat", "lobby", 3))
	must(t, a, channel("ann", "general", 4))
	must(t, b, channel("ben", "general", 4))
	must(t, c, channel("cat", "c-only", 4))
	// One client request retried against every replica.
	must(t, a, withReq(post("ann", "lobby", "retry", 10), "r1"))
	must(t, b, withReq(post("ann", "lobby", "retry", 10), "r1"))
	must(t, c, withReq(post("ann", "lobby", "retry", 7), "r1"))
	must(t, a, withReq(private("ben", "cat", "dm retry", 12), "p1"))
	must(t, b, withReq(private("ben", "cat", "dm retry", 11), "p1"))
	// Ordinary traffic, with clashing clocks.
	for i := range 20 {
		for j, s := range []*Store{a, b, c} {
			u := users[(i+j)%3]
			must(t, s, post(u, "lobby", fmt.Sprint(s.Origin(), " ", i), uint64(20+i)))
			must(t, s, private(u, users[(i+j+1)%3], fmt.Sprint("dm ", i), uint64(20+i)))
			must(t, s, private(u, u, "self", uint64(20+i)))
		}
	}
	must(t, c, login("dora", 30))
	must(t, a, claimCmd("ann", keyA, 40))
	must(t, a, claimCmd("cat", keyA, 41))
	must(t, b, claimCmd("ann", keyB, 35))
	must(t, b, claimCmd("ben", keyB, 36))
	must(t, c, claimCmd("ann", keyC, 36))
	must(t, c, claimCmd("dora", keyC, 31))
	logs = [][]zchat.Event{
		allEvents(t, a)[a.Origin()], allEvents(t, b)[b.Origin()], allEvents(t, c)[c.Origin()],
	}
	return a, b, c, logs
}
