package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"zchat"
)

func TestOpenCreatesOrigin(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "data")
	s := openDirT(t, dir, "srv1", Options{})
	if !strings.HasPrefix(s.Origin(), "srv1.") || len(s.Origin()) != len("srv1.")+8 {
		t.Errorf("origin %q, want srv1.<8 hex>", s.Origin())
	}
	if _, err := os.Stat(filepath.Join(dir, dbFile)); err != nil {
		t.Errorf("database file: %v", err)
	}
	other := openT(t, "srv1", Options{})
	if other.Origin() == s.Origin() {
		t.Errorf("two fresh directories share origin %q", s.Origin())
	}
	if _, err := Open(t.TempDir(), "", Options{}); err == nil {
		t.Error("Open with empty name succeeded")
	}
}

func TestSubmitRules(t *testing.T) {
	s := openT(t, "srv", Options{})
	must(t, s, login("alice", 1))
	must(t, s, channel("alice", "general", 2))

	tests := []struct {
		name    string
		cmd     zchat.Command
		wantErr error // nil: accepted
		invalid bool  // rejected as malformed, not by a domain rule
	}{
		{"login new user", login("bob", 3), nil, false},
		{"login again is stored too", login("alice", 4), nil, false},
		{"create channel", channel("alice", "random", 5), nil, false},
		{"create channel without creator", channel("", "system", 5), nil, false},
		{"create existing channel", channel("bob", "general", 6), zchat.ErrChannelExists, false},
		{"post to channel", post("alice", "general", "hi", 7), nil, false},
		{"post to missing channel", post("alice", "nowhere", "hi", 8), zchat.ErrNoSuchChannel, false},
		{"private to known user", private("alice", "bob", "psst", 9), nil, false},
		{"private to unknown user", private("alice", "nobody", "psst", 10), zchat.ErrNoSuchUser, false},
		{"private to oneself", private("alice", "alice", "note", 11), nil, false},
		{"unknown kind", zchat.Command{Kind: 9, User: "alice"}, nil, true},
		{"login without user", zchat.Command{Kind: zchat.KindLogin}, nil, true},
		{"post without channel", zchat.Command{Kind: zchat.KindPost, User: "alice", Text: "x"}, nil, true},
		{"private without sender", zchat.Command{Kind: zchat.KindPrivate, Target: "bob", Text: "x"}, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := s.Vector()[s.Origin()]
			c, err := s.Submit(context.Background(), tc.cmd)
			after := s.Vector()[s.Origin()]
			switch {
			case tc.invalid:
				if err == nil || errors.Is(err, zchat.ErrChannelExists) {
					t.Fatalf("err = %v, want a validation error", err)
				}
			case tc.wantErr != nil:
				if err != tc.wantErr { // returned unwrapped, for the reply text
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
			default:
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				e := c.Event
				if c.Duplicate || e.Origin != s.Origin() || e.Seq != before+1 || after != before+1 {
					t.Fatalf("committed %+v (vector %d -> %d)", c, before, after)
				}
				if e.Kind != tc.cmd.Kind || e.User != tc.cmd.User || e.Target != tc.cmd.Target ||
					e.Text != tc.cmd.Text || e.Clock != tc.cmd.Clock || e.Time == 0 {
					t.Fatalf("event %+v does not match command %+v", e, tc.cmd)
				}
				return
			}
			if after != before {
				t.Errorf("rejected command advanced the vector %d -> %d", before, after)
			}
		})
	}

	users, _ := s.Users()
	if want := []string{"alice", "bob"}; !reflect.DeepEqual(users, want) {
		t.Errorf("Users = %v, want %v", users, want)
	}
	chans, _ := s.Channels()
	if want := []string{"general", "random", "system"}; !reflect.DeepEqual(chans, want) {
		t.Errorf("Channels = %v, want %v", chans, want)
	}
	if !s.HasUser("bob") || s.HasUser("nobody") || !s.HasChannel("random") || s.HasChannel("nowhere") {
		t.Error("HasUser/HasChannel disagree with the submitted commands")
	}
	// Every login is stored, including the repeated one.
	logins := 0
	for _, e := range allEvents(t, s)[s.Origin()] {
		if e.Kind == zchat.KindLogin {
			logins++
		}
	}
	if logins != 3 {
		t.Errorf("%d login events stored, want 3", logins)
	}
}

func TestSubmitDuplicateRequestID(t *testing.T) {
	s := openT(t, "srv", Options{})
	must(t, s, login("alice", 1))
	must(t, s, login("bob", 1))
	must(t, s, channel("alice", "general", 2))
	first := must(t, s, withReq(post("alice", "general", "hello", 3), "r1"))
	chanFirst := must(t, s, withReq(channel("alice", "retry", 4), "c1"))

	tests := []struct {
		name    string
		cmd     zchat.Command
		dupOf   *zchat.Event // nil: a new event
		wantErr error
	}{
		{"same post retried", withReq(post("alice", "general", "hello", 9), "r1"), &first, nil},
		{"retry with other text still the original", withReq(post("alice", "general", "changed", 9), "r1"), &first, nil},
		{"same request id, other user", withReq(post("bob", "general", "hello", 9), "r1"), nil, nil},
		{"same request id, other kind", withReq(private("alice", "bob", "hello", 9), "r1"), nil, nil},
		{"no request id never deduplicates", post("alice", "general", "hello", 9), nil, nil},
		{"channel retry is not an error", withReq(channel("alice", "retry", 9), "c1"), &chanFirst, nil},
		{"channel with new request id exists", withReq(channel("alice", "retry", 9), "c2"), nil, zchat.ErrChannelExists},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n0, _ := s.Count()
			c, err := s.Submit(context.Background(), tc.cmd)
			n1, _ := s.Count()
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.dupOf == nil {
				if c.Duplicate || n1 != n0+1 {
					t.Fatalf("want a new event, got %+v (count %d -> %d)", c, n0, n1)
				}
				return
			}
			if !c.Duplicate || c.Event != *tc.dupOf || n1 != n0 {
				t.Fatalf("got %+v (count %d -> %d), want duplicate of %+v", c, n0, n1, *tc.dupOf)
			}
		})
	}
}

// Retries racing each other, probably in one batch, still produce one event.
func TestConcurrentRetriesProduceOneEvent(t *testing.T) {
	s := openT(t, "srv", Options{})
	must(t, s, login("alice", 1))
	must(t, s, channel("alice", "general", 2))
	const n = 50
	results := make([]zchat.Committed, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			c, err := s.Submit(context.Background(), withReq(post("alice", "general", "x", 3), "same"))
			if err != nil {
				t.Error(err)
			}
			results[i] = c
		})
	}
	wg.Wait()
	originals := 0
	for _, c := range results {
		if !c.Duplicate {
			originals++
		}
		if c.Event != results[0].Event {
			t.Fatalf("retries answered with different events: %+v vs %+v", c.Event, results[0].Event)
		}
	}
	if originals != 1 {
		t.Errorf("%d originals, want 1", originals)
	}
	if n, _ := s.Count(); n != 3 {
		t.Errorf("Count = %d, want 3", n)
	}
}

func TestRestartKeepsEverything(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, "srv", Options{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	must(t, s, login("alice", 1))
	must(t, s, login("bob", 2))
	must(t, s, channel("alice", "general", 3))
	must(t, s, post("alice", "general", "one", 4))
	must(t, s, private("alice", "bob", "psst", 5))
	peer := []zchat.Event{
		{Origin: "peer.1", Seq: 1, Clock: 1, Time: 1, Kind: zchat.KindLogin, User: "carol"},
		{Origin: "peer.1", Seq: 2, Clock: 6, Time: 2, Kind: zchat.KindPost, User: "carol", Target: "general", Text: "two"},
	}
	if _, err := s.Apply(context.Background(), peer); err != nil {
		t.Fatal(err)
	}
	type snapshot struct {
		Origin          string
		Vector          map[string]uint64
		Users, Channels []string
		General, Alice  []zchat.Event
		Count           int64
	}
	snap := func(s *Store) snapshot {
		users, _ := s.Users()
		chans, _ := s.Channels()
		gen, err := s.History(context.Background(), zchat.HistoryQuery{Channel: "general"})
		if err != nil {
			t.Fatal(err)
		}
		al, _ := s.History(context.Background(), zchat.HistoryQuery{User: "alice"})
		n, _ := s.Count()
		return snapshot{s.Origin(), s.Vector(), users, chans, gen, al, n}
	}
	before := snap(s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s2 := openDirT(t, dir, "srv", Options{})
	after := snap(s2)
	if !reflect.DeepEqual(before, after) {
		t.Fatalf("after restart\n got %+v\nwant %+v", after, before)
	}
	if !s2.HasUser("carol") || !s2.HasChannel("general") {
		t.Error("in-memory sets not reloaded")
	}
	e := must(t, s2, post("bob", "general", "three", 7))
	if e.Origin != before.Origin || e.Seq != before.Vector[before.Origin]+1 {
		t.Errorf("after restart new event is %s, want %s:%d", e.ID(), before.Origin, before.Vector[before.Origin]+1)
	}
}

// 200 concurrent submitters all succeed, get distinct contiguous sequence
// numbers, and share commits.
func TestConcurrentSubmitsGroupCommit(t *testing.T) {
	s := openT(t, "srv", Options{})
	must(t, s, login("alice", 1))
	must(t, s, channel("alice", "general", 2))
	base := s.Stats()
	const n = 200
	start := make(chan struct{})
	seqs := make([]uint64, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			c, err := s.Submit(context.Background(), post("alice", "general", fmt.Sprint(i), uint64(3+i)))
			if err != nil {
				t.Error(err)
				return
			}
			seqs[i] = c.Event.Seq
		})
	}
	close(start)
	wg.Wait()
	seen := map[uint64]bool{}
	for _, seq := range seqs {
		if seq < 3 || seq > n+2 || seen[seq] {
			t.Fatalf("bad or repeated seq %d", seq)
		}
		seen[seq] = true
	}
	st := s.Stats()
	commits, events := st.Commits-base.Commits, st.Events-base.Events
	if events != n {
		t.Errorf("%d events written, want %d", events, n)
	}
	if commits >= events || st.MaxBatch < 2 {
		t.Errorf("%d commits for %d events (max batch %d): writes were not grouped", commits, events, st.MaxBatch)
	}
	t.Logf("%d events in %d commits, max batch %d", events, commits, st.MaxBatch)
	if got, _ := s.Count(); got != n+2 {
		t.Errorf("Count = %d, want %d", got, n+2)
	}
}

func TestOnCommitSeesEveryEventInOrder(t *testing.T) {
	var mu sync.Mutex
	var got []zchat.Event
	s := openT(t, "srv", Options{OnCommit: func(evs []zchat.Event) {
		mu.Lock()
		got = append(got, evs...)
		mu.Unlock()
	}})
	must(t, s, login("alice", 1))
	must(t, s, login("alice", 1))
	must(t, s, withReq(channel("alice", "c", 2), "q"))
	must(t, s, withReq(channel("alice", "c", 2), "q")) // duplicate: nothing written
	if _, err := s.Submit(context.Background(), post("alice", "none", "x", 3)); err == nil {
		t.Fatal("post to missing channel accepted")
	}
	if _, err := s.Apply(context.Background(), []zchat.Event{
		{Origin: "p.1", Seq: 1, Clock: 1, Kind: zchat.KindLogin, User: "bob"},
	}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{s.Origin() + ":1", s.Origin() + ":2", s.Origin() + ":3", "p.1:1"}
	if !reflect.DeepEqual(ids(got), want) {
		t.Errorf("OnCommit saw %v, want %v", ids(got), want)
	}
}

// OnCommitTime hears of every commit that wrote something, and only of
// those, with the time the transaction took.
func TestOnCommitTimeTimesEveryCommit(t *testing.T) {
	var mu sync.Mutex
	var took []time.Duration
	s := openT(t, "srv", Options{OnCommitTime: func(d time.Duration) {
		mu.Lock()
		took = append(took, d)
		mu.Unlock()
	}})
	must(t, s, withReq(login("alice", 1), "a"))
	must(t, s, withReq(channel("alice", "c", 2), "q"))
	must(t, s, withReq(channel("alice", "c", 2), "q")) // duplicate: no commit
	mu.Lock()
	defer mu.Unlock()
	if len(took) != 2 {
		t.Fatalf("OnCommitTime called %d times, want 2", len(took))
	}
	for _, d := range took {
		if d <= 0 || d > time.Minute {
			t.Errorf("commit took %v", d)
		}
	}
}

// A failing commit fails every request of its batch and leaves the
// in-memory state as it was.
func TestFailedBatchChangesNothing(t *testing.T) {
	release := make(chan struct{})
	var once sync.Once
	s := openT(t, "srv", Options{OnCommit: func([]zchat.Event) {
		once.Do(func() { <-release }) // hold the writer after the first commit
	}})
	// The trigger lives on the writer's only connection.
	if _, err := s.wdb.Exec(`CREATE TEMP TRIGGER boom BEFORE INSERT ON events
		WHEN NEW.text = 'boom' BEGIN SELECT RAISE(ABORT, 'injected failure'); END`); err != nil {
		t.Fatal(err)
	}
	go s.Submit(context.Background(), login("alice", 1)) // blocks the writer in OnCommit
	for s.Stats().Commits == 0 {
		time.Sleep(time.Millisecond)
	}
	// Queue two requests that the writer will take as one batch.
	errs := make(chan error, 2)
	go func() { _, err := s.Submit(context.Background(), channel("alice", "fresh", 2)); errs <- err }()
	for len(s.reqs) < 1 {
		time.Sleep(time.Millisecond)
	}
	go func() { _, err := s.Submit(context.Background(), private("alice", "alice", "boom", 3)); errs <- err }()
	for len(s.reqs) < 2 {
		time.Sleep(time.Millisecond)
	}
	vec := s.Vector()
	close(release)
	for range 2 {
		if err := <-errs; err == nil || !strings.Contains(err.Error(), "injected failure") {
			t.Errorf("err = %v, want the injected failure", err)
		}
	}
	if s.HasChannel("fresh") || !reflect.DeepEqual(s.Vector(), vec) {
		t.Errorf("failed batch changed memory: channel %v, vector %v -> %v", s.HasChannel("fresh"), vec, s.Vector())
	}
	e := must(t, s, channel("alice", "fresh", 4))
	if e.Seq != vec[s.Origin()]+1 {
		t.Errorf("next event %s leaves a gap after %d", e.ID(), vec[s.Origin()])
	}
}

func TestCanceledContext(t *testing.T) {
	s := openT(t, "srv", Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Submit(ctx, login("alice", 1)); !errors.Is(err, context.Canceled) {
		t.Errorf("Submit err = %v, want context.Canceled", err)
	}
	if _, err := s.Apply(ctx, []zchat.Event{{Origin: "p.1", Seq: 1, Kind: zchat.KindLogin, User: "x"}}); !errors.Is(err, context.Canceled) {
		t.Errorf("Apply err = %v, want context.Canceled", err)
	}
}

func TestClose(t *testing.T) {
	s, err := Open(t.TempDir(), "srv", Options{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	// Writes queued while closing are answered, not dropped.
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			_, err := s.Submit(context.Background(), login(fmt.Sprint("u", i), 1))
			if err != nil && !errors.Is(err, ErrClosed) {
				t.Errorf("Submit during Close: %v", err)
			}
		})
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := s.Submit(context.Background(), login("late", 1)); !errors.Is(err, ErrClosed) {
		t.Errorf("Submit after Close: %v, want ErrClosed", err)
	}
	if _, err := s.Apply(context.Background(), []zchat.Event{{Origin: "p.1", Seq: 1, Kind: zchat.KindLogin, User: "x"}}); !errors.Is(err, ErrClosed) {
		t.Errorf("Apply after Close: %v, want ErrClosed", err)
	}
	if _, err := s.Users(); err == nil {
		t.Error("Users after Close succeeded")
	}
}
