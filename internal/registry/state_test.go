package registry

import (
	"slices"
	"testing"
	"time"
)

var t0 = time.Unix(1_700_000_000, 0)

func at(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }

// step is one Touch, then the expected outcome.
type step struct {
	name, addr string
	ms         int
	wantRank   int
	wantFresh  bool
}

func TestTouchAssignsStableRanks(t *testing.T) {
	tests := []struct {
		desc      string
		persisted map[string]int
		steps     []step
	}{
		{"first come first ranked", nil, []step{
			{"s1", "", 0, 1, true},
			{"s2", "", 1, 2, true},
			{"s3", "", 2, 3, true},
		}},
		{"known name keeps its rank", nil, []step{
			{"s1", "", 0, 1, true},
			{"s2", "", 0, 2, true},
			{"s1", "", 5000, 1, false},
		}},
		{"persisted ranks are restored and new ones follow the highest", map[string]int{"a": 1, "c": 7}, []step{
			{"c", "", 0, 7, false},
			{"b", "", 0, 8, true},
			{"a", "", 0, 1, false},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			s := NewState(time.Second, tt.persisted)
			for i, st := range tt.steps {
				rank, fresh := s.Touch(st.name, st.addr, at(st.ms))
				if rank != st.wantRank || fresh != st.wantFresh {
					t.Fatalf("step %d (%s): got rank %d fresh %v, want %d %v", i, st.name, rank, fresh, st.wantRank, st.wantFresh)
				}
			}
		})
	}
}

func TestLiveExpiresAndSorts(t *testing.T) {
	tests := []struct {
		desc  string
		steps []step
		nowMs int
		want  []Member
	}{
		{"empty", nil, 0, nil},
		{"sorted by rank, not by name or time", []step{
			{"b", "tcp://b", 0, 1, true},
			{"a", "tcp://a", 10, 2, true},
		}, 20, []Member{{"b", 1, "tcp://b"}, {"a", 2, "tcp://a"}}},
		{"silent server leaves after the timeout", []step{
			{"s1", "", 0, 1, true},
			{"s2", "", 600, 2, true},
		}, 1000, []Member{{"s2", 2, ""}}},
		{"heartbeat keeps it live", []step{
			{"s1", "", 0, 1, true},
			{"s1", "", 900, 1, false},
		}, 1800, []Member{{"s1", 1, ""}}},
		{"empty address keeps the known one, a new one replaces it", []step{
			{"s1", "tcp://old", 0, 1, true},
			{"s1", "", 100, 1, false},
			{"s2", "tcp://x", 100, 2, true},
			{"s2", "tcp://y", 200, 2, false},
		}, 300, []Member{{"s1", 1, "tcp://old"}, {"s2", 2, "tcp://y"}}},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			s := NewState(time.Second, nil)
			for _, st := range tt.steps {
				s.Touch(st.name, st.addr, at(st.ms))
			}
			if got := s.Live(at(tt.nowMs)); !slices.Equal(got, tt.want) {
				t.Fatalf("Live = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestForgetUndoesAFreshRank(t *testing.T) {
	s := NewState(time.Second, nil)
	s.Touch("s1", "", at(0))
	s.Touch("s2", "", at(0))
	s.Forget("s2")
	if got := s.Live(at(1)); !slices.Equal(got, []Member{{"s1", 1, ""}}) {
		t.Fatalf("Live after Forget = %v", got)
	}
	if rank, fresh := s.Touch("s3", "", at(2)); rank != 2 || !fresh {
		t.Fatalf("next rank after Forget = %d %v, want 2 true", rank, fresh)
	}
}

func TestChangesReportsJoinsAndLeaves(t *testing.T) {
	s := NewState(time.Second, nil)
	names := func(ms []Member) []string {
		var out []string
		for _, m := range ms {
			out = append(out, m.Name)
		}
		return out
	}
	s.Touch("s1", "", at(0))
	s.Touch("s2", "", at(500))
	tests := []struct {
		nowMs        int
		joined, left []string
	}{
		{600, []string{"s1", "s2"}, nil},
		{700, nil, nil},
		{1100, nil, []string{"s1"}},
		{1600, nil, []string{"s2"}},
	}
	for _, tt := range tests {
		j, l := s.Changes(at(tt.nowMs))
		if !slices.Equal(names(j), tt.joined) || !slices.Equal(names(l), tt.left) {
			t.Fatalf("at %dms: joined %v left %v, want %v %v", tt.nowMs, names(j), names(l), tt.joined, tt.left)
		}
	}
}
