package server

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/vmihailenco/msgpack/v5"

	"zchat/internal/auth"
	"zchat/internal/wire"
)

// step is one request of a caller and what its reply must be.
type step struct {
	caller  Caller
	service string
	data    map[string]any
	status  string
	errText string // the whole error description, "" for none
	pub     string // the publication topic, "" for none
}

func runSteps(t *testing.T, h *Handler, steps []step) {
	t.Helper()
	for i, s := range steps {
		m, pub := callAs(t, h, s.caller, request(t, s.service, s.data))
		status, _ := m.String("status")
		desc, _ := m.OptString("description")
		if status != s.status || desc != s.errText {
			t.Errorf("step %d: %s %s %v: %q %q, want %q %q", i, who(s.caller), s.service, s.data, status, desc, s.status, s.errText)
		}
		if got := topic(pub); got != s.pub {
			t.Errorf("step %d: publication topic %q, want %q", i, got, s.pub)
		}
	}
}

// The server rules of accounts, request by request: claims at login, who
// may act as a claimed name, private history, private topics.
func TestAccountRules(t *testing.T) {
	h := newHandler(t)
	const (
		bobClaimedOpen  = "name 'bob' is claimed: log in with its key (zchat login)"
		bobClaimedOther = "name 'bob' is claimed by another key"
	)
	user := func(u string) map[string]any { return map[string]any{"user": u} }
	runSteps(t, h, []step{
		{open, "login", user("zed"), "sucesso", "", ""},
		{bob, "login", user("bob"), "sucesso", "", ""},
		{bob, "login", user("bob"), "sucesso", "", ""},
		{open, "login", user("bob"), "erro", bobClaimedOpen, ""},
		{eve, "login", user("bob"), "erro", bobClaimedOther, ""},
		{eve, "login", user("Bob"), "erro", "user name 'Bob' is too similar to the existing 'bob'", ""},
		{open, "login", user("BOB"), "erro", "user name 'BOB' is too similar to the existing 'bob'", ""},
		{ana, "login", user("ana"), "sucesso", "", ""},
		{ana, "login", user("zed"), "sucesso", "", ""}, // a key claims an unclaimed user name that exists
		{open, "login", user("zed"), "erro", "name 'zed' is claimed: log in with its key (zchat login)", ""},
		{open, "login", user("amy"), "sucesso", "", ""},

		{open, "channel", map[string]any{"channel": "geral"}, "sucesso", "", ""},
		{open, "channel", map[string]any{"channel": "dev", "user": "bob"}, "erro", bobClaimedOpen, ""},
		{eve, "channel", map[string]any{"channel": "dev", "user": "bob"}, "erro", bobClaimedOther, ""},
		{bob, "channel", map[string]any{"channel": "dev", "user": "bob"}, "sucesso", "", ""},
		{open, "channel", map[string]any{"channel": "Dev"}, "erro", "channel name 'Dev' is too similar to the existing 'dev'", ""},
		{open, "channel", map[string]any{"channel": "amys", "user": "amy"}, "sucesso", "", ""},

		{open, "publish", map[string]any{"user": "bob", "channel": "geral", "message": "hi"}, "erro", bobClaimedOpen, ""},
		{ana, "publish", map[string]any{"user": "bob", "channel": "geral", "message": "hi"}, "erro", bobClaimedOther, ""},
		{bob, "publish", map[string]any{"user": "bob", "channel": "geral", "message": "hi"}, "OK", "", "geral"},
		{open, "publish", map[string]any{"user": "amy", "channel": "geral", "message": "hi"}, "OK", "", "geral"},

		{open, "message", map[string]any{"src": "bob", "dst": "amy", "message": "x"}, "erro", bobClaimedOpen, ""},
		{eve, "message", map[string]any{"src": "bob", "dst": "amy", "message": "x"}, "erro", bobClaimedOther, ""},
		{bob, "message", map[string]any{"src": "bob", "dst": "amy", "message": "to amy"}, "OK", "", "amy"},
		{open, "message", map[string]any{"src": "amy", "dst": "bob", "message": "to bob"}, "OK", "", wire.PrivateTopic(keyBob)},
		{ana, "message", map[string]any{"src": "ana", "dst": "bob", "message": "ana to bob"}, "OK", "", wire.PrivateTopic(keyBob)},
		{bob, "message", map[string]any{"src": "bob", "dst": "bob", "message": "note"}, "OK", "", wire.PrivateTopic(keyBob)},

		{open, "history", map[string]any{"channel": "geral"}, "OK", "", ""},
		{open, "history", user("bob"), "erro", "the private messages of 'bob' are readable only with its key (zchat login)", ""},
		{eve, "history", user("bob"), "erro", "the private messages of 'bob' are readable only with the key that claimed it", ""},
		{bob, "history", user("bob"), "OK", "", ""},
		{open, "history", map[string]any{"user": "amy", "peer": "bob"}, "erro", "the private messages of 'bob' are readable only with its key (zchat login)", ""},
		{ana, "history", map[string]any{"user": "bob", "peer": "ana"}, "OK", "", ""},
		{open, "history", user("amy"), "OK", "", ""},
	})
}

// The reply to a login that claims says so; the claim event precedes the
// login in the log, and history shows the owner its conversations.
func TestClaimingLoginAndPrivateHistory(t *testing.T) {
	h := newHandler(t)
	m, _ := callAs(t, h, bob, request(t, "login", map[string]any{"user": "bob"}))
	if m.Data["claimed"] != true {
		t.Errorf("first login with a key: %v, want claimed: true", m.Data)
	}
	m, _ = callAs(t, h, bob, request(t, "login", map[string]any{"user": "bob"}))
	if _, ok := m.Data["claimed"]; ok {
		t.Errorf("second login: %v, want no claimed field", m.Data)
	}
	if key, ok := h.Store.Owner("bob"); !ok || key != keyBob {
		t.Errorf("Owner(bob) = %.4s, %v", key, ok)
	}
	call(t, h, request(t, "login", map[string]any{"user": "amy"}))
	_, pub := call(t, h, request(t, "message", map[string]any{"src": "amy", "dst": "bob", "message": "psst"}))
	var payload map[string]any
	err := msgpack.Unmarshal(pub.Payload, &payload)
	if err != nil || payload["dst"] != "bob" || payload["src"] != "amy" || payload["message"] != "psst" {
		t.Errorf("private publication %v, %v: want the standard payload naming dst bob", payload, err)
	}
	m, _ = callAs(t, h, bob, request(t, "history", map[string]any{"user": "bob"}))
	if msgs, _ := m.Data["messages"].([]any); len(msgs) != 1 {
		t.Errorf("bob's history: %v", m.Data)
	}
}

func TestAuthKey(t *testing.T) {
	h := newHandler(t)
	runSteps(t, h, []step{{open, "auth_key", nil, "erro", "accounts are off: the cluster runs without a key", ""}})
	k, err := auth.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	h.AccessKey = accessKey(auth.WithKey(k, slog.Default()))
	for _, c := range []Caller{open, bob} {
		m, _ := callAs(t, h, c, request(t, "auth_key", nil))
		if m.Data["status"] != "OK" || m.Data["key"] != auth.AccessKey(k).Public {
			t.Errorf("auth_key for %s: %v, want the access public key", who(c), m.Data)
		}
	}
	if accessKey(auth.Open()) != "" {
		t.Error("an open cluster has an access key")
	}
}

// The tag is read only where the broker link is authenticated.
func TestCallerNeedsASecureCluster(t *testing.T) {
	k, err := auth.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	env := [][]byte{[]byte(keyBob), []byte("id"), {}}
	secure := &node{cfg: Config{Cluster: auth.WithKey(k, nil)}}
	insecure := &node{cfg: Config{Cluster: auth.Open()}}
	if got := secure.caller(env); got != bob {
		t.Errorf("secure cluster: caller %s, want bob's key", who(got))
	}
	if got := insecure.caller(env); got != open {
		t.Errorf("open cluster: caller %s, want an open caller", who(got))
	}
}

// Keys that auth generates are keys that claims accept.
func TestGeneratedKeysAreValid(t *testing.T) {
	for range 50 {
		k, err := auth.GenerateKey()
		if err != nil {
			t.Fatal(err)
		}
		if got := callerOf([][]byte{[]byte(k.Public)}); got.Key != k.Public || strings.Contains(k.Public, " ") {
			t.Fatalf("key %q not read from the tag", k.Public)
		}
	}
}
