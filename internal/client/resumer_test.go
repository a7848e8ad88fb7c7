package client

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// msg is a message of topic "geral" with id "s:<n>" and clock n, unless
// clock is given.
func msg(n int, clock ...uint64) Message {
	c := uint64(n)
	if len(clock) > 0 {
		c = clock[0]
	}
	return Message{ID: fmt.Sprintf("s:%03d", n), Topic: "geral", Channel: "geral", Clock: c}
}

// at sets m's server time to sec seconds after the epoch.
func at(m Message, sec int64) Message {
	m.Time = time.Unix(sec, 0)
	return m
}

func msgs(ns ...int) []Message {
	out := make([]Message, len(ns))
	for i, n := range ns {
		out[i] = msg(n)
	}
	return out
}

func ids(ms []Message) []string {
	out := []string{}
	for _, m := range ms {
		out = append(out, m.ID)
	}
	return out
}

func TestResumerAccept(t *testing.T) {
	cases := []struct {
		name   string
		window int
		in     []Message
		want   []string
	}{
		{"all new", 8, msgs(1, 2, 3), []string{"s:001", "s:002", "s:003"}},
		{"duplicates dropped", 8, msgs(1, 2, 1, 3, 2), []string{"s:001", "s:002", "s:003"}},
		{"no id always shown", 8, []Message{{Topic: "geral"}, {Topic: "geral"}}, []string{"", ""}},
		{"same id other topic", 8, []Message{msg(1), {ID: "s:001", Topic: "ana"}}, []string{"s:001", "s:001"}},
		{"window evicts oldest", 2, msgs(1, 2, 3, 1, 3), []string{"s:001", "s:002", "s:003", "s:001"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := NewResumer(ResumeOptions{Window: c.window})
			var got []Message
			for _, m := range c.in {
				if r.Accept(m) {
					got = append(got, m)
				}
			}
			if !slices.Equal(ids(got), c.want) {
				t.Fatalf("shown %q, want %q", ids(got), c.want)
			}
		})
	}
}

func TestResumerPlanAndTake(t *testing.T) {
	type step struct {
		live     []Message // accepted before the fetch
		wantPlan Plan
		page     []Message // what history answers to the plan
		wantShow []string
	}
	cases := []struct {
		name  string
		opts  ResumeOptions
		steps []step
	}{
		{"first subscription without backlog shows nothing", ResumeOptions{}, []step{
			{wantPlan: Plan{Limit: 1, Show: 0, Prime: true}, page: msgs(9), wantShow: []string{}},
		}},
		{"first subscription shows backlog", ResumeOptions{Backlog: 2}, []step{
			{wantPlan: Plan{Limit: 2, Show: 2, Prime: true}, page: msgs(8, 9), wantShow: []string{"s:008", "s:009"}},
		}},
		{"live message racing the prime still shows", ResumeOptions{}, []step{
			{wantPlan: Plan{Limit: 1, Show: 0, Prime: true}, page: msgs(9), wantShow: []string{}},
			{live: msgs(9, 10), wantPlan: Plan{After: "s:009", Limit: 100, Show: -1}, page: msgs(10, 11), wantShow: []string{"s:011"}},
		}},
		{"resume after newest seen with overlap", ResumeOptions{Overlap: 1, PageSize: 3}, []step{
			{wantPlan: Plan{Limit: 1, Show: 0, Prime: true}, page: nil, wantShow: []string{}},
			{live: msgs(1, 2, 3), wantPlan: Plan{After: "s:002", Limit: 3, Show: -1}, page: msgs(3, 4, 5), wantShow: []string{"s:004", "s:005"}},
		}},
		{"late replicated message sorts before newest", ResumeOptions{Overlap: 2}, []step{
			{wantPlan: Plan{Limit: 1, Show: 0, Prime: true}, page: nil, wantShow: []string{}},
			{live: msgs(1, 2, 5), wantPlan: Plan{After: "s:001", Limit: 100, Show: -1}, page: msgs(2, 3, 5, 6), wantShow: []string{"s:003", "s:006"}},
		}},
		{"empty topic then messages", ResumeOptions{Backlog: 5}, []step{
			{wantPlan: Plan{Limit: 5, Show: 5, Prime: true}, page: nil, wantShow: []string{}},
			{wantPlan: Plan{Limit: 100, Show: -1}, page: msgs(1, 2), wantShow: []string{"s:001", "s:002"}},
		}},
		{"old history after the cursor (a server clock ran backwards) is not news", ResumeOptions{Backlog: 1}, []step{
			{wantPlan: Plan{Limit: 1, Show: 1, Prime: true}, page: []Message{msg(5, 50)}, wantShow: []string{"s:005"}},
			{live: []Message{msg(7, 2)}, wantPlan: Plan{After: "s:007", Limit: 100, Show: -1},
				page: []Message{msg(3, 30), msg(5, 50), msg(8, 60)}, wantShow: []string{"s:008"}},
		}},
		{"new message below the floor (a server clock ran backwards) is news by its time", ResumeOptions{Backlog: 1}, []step{
			{wantPlan: Plan{Limit: 1, Show: 1, Prime: true}, page: []Message{at(msg(5, 50), 100)}, wantShow: []string{"s:005"}},
			{wantPlan: Plan{After: "s:005", Limit: 100, Show: -1},
				page: []Message{at(msg(3, 30), 90), at(msg(9, 3), 110), at(msg(8, 60), 0)}, wantShow: []string{"s:009", "s:008"}},
		}},
		{"other topics in the page are ignored", ResumeOptions{Backlog: 5}, []step{
			{wantPlan: Plan{Limit: 5, Show: 5, Prime: true}, page: []Message{msg(1), {ID: "x:1", Topic: "bob", Private: true}}, wantShow: []string{"s:001"}},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := NewResumer(c.opts)
			for i, s := range c.steps {
				for _, m := range s.live {
					r.Accept(m)
				}
				p := r.Plan("geral")
				if p != s.wantPlan {
					t.Fatalf("step %d: plan %+v, want %+v", i, p, s.wantPlan)
				}
				if got := ids(r.Take("geral", p, s.page)); !slices.Equal(got, s.wantShow) {
					t.Fatalf("step %d: shown %q, want %q", i, got, s.wantShow)
				}
			}
		})
	}
}

func TestPlanNext(t *testing.T) {
	cases := []struct {
		name string
		plan Plan
		page []Message
		want Plan
		more bool
	}{
		{"full page continues", Plan{After: "s:001", Limit: 2, Show: -1}, msgs(2, 3), Plan{After: "s:003", Limit: 2, Show: -1}, true},
		{"short page ends", Plan{Limit: 3, Show: -1}, msgs(2, 3), Plan{}, false},
		{"empty page ends", Plan{Limit: 3, Show: -1}, nil, Plan{}, false},
		{"prime never pages", Plan{Limit: 2, Show: 2, Prime: true}, msgs(2, 3), Plan{}, false},
		{"no id ends", Plan{Limit: 1, Show: -1}, []Message{{Topic: "geral"}}, Plan{}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, more := c.plan.Next(c.page)
			if more != c.more || more && got != c.want {
				t.Fatalf("Next = %+v, %v; want %+v, %v", got, more, c.want, c.more)
			}
		})
	}
}

func TestTrackCursorOrdersByClock(t *testing.T) {
	tr := newTrack(3)
	for _, m := range []Message{msg(1, 10), msg(2, 30), msg(3, 20), msg(4, 40)} {
		tr.show(m)
	}
	// Window 3 keeps clocks 20, 30, 40 in order.
	if got := []string{tr.cursor(0), tr.cursor(1), tr.cursor(9)}; !slices.Equal(got, []string{"s:004", "s:002", "s:003"}) {
		t.Fatalf("cursors %q", got)
	}
}
