package server

import (
	"fmt"
	"strings"
	"testing"
)

// Keys of the tables: bob and ana claimed by their own keys, zed unclaimed.
var (
	keyBob = strings.Repeat("b", 40)
	keyAna = strings.Repeat("a", 40)
	keyEve = strings.Repeat("e", 40)
)

func testOwners(name string) (string, bool) {
	key, ok := map[string]string{"bob": keyBob, "ana": keyAna}[name]
	return key, ok
}

var (
	open = Caller{}
	bob  = Caller{Key: keyBob}
	ana  = Caller{Key: keyAna}
	eve  = Caller{Key: keyEve}
)

func TestMayActAs(t *testing.T) {
	cases := []struct {
		caller Caller
		name   string
		want   string // the refusal, "" for allowed
	}{
		{bob, "bob", ""},
		{open, "zed", ""},
		{eve, "zed", ""},
		{bob, "zed", ""},
		{open, "bob", "name 'bob' is claimed: log in with its key (zchat login)"},
		{eve, "bob", "name 'bob' is claimed by another key"},
		{ana, "bob", "name 'bob' is claimed by another key"},
		{Caller{Key: ""}, "ana", "name 'ana' is claimed: log in with its key (zchat login)"},
	}
	for _, c := range cases {
		if got := errText(mayActAs(testOwners, c.caller, c.name)); got != c.want {
			t.Errorf("%s acting as %s: %q, want %q", who(c.caller), c.name, got, c.want)
		}
	}
}

func TestMayReadPrivate(t *testing.T) {
	const (
		bobsOpen = "the private messages of 'bob' are readable only with its key (zchat login)"
		bobsKey  = "the private messages of 'bob' are readable only with the key that claimed it"
		anasKey  = "the private messages of 'ana' are readable only with the key that claimed it"
	)
	cases := []struct {
		caller     Caller
		user, peer string
		want       string
	}{
		// Neither party claimed: open, as in the standard protocol.
		{open, "zed", "", ""},
		{open, "zed", "amy", ""},
		{eve, "zed", "amy", ""},
		// A claimed user: its owner only, whoever the peer.
		{bob, "bob", "", ""},
		{bob, "bob", "zed", ""},
		{bob, "bob", "ana", ""},
		{open, "bob", "", bobsOpen},
		{eve, "bob", "", bobsKey},
		{ana, "bob", "", bobsKey}, // all of bob's messages, not only those with ana
		{open, "bob", "zed", bobsOpen},
		{eve, "bob", "zed", bobsKey},
		// The other party of the conversation, when it is claimed.
		{ana, "bob", "ana", ""},
		{ana, "ana", "bob", ""},
		{bob, "ana", "bob", ""},
		{eve, "bob", "ana", bobsKey},
		// A claimed peer: only its owner, or the owner of user.
		{open, "zed", "bob", bobsOpen},
		{eve, "zed", "bob", bobsKey},
		{bob, "zed", "bob", ""},
		{ana, "zed", "bob", bobsKey},
		{bob, "ana", "", anasKey},
	}
	for _, c := range cases {
		if got := errText(mayReadPrivate(testOwners, c.caller, c.user, c.peer)); got != c.want {
			t.Errorf("%s reading %s/%s: %q, want %q", who(c.caller), c.user, c.peer, got, c.want)
		}
	}
}

func TestCallerOf(t *testing.T) {
	valid := []byte(keyBob)
	cases := []struct {
		envelope [][]byte
		want     Caller
	}{
		{[][]byte{valid, []byte("id"), {}}, bob},
		{[][]byte{valid}, bob},
		{[][]byte{{}, []byte("id"), {}}, open},                          // the open frontend
		{[][]byte{[]byte("\x00\x80\x00\x41\xa7"), {}}, open},            // an older broker: a routing id
		{[][]byte{valid[:39], []byte("id")}, open},                      // too short
		{[][]byte{append(valid, 'b'), []byte("id")}, open},              // too long
		{[][]byte{[]byte(strings.Repeat("~", 40)), []byte("id")}, open}, // not Z85
		{[][]byte{[]byte(strings.Repeat("#", 40)), []byte("id")}, open}, // Z85 that overflows
		{[][]byte{[]byte("id"), valid}, open},                           // a key anywhere else is not the tag
		{nil, open},
	}
	for _, c := range cases {
		if got := callerOf(c.envelope); got != c.want {
			t.Errorf("callerOf(%q) = %s, want %s", c.envelope, who(got), who(c.want))
		}
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func who(c Caller) string {
	if c.Keyless() {
		return "open caller"
	}
	return fmt.Sprintf("key %.4s", c.Key)
}
