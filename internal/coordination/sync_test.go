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
// others by 20 minutes) but corrected all the same.
func TestBerkeleyOutlierExcludedButCorrected(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newFakeNet(t)
		defer n.stopAll()
		n.start("s1", 1, 0)
		n.start("s2", 2, 10*time.Millisecond)
		n.start("s3", 3, -time.Hour)
		n.await(2*time.Second, "agreement on s3", agreedOn(n, "s3"))
		n.await(time.Second, "a round", func() bool { return n.server("s3").coord.StatusFields()["last_round"] != nil })
		round := n.server("s3").coord.StatusFields()["last_round"].(map[string]any)
		if got := round["outliers"]; !slices.Equal(got.([]string), []string{"s3"}) {
			t.Fatalf("outliers %v, want the coordinator s3 itself", got)
		}
		checkOffset(t, n, "s1", 5*time.Millisecond)
		checkOffset(t, n, "s2", -5*time.Millisecond)
		checkOffset(t, n, "s3", time.Hour+5*time.Millisecond)
	})
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

func TestAdjustRefusals(t *testing.T) {
	tests := []struct {
		name string
		data map[string]any
	}{
		{"no delta", map[string]any{"coordinator": "s3"}},
		{"delta not a number", map[string]any{"delta": "1", "coordinator": "s3"}},
		{"absurd delta", map[string]any{"delta": 1e12, "coordinator": "s3"}},
		{"not our coordinator", map[string]any{"delta": 1.0, "coordinator": "s2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New(Config{Self: "s1", Membership: fakeStatic{}})
			c.setElection("s3", "follower", 1, 0)
			reply := c.serveAdjust(context.Background(), wire.Message{Data: tt.data})
			if reply["status"] != wire.StatusError || c.cfg.Physical.Offset() != 0 {
				t.Fatalf("reply %v, offset %v", reply, c.cfg.Physical.Offset())
			}
		})
	}
}

type fakeStatic struct{ fakeMembership }

func (fakeStatic) Rank() int { return 1 }
