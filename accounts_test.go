package zchat

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/mtibben/confusables"
	"golang.org/x/text/secure/precis"
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

// The ASCII shortcut of NameKey gives what the general path gives.
func TestNameKeyASCIIShortcut(t *testing.T) {
	general := func(name string) string {
		folded, err := precis.UsernameCaseMapped.String(name)
		if err != nil {
			folded = name
		}
		return confusables.Skeleton(folded)
	}
	var names []string
	for a := 0x20; a < 0x80; a++ {
		for b := 0x20; b < 0x80; b++ {
			names = append(names, string([]byte{byte(a), byte(b)}))
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		b := make([]byte, 1+rng.IntN(12))
		for i := range b {
			b[i] = byte(0x21 + rng.IntN(0x5e))
		}
		names = append(names, string(b))
	}
	names = append(names, "bob", "Bob", "user-1", "modern", "rnodern", "ǅ", "x\u0301")
	shortcuts := 0
	for _, n := range names {
		if _, ok := asciiNameKey(n); ok {
			shortcuts++
		}
		if got, want := NameKey(n), general(n); got != want {
			t.Fatalf("NameKey(%q) = %q, the general path says %q", n, got, want)
		}
	}
	if shortcuts < len(names)/2 {
		t.Errorf("the shortcut served %d of %d names", shortcuts, len(names))
	}
}
