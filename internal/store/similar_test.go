package store

import (
	"slices"
	"testing"

	"zchat"
)

// The index answers "another name with this key?" through adds and
// removes, whichever of several look-alikes came first.
func TestSimilarNames(t *testing.T) {
	s := newSimilarNames(0)
	key := func(n string) string { return zchat.NameKey(n) }
	other := func(n string) string { o, _ := s.other(key(n), n); return o }
	for _, n := range []string{"bob", "Bob", "BOB", "bob", "ana"} {
		s.add(key(n), n)
	}
	steps := []struct {
		remove string
		asked  string
		want   []string // any of these, "" for none
	}{
		{"", "bob", []string{"Bob", "BOB"}},
		{"", "bOb", []string{"bob", "Bob", "BOB"}},
		{"", "ana", []string{""}},
		{"", "Ana", []string{"ana"}},
		{"bob", "bob", []string{"Bob", "BOB"}},
		{"BOB", "bob", []string{"Bob"}},
		{"BOB", "Bob", []string{""}}, // removing a name not indexed changes nothing
		{"Bob", "bob", []string{""}},
		{"ana", "Ana", []string{""}},
	}
	for i, st := range steps {
		if st.remove != "" {
			s.remove(st.remove)
		}
		if got := other(st.asked); !slices.Contains(st.want, got) {
			t.Errorf("step %d: other than %s: %q, want one of %q", i, st.asked, got, st.want)
		}
	}
	if len(s.first) != 0 || len(s.more) != 0 {
		t.Errorf("index not empty after removing every name: %v %v", s.first, s.more)
	}
}
