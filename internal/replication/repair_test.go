package replication

import (
	"reflect"
	"testing"

	"zchat"
)

func TestSearchProbes(t *testing.T) {
	tests := []struct {
		s    search
		k    int
		want []uint64
	}{
		{search{0, 10}, 16, []uint64{1, 2, 3, 4, 5, 6, 7, 8, 9}},
		{search{0, 10}, 3, []uint64{2, 4, 6}},
		{search{4, 6}, 16, []uint64{5}},
		{search{4, 5}, 16, []uint64{}},
		{search{0, 1000}, 4, []uint64{200, 400, 600, 800}},
		{search{1<<63 - 10, 1<<63 - 1}, 2, []uint64{1<<63 - 7, 1<<63 - 4}},
		{search{0, 1<<63 - 1}, 1, []uint64{1<<62 - 1}},
	}
	for _, tt := range tests {
		if got := tt.s.probes(tt.k); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%+v.probes(%d) = %v, want %v", tt.s, tt.k, got, tt.want)
		}
	}
}

func TestSearchNarrow(t *testing.T) {
	tests := []struct {
		name   string
		s      search
		probes []uint64
		same   []bool
		want   search
	}{
		{"all agree", search{0, 10}, []uint64{3, 6, 9}, []bool{true, true, true}, search{9, 10}},
		{"all differ", search{0, 10}, []uint64{3, 6, 9}, []bool{false, false, false}, search{0, 3}},
		{"agree then differ", search{0, 10}, []uint64{3, 6, 9}, []bool{true, false, false}, search{3, 6}},
		{"a lying answer after the first difference is ignored", search{0, 10}, []uint64{3, 6, 9}, []bool{false, true, false}, search{0, 3}},
	}
	for _, tt := range tests {
		if got := tt.s.narrow(tt.probes, tt.same); got != tt.want {
			t.Errorf("%s: %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

// The search finds the first differing seq of any log in a few rounds,
// whatever the answers' pattern.
func TestSearchFindsFirstDifference(t *testing.T) {
	for _, top := range []uint64{1, 2, 17, 100, 1_000_000} {
		for _, first := range []uint64{1, 2, top / 2, top - 1, top} {
			if first == 0 || first > top {
				continue
			}
			s, rounds := search{lo: 0, hi: top}, 0
			for !s.done() {
				probes := s.probes(searchProbes)
				same := make([]bool, len(probes))
				for i, seq := range probes {
					same[i] = seq < first
				}
				s = s.narrow(probes, same)
				rounds++
			}
			if s.hi != first {
				t.Errorf("top %d, first difference %d: found %d", top, first, s.hi)
			}
			if rounds > 5 {
				t.Errorf("top %d: %d rounds", top, rounds)
			}
		}
	}
}

func TestHeadsDiverge(t *testing.T) {
	h := func(seq uint64, b byte) zchat.Head { return zchat.Head{Seq: seq, Hash: zchat.Hash{b}} }
	view := func(origin string, heads map[string]zchat.Head) peerView {
		pv := peerView{origin: origin, vector: map[string]uint64{}, heads: heads}
		for o, h := range heads {
			pv.vector[o] = h.Seq
		}
		return pv
	}
	tests := []struct {
		name string
		ours zchat.Head
		pv   peerView
		want bool
	}{
		{"same head", h(5, 1), view("p", map[string]zchat.Head{"o": h(5, 1)}), false},
		{"same seq, other hash", h(5, 1), view("p", map[string]zchat.Head{"o": h(5, 2)}), true},
		{"peer ahead", h(5, 1), view("p", map[string]zchat.Head{"o": h(7, 2)}), false},
		{"peer behind", h(5, 1), view("p", map[string]zchat.Head{"o": h(3, 2)}), false},
		{"the origin behind us", h(5, 1), view("o", map[string]zchat.Head{"o": h(3, 2)}), true},
		{"the origin wrote nothing", h(5, 1), view("o", map[string]zchat.Head{}), true},
		{"the origin ahead", h(5, 1), view("o", map[string]zchat.Head{"o": h(7, 2)}), false},
		{"nothing held", zchat.GenesisHead, view("o", map[string]zchat.Head{}), false},
		{"older peer without heads", h(5, 1), peerView{origin: "p", vector: map[string]uint64{"o": 5}}, false},
		{"older origin without heads, behind us", h(5, 1), peerView{origin: "o", vector: map[string]uint64{"o": 4}}, true},
	}
	for _, tt := range tests {
		if got := headsDiverge(tt.ours, tt.pv, "o"); (got != "") != tt.want {
			t.Errorf("%s: %q, want diverged %v", tt.name, got, tt.want)
		}
	}
}

func TestIsOrigin(t *testing.T) {
	tests := []struct {
		peer, peerOrigin, origin string
		want                     bool
	}{
		{"s1", "s1.5f3a09c2", "s1.5f3a09c2", true},
		{"s1", "s1.5f3a09c2", "s2.11111111", false}, // another origin
		{"s1", "s2.11111111", "s2.11111111", false}, // claims another server's origin
		{"s1", "s10.1234", "s10.1234", false},       // a name that merely starts alike
		{"s1", "s1.5f3a09c2", "s1.00000000", false}, // its earlier incarnation
	}
	for _, tt := range tests {
		if got := isOrigin(tt.peer, tt.peerOrigin, tt.origin); got != tt.want {
			t.Errorf("isOrigin(%q, %q, %q) = %v", tt.peer, tt.peerOrigin, tt.origin, got)
		}
	}
}
