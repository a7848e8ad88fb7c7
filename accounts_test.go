package zchat

import (
	"errors"
	"strings"
	"testing"
)

func TestNameKey(t *testing.T) {
	cases := []struct {
		a, b string
		same bool
	}{
		{"bob", "bob", true},
		{"bob", "Bob", true},
		{"bob", "BOB", true},
		{"bob", "b\u043eb", true},  // Cyrillic о
		{"paypal", "pаypаl", true}, // Cyrillic а
		{"modern", "rnodern", true},
		{"ana", "anna", false},
		{"bob", "bobby", false},
		{"geral", "general", false},
		{"joão", "joao", false}, // a diacritic is no look-alike
	}
	for _, c := range cases {
		if got := NameKey(c.a) == NameKey(c.b); got != c.same {
			t.Errorf("NameKey(%q) == NameKey(%q) is %v, want %v (%q, %q)", c.a, c.b, got, c.same, NameKey(c.a), NameKey(c.b))
		}
	}
}

func TestValidKey(t *testing.T) {
	cases := []struct {
		key  string
		want bool
	}{
		{strings.Repeat("0", 40), true},
		{"rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7", true}, // RFC 32's test key
		{strings.Repeat("0", 39), false},
		{strings.Repeat("0", 41), false},
		{strings.Repeat("0", 35) + "0000 ", false},
		{strings.Repeat("0", 35) + "%nSc1", false}, // the largest group is %nSc0 (2^32-1)
		{strings.Repeat("0", 35) + "%nSc0", true},
		{strings.Repeat("#", 40), false}, // each group overflows
		{"", false},
	}
	for _, c := range cases {
		if got := ValidKey(c.key); got != c.want {
			t.Errorf("ValidKey(%q) = %v, want %v", c.key, got, c.want)
		}
	}
}

func TestAccountErrors(t *testing.T) {
	cases := []struct {
		err  error
		is   error
		text string
	}{
		{ClaimedError{Name: "bob"}, ErrClaimed, "name 'bob' is claimed by another key"},
		{ClaimedError{Name: "bob", Keyless: true}, ErrClaimed, "name 'bob' is claimed: log in with its key (zchat login)"},
		{ConfusableError{What: "user", Name: "Bob", Existing: "bob"}, ErrConfusable, "user name 'Bob' is too similar to the existing 'bob'"},
		{PrivateError{Name: "bob", Keyless: true}, ErrPrivate, "the private messages of 'bob' are readable only with its key (zchat login)"},
		{PrivateError{Name: "bob"}, ErrPrivate, "the private messages of 'bob' are readable only with the key that claimed it"},
	}
	for _, c := range cases {
		if c.err.Error() != c.text || !errors.Is(c.err, c.is) {
			t.Errorf("%#v: %q (is %v: %v), want %q", c.err, c.err, c.is, errors.Is(c.err, c.is), c.text)
		}
	}
}
