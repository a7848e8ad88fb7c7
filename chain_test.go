package zchat

import (
	"encoding/hex"
	"math"
	"testing"
)

func mustHash(t *testing.T, s string) Hash {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != len(Hash{}) {
		t.Fatalf("bad hash literal %q", s)
	}
	return Hash(b)
}

// The expected values were computed independently (Python's hashlib and
// struct.pack(">Q...") over the documented encoding), so that the test
// pins the wire-visible rule, not this implementation's reading of it.
func TestChainHashKnownValues(t *testing.T) {
	login := Event{Origin: "s1.5f3a09c2", Seq: 1, Clock: 7, Time: 1735689600.25, Kind: KindLogin, User: "alice"}
	post := Event{Origin: "s1.5f3a09c2", Seq: 2, Clock: 9, Time: 1735689601.5, Kind: KindPost,
		User: "alice", Target: "general", Text: "olá", ReqID: "r-1"}
	genesis := mustHash(t, "584a697d257a0a5b77cbed17deecc54cb7e222dba213c87810a4f6ec86157f68")
	h1 := mustHash(t, "b5f1ac8c774b8293e30adbf589c767fef10c45abd98f66ece15d539ed6816aef")
	h2 := mustHash(t, "e9dc92d0135c5bac64481b05c16740da1ada9b3288f26a7e8c4b41f280b49417")
	tests := []struct {
		name string
		prev Hash
		e    Event
		want Hash
	}{
		{"first event chains on genesis", Genesis, login, h1},
		{"second event chains on the first", h1, post, h2},
		{"the event's own hash field is not read", h1, withHash(post, h1), h2},
	}
	if Genesis != genesis {
		t.Errorf("Genesis = %s, want %s", Genesis, genesis)
	}
	for _, tt := range tests {
		if got := ChainHash(tt.prev, tt.e); got != tt.want {
			t.Errorf("%s: ChainHash = %s, want %s", tt.name, got, tt.want)
		}
	}
	if got := GenesisHead.Next(login); got != h1 {
		t.Errorf("GenesisHead.Next = %s, want %s", got, h1)
	}
}

func withHash(e Event, h Hash) Event {
	e.Hash = h
	return e
}

// Every field changes the hash, and moving bytes between neighbouring
// strings does too (the encoding is length-prefixed).
func TestChainHashCoversEveryField(t *testing.T) {
	base := Event{Origin: "o.1", Seq: 5, Clock: 10, Time: 1.5, Kind: KindPost, User: "ab", Target: "c", Text: "t", ReqID: "r"}
	baseHash := ChainHash(Genesis, base)
	tests := []struct {
		name   string
		change func(e *Event)
	}{
		{"origin", func(e *Event) { e.Origin = "o.2" }},
		{"seq", func(e *Event) { e.Seq = 6 }},
		{"clock", func(e *Event) { e.Clock = 11 }},
		{"time", func(e *Event) { e.Time = 1.5000001 }},
		{"kind", func(e *Event) { e.Kind = KindPrivate }},
		{"user", func(e *Event) { e.User = "ax" }},
		{"target", func(e *Event) { e.Target = "d" }},
		{"text", func(e *Event) { e.Text = "u" }},
		{"request id", func(e *Event) { e.ReqID = "s" }},
		{"user/target boundary", func(e *Event) { e.User, e.Target = "a", "bc" }},
		{"text/request id boundary", func(e *Event) { e.Text, e.ReqID = "tr", "" }},
		{"empty text vs empty request id", func(e *Event) { e.Text, e.ReqID = "", "tr" }},
	}
	for _, tt := range tests {
		e := base
		tt.change(&e)
		if ChainHash(Genesis, e) == baseHash {
			t.Errorf("changing the %s keeps the hash", tt.name)
		}
	}
	if ChainHash(ChainHash(Genesis, base), base) == baseHash {
		t.Error("the previous hash does not change the hash")
	}
}

// A time of -0 hashes like 0: SQLite gives a stored -0.0 back as 0.
func TestChainHashNegativeZeroTime(t *testing.T) {
	e := Event{Origin: "o.1", Seq: 1, Kind: KindLogin, User: "u"}
	neg := e
	neg.Time = math.Copysign(0, -1)
	if ChainHash(Genesis, e) != ChainHash(Genesis, neg) {
		t.Error("-0 and 0 hash differently")
	}
}

func TestHashIsZero(t *testing.T) {
	if !(Hash{}).IsZero() || Genesis.IsZero() {
		t.Error("IsZero")
	}
}
