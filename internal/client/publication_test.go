package client

import (
	"encoding/json"
	"testing"

	"github.com/vmihailenco/msgpack/v5"

	"zchat/internal/wire"
)

func packed(t *testing.T, v any) []byte {
	t.Helper()
	b, err := msgpack.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func jsoned(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func frames(parts ...[]byte) [][]byte { return parts }

func TestParsePublicationExactTopics(t *testing.T) {
	subscribed := topicSet{"ana": {}, "geral": {}}
	post := map[string]any{"user": "bob", "message": "oi", "clock": 5, "id": "s1:1"}
	dm := map[string]any{"src": "bob", "message": "psst", "clock": 6}
	cases := []struct {
		name      string
		frames    [][]byte
		wantOK    bool
		wantTopic string
		private   bool
	}{
		{"exact channel", frames([]byte("geral"), packed(t, post)), true, "geral", false},
		{"prefix channel geral2", frames([]byte("geral2"), packed(t, post)), false, "", false},
		{"exact user", frames([]byte("ana"), packed(t, dm)), true, "ana", true},
		{"prefix user anabela", frames([]byte("anabela"), packed(t, dm)), false, "", false},
		{"not subscribed", frames([]byte("bob"), packed(t, dm)), false, "", false},
		{"JSON payload", frames([]byte("geral"), jsoned(t, post)), true, "geral", false},
		{"envelope payload", frames([]byte("ana"), packed(t, map[string]any{"service": "message", "data": dm})), true, "ana", true},
		{"single frame topic space JSON", frames(append([]byte("geral "), jsoned(t, post)...)), true, "geral", false},
		{"single frame topic msgpack", frames(append([]byte("ana"), packed(t, dm)...)), true, "ana", true},
		{"single frame prefix topic", frames(append([]byte("geral2 "), jsoned(t, post)...)), false, "", false},
		{"single frame map with channel", frames(packed(t, map[string]any{"user": "bob", "channel": "geral", "message": "x"})), true, "geral", false},
		{"single frame map for anabela", frames(packed(t, map[string]any{"src": "x", "dst": "anabela", "message": "x"})), false, "", false},
		{"garbage payload", frames([]byte("geral"), []byte("\xc1")), false, "", false},
		{"no frames", nil, false, "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, ok := parsePublication(c.frames, subscribed, "")
			if ok != c.wantOK {
				t.Fatalf("ok = %v, want %v (%+v)", ok, c.wantOK, m)
			}
			if ok && (m.Topic != c.wantTopic || m.Private != c.private) {
				t.Fatalf("got %+v, want topic %q private %v", m, c.wantTopic, c.private)
			}
		})
	}
}

func TestParsePublicationFields(t *testing.T) {
	subscribed := topicSet{"ana": {}}
	m, ok := parsePublication(frames([]byte("ana"), packed(t, map[string]any{"from": "bob", "message": "hi"})), subscribed, "")
	want := Message{Topic: "ana", User: "bob", Dst: "ana", Text: "hi", Private: true}
	if !ok || m != want {
		t.Fatalf("got %+v, %v; want %+v", m, ok, want)
	}
	m, ok = parsePublication(frames([]byte("ana"), packed(t, map[string]any{"message": "x", "user": "bob"})), subscribed, "")
	if !ok || m.Private || m.Channel != "ana" || m.User != "bob" {
		t.Fatalf("post without channel field: %+v", m)
	}
}

func TestTopicSet(t *testing.T) {
	s := topicSet{}
	if !s.add("ana") || s.add("ana") || !s.has("ana") || s.has("an") || s.has("anabela") {
		t.Fatal("add/has")
	}
	s.add("an")
	if got := s.prefixesOf([]byte("anabela")); len(got) != 2 || got[0] != "ana" {
		t.Fatalf("prefixesOf = %q", got)
	}
	if !s.remove("ana") || s.remove("ana") || s.has("ana") {
		t.Fatal("remove")
	}
}

// TestParsePrivateTopic: on the private topic of the client's key, a
// publication is a private message, delivered as addressed to its dst when
// that name is followed; the topic frame is never a name.
func TestParsePrivateTopic(t *testing.T) {
	private := wire.PrivateTopic("rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7")
	subscribed := topicSet{"ana": {}, "geral": {}}
	dm := func(dst string) map[string]any {
		return map[string]any{"src": "bob", "dst": dst, "message": "psst", "timestamp": 1.5, "clock": 9, "id": "s1:4"}
	}
	cases := []struct {
		name    string
		private string // the topic the socket follows
		frames  [][]byte
		wantOK  bool
	}{
		{"to a followed name", private, frames([]byte(private), packed(t, dm("ana"))), true},
		{"JSON payload", private, frames([]byte(private), jsoned(t, dm("ana"))), true},
		{"to a name not followed", private, frames([]byte(private), packed(t, dm("ana2"))), false},
		{"no recipient", private, frames([]byte(private), packed(t, map[string]any{"src": "bob", "message": "x"})), false},
		{"a channel post on it", private, frames([]byte(private), packed(t, map[string]any{"user": "bob", "channel": "geral", "message": "x"})), false},
		{"garbage", private, frames([]byte(private), []byte("\xc1")), false},
		{"another key's topic", private, frames([]byte(wire.PrivateTopic("x"+private[2:])), packed(t, dm("ana"))), false},
		{"open mode", "", frames([]byte(private), packed(t, dm("ana"))), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, ok := parsePublication(c.frames, subscribed, c.private)
			if ok != c.wantOK {
				t.Fatalf("ok = %v, want %v (%+v)", ok, c.wantOK, m)
			}
			want := Message{ID: "s1:4", Topic: "ana", User: "bob", Dst: "ana", Text: "psst", Time: seconds(1.5), Clock: 9, Private: true}
			if ok && m != want {
				t.Fatalf("got %+v, want %+v", m, want)
			}
		})
	}
}
