package tui

import "testing"

func TestComplete(t *testing.T) {
	cands := candidates{users: []string{"ana", "anabela", "bob"}, channels: []string{"geral", "games", "bobcats"}}
	cases := []struct {
		name  string
		value string
		want  string
	}{
		{"command", "/jo", "/join "},
		{"commands share a prefix: first of them", "/c", "/channels "},
		{"channel after /join", "/join ge", "/join geral "},
		{"channel after /join, sigil kept", "/join #ga", "/join #games "},
		{"user after /msg", "/msg b", "/msg bob "},
		{"common prefix first", "/msg a", "/msg ana"},
		{"users and channels in text", "hi bo", "hi bob"},
		{"channel sigil in text", "see #b", "see #bobcats "},
		{"user sigil in text", "ask @an", "ask @ana"},
		{"no match", "/msg zed", "/msg zed"},
		{"case-insensitive", "/msg BO", "/msg bob "},
	}
	for _, c := range cases {
		got, _ := complete(c.value, completion{}, cands)
		if got != c.want {
			t.Errorf("%s: complete(%q) = %q, want %q", c.name, c.value, got, c.want)
		}
	}
}

func TestCompleteCycles(t *testing.T) {
	cands := candidates{users: []string{"ana", "anabela", "bob"}}
	value, st := complete("/msg a", completion{}, cands)
	var seen []string
	for range 3 {
		value, st = complete(value, st, cands)
		seen = append(seen, value)
	}
	want := []string{"/msg ana ", "/msg anabela ", "/msg ana "}
	for i := range want {
		if seen[i] != want[i] {
			t.Fatalf("cycle = %q, want %q", seen, want)
		}
	}
	// Editing the line starts a new completion.
	if value, _ = complete("/msg ana hello b", st, cands); value != "/msg ana hello bob " {
		t.Fatalf("after editing: %q", value)
	}
}
