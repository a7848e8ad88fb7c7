package coordination

import (
	"context"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"zchat/internal/clock"
	"zchat/internal/wire"
)

// spread is the largest difference between the clocks of the live
// servers: they share the (virtual) system clock, so each one's clock is
// the system clock plus skew plus offset.
func (n *fakeNet) spread() time.Duration {
	var clocks []time.Duration
	for _, s := range n.live() {
		clocks = append(clocks, s.skew+s.phys.Offset())
	}
	return slices.Max(clocks) - slices.Min(clocks)
}

func TestBerkeleyConvergesDespiteSkews(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newFakeNet(t)
		defer n.stopAll()
		n.start("s1", 1, -3*time.Second)
		n.start("s2", 2, 0)
		n.start("s3", 3, 5*time.Second)
		n.await(2*time.Second, "agreement on s3", agreedOn(n, "s3"))
		// s3 is 5 s ahead of the median and slews back at 10%: ~50 s.
		took := n.await(70*time.Second, "spread under 1 ms", func() bool { return n.spread() < time.Millisecond })
		time.Sleep(3 * time.Second) // the debt slewed in, a round or two more
		t.Logf("converged in %v (virtual), then spread %v", took, n.spread())
		if n.spread() > 10*time.Microsecond {
			t.Fatalf("spread %v once settled; the rounds should be exact without network delay", n.spread())
		}
		checkOffset(t, n, "s1", 3*time.Second)
		checkOffset(t, n, "s2", 0)
		checkOffset(t, n, "s3", -5*time.Second)
	})
}

// checkOffset checks the whole correction of a server's clock, the part
// still being slewed in included.
func checkOffset(t *testing.T, n *fakeNet, name string, want time.Duration) {
	t.Helper()
	p := n.server(name).phys
	if got := p.Offset() + p.Pending(); (got - want).Abs() > 100*time.Microsecond {
		t.Errorf("%s: offset %v, want %v", name, got, want)
	}
}

// A clock an hour off is left out of the average (it would drag the
// others by 20 minutes) but corrected all the same, by MaxStep a round.
func TestBerkeleyOutlierExcludedButCorrected(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newFakeNet(t)
		defer n.stopAll()
		n.start("s1", 1, 0)
		n.start("s2", 2, 10*time.Millisecond)
		n.start("s3", 3, -time.Hour)
		n.await(2*time.Second, "agreement on s3", agreedOn(n, "s3"))
		// the first round may reach a follower before the announcement
		// does (it then refuses); the next one, 2 s later, does not
		n.await(5*time.Second, "corrections of s1 and s2", func() bool { return synced(n, "s1") && synced(n, "s2") })
		round := n.server("s3").coord.StatusFields()["last_round"].(map[string]any)
		if got := round["outliers"]; !slices.Equal(got.([]string), []string{"s3"}) {
			t.Fatalf("outliers %v, want the coordinator s3 itself", got)
		}
		// s1 and s2 meet at their average, 5 ms above s1; if only one of
		// them took the first round's correction, the next round leaves
		// them together elsewhere between the two
		if d := clockOf(n, "s1") - clockOf(n, "s2"); d.Abs() > 10*time.Microsecond {
			t.Fatalf("s1 and s2 %v apart after their corrections", d)
		}
		if c := clockOf(n, "s1"); c < 0 || c > 10*time.Millisecond {
			t.Fatalf("s1 and s2 at %v, want between their clocks (0 and 10 ms)", c)
		}
		sync := n.server("s3").coord.StatusFields()["last_sync"].(map[string]any)
		offset := n.server("s3").phys.Offset()
		if sync["delta"] != DefaultMaxStep.Seconds() || sync["requested"].(float64) < time.Hour.Seconds()-60 ||
			offset <= 0 || offset%DefaultMaxStep != 0 {
			t.Fatalf("s3: last_sync %v, offset %v; want most of the hour requested, steps of %v applied", sync, offset, DefaultMaxStep)
		}
	})
}

// clockOf is name's clock minus the shared system clock, the correction
// still being slewed in included.
func clockOf(n *fakeNet, name string) time.Duration {
	s := n.server(name)
	return s.skew + s.phys.Offset() + s.phys.Pending()
}

// synced: name's clock was corrected by a round.
func synced(n *fakeNet, name string) bool {
	return n.server(name).coord.StatusFields()["last_sync"] != nil
}

// A clock far behind converges over rounds of MaxStep each; one far ahead
// converges as fast as without the bound, since it is slewed anyway.
func TestClampedCorrectionsConverge(t *testing.T) {
	for _, tt := range []struct {
		name      string
		skew      time.Duration
		maxRounds int
	}{
		{"10 s behind: 5 rounds of 2 s", -10 * time.Second, 6},
		{"10 s ahead: slewed at 10%, 100 s whatever the bound", 10 * time.Second, 60},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				n := newFakeNet(t)
				defer n.stopAll()
				n.start("s1", 1, tt.skew)
				n.start("s2", 2, 0)
				n.start("s3", 3, 0)
				n.await(2*time.Second, "agreement on s3", agreedOn(n, "s3"))
				took := n.await(120*time.Second, "spread under 1 ms", func() bool { return n.spread() < time.Millisecond })
				rounds := roundsRun(n, "s3")
				t.Logf("converged in %v (virtual), %d rounds", took, rounds)
				if rounds > tt.maxRounds {
					t.Fatalf("%d rounds, want at most %d", rounds, tt.maxRounds)
				}
				checkOffset(t, n, "s1", -tt.skew)
			})
		})
	}
}

func roundsRun(n *fakeNet, name string) int {
	r, _ := n.server(name).coord.StatusFields()["last_round"].(map[string]any)
	got, _ := r["round"].(int)
	return got
}

// SyncEvery messages exchanged, on the coordinator or on a follower (which
// asks the coordinator), start a round long before SyncIdle.
func TestRoundEveryTenMessages(t *testing.T) {
	for _, where := range []string{"s3", "s1"} {
		t.Run("exchanged on "+where, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				n := newFakeNet(t)
				n.cfg = func(c *Config) { c.SyncIdle = time.Hour }
				defer n.stopAll()
				for i, name := range []string{"s1", "s2", "s3"} {
					n.start(name, i+1, 0)
				}
				n.await(2*time.Second, "agreement and a first round", func() bool { return agreedOn(n, "s3")() && roundsRun(n, "s3") == 1 })
				for range 9 {
					n.server(where).coord.Exchanged()
				}
				time.Sleep(time.Second)
				if got := roundsRun(n, "s3"); got != 1 {
					t.Fatalf("a round after 9 messages: %d rounds", got)
				}
				n.server(where).coord.Exchanged()
				n.await(200*time.Millisecond, "a second round", func() bool { return roundsRun(n, "s3") == 2 })
			})
		})
	}
}

// An adjustment replaces the part of an earlier negative one still being
// slewed in: the coordinator measured the clock without it.
func TestAdjustReplacesPendingCorrection(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	phys := clock.NewPhysical(0, func() time.Time { return now })
	c := New(Config{Self: "s1", Membership: fakeStatic{}, Physical: phys})
	c.setElection("s9", "follower", 1, 0)
	adjust := func(delta float64) map[string]any {
		return c.serveAdjust(context.Background(), wire.Message{Data: map[string]any{"delta": delta, "coordinator": "s9"}})
	}
	adjust(-2) // nothing slewed yet: 2 s pending
	adjust(-1.5)
	if p := phys.Pending(); p != -1500*time.Millisecond {
		t.Fatalf("pending %v, want -1.5s (replaced, not added)", p)
	}
	adjust(0.25)
	if o, p := phys.Offset(), phys.Pending(); o != 250*time.Millisecond || p != 0 {
		t.Fatalf("offset %v pending %v, want 250ms and none", o, p)
	}
}

// followerOf is a coordinator module whose loop follows leader (or knows
// none, or is the coordinator itself when leader is "s1"), with a clock
// that does not move by itself.
func followerOf(leader string, maxStep time.Duration) *Coordinator {
	now := time.Unix(1_000_000, 0)
	phys := clock.NewPhysical(0, func() time.Time { return now })
	c := New(Config{Self: "s1", Membership: fakeStatic{}, Physical: phys, MaxStep: maxStep})
	if leader != "" {
		c.setElection(leader, "follower", 1, 0)
	}
	return c
}

// total is the whole correction of c's clock, the pending part included.
func total(c *Coordinator) time.Duration { return c.cfg.Physical.Offset() + c.cfg.Physical.Pending() }

func TestAdjustIsClamped(t *testing.T) {
	tests := []struct {
		name    string
		maxStep time.Duration
		delta   float64
		want    time.Duration
	}{
		{"within the default step", 0, 1.5, 1500 * time.Millisecond},
		{"the default step exactly", 0, 2, 2 * time.Second},
		{"115 days ahead: clamped to the default step", 0, 1e7, DefaultMaxStep},
		{"far behind: clamped, then slewed", 0, -1e7, -DefaultMaxStep},
		{"configured step", 500 * time.Millisecond, 3, 500 * time.Millisecond},
		{"configured step, backwards", 500 * time.Millisecond, -3, -500 * time.Millisecond},
		{"a large configured step lets an hour through", 2 * time.Hour, 3600, time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := followerOf("s3", tt.maxStep)
			reply := c.serveAdjust(context.Background(), wire.Message{Data: map[string]any{"delta": tt.delta, "coordinator": "s3", "round": 4}})
			if reply["status"] != wire.StatusOK || total(c) != tt.want || reply["applied"] != tt.want.Seconds() {
				t.Fatalf("reply %v, correction %v, want %v", reply, total(c), tt.want)
			}
			sync := c.StatusFields()["last_sync"].(map[string]any)
			if sync["delta"] != tt.want.Seconds() || sync["requested"] != tt.delta || sync["by"] != "s3" || sync["round"] != 4 {
				t.Fatalf("last_sync %v", sync)
			}
		})
	}
}

// Repeated clamped corrections forward add up, one step each: the bound
// is per correction, and only the coordinator's are accepted.
func TestAdjustClampedRepeatedly(t *testing.T) {
	c := followerOf("s3", 0)
	for range 3 {
		c.serveAdjust(context.Background(), wire.Message{Data: map[string]any{"delta": 1e7, "coordinator": "s3"}})
	}
	if got := total(c); got != 3*DefaultMaxStep {
		t.Fatalf("correction %v after three clamped steps, want %v", got, 3*DefaultMaxStep)
	}
}

func TestAdjustRefusals(t *testing.T) {
	tests := []struct {
		name   string
		leader string // the coordinator s1 follows; "s1": s1 is the coordinator
		data   map[string]any
	}{
		{"no delta", "s3", map[string]any{"coordinator": "s3"}},
		{"delta not a number", "s3", map[string]any{"delta": "1", "coordinator": "s3"}},
		{"absurd delta", "s3", map[string]any{"delta": 1e12, "coordinator": "s3"}},
		{"not our coordinator", "s3", map[string]any{"delta": 1.0, "coordinator": "s2"}},
		{"names nobody", "s3", map[string]any{"delta": 1.0}},
		{"no coordinator known", "", map[string]any{"delta": 1.0, "coordinator": "s3"}},
		{"no coordinator known, unnamed", "", map[string]any{"delta": 1.0}},
		{"we are the coordinator, a request claims our name", "s1", map[string]any{"delta": 1.0, "coordinator": "s1"}},
		{"we are the coordinator, a request claims another", "s1", map[string]any{"delta": 1.0, "coordinator": "s3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := followerOf(tt.leader, 0)
			reply := c.serveAdjust(context.Background(), wire.Message{Data: tt.data})
			if reply["status"] != wire.StatusError || total(c) != 0 || c.StatusFields()["last_sync"] != nil {
				t.Fatalf("reply %v, correction %v", reply, total(c))
			}
		})
	}
}

type fakeStatic struct{ fakeMembership }

func (fakeStatic) Rank() int { return 1 }
