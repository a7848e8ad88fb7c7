package client

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zchat/internal/client/clienttest"
	"zchat/internal/wire"
)

// accessKeyServer is an open frontend naming key (a pointer: the test
// changes it) in its auth_key replies.
func accessKeyServer(t *testing.T, key *string) *clienttest.Server {
	return clienttest.StartServer(t, func(_ int, req wire.Message) []byte {
		return clienttest.Reply(t, req.Service, map[string]any{"status": "OK", "key": *key})
	})
}

// TestServerKeyTrustOnFirstUse: the first run learns the key from the open
// frontend and records it; later runs use the record without asking, even
// when the cluster now names another key (the secure connection then
// fails and reports the change: TestChangedServerKeyIsRefused); a pin
// replaces the record.
func TestServerKeyTrustOnFirstUse(t *testing.T) {
	first, second := clienttest.NewAccessKey(t).Public, clienttest.NewAccessKey(t).Public
	offered := first
	open := accessKeyServer(t, &offered)
	known := KnownServers{Path: filepath.Join(t.TempDir(), "zchat", "known_servers")}
	cfg := testConfig(open.Endpoint, "")
	cfg.Secure = &Secure{Broker: "tcp://127.0.0.1:5560"}
	ctx := context.Background()

	key, src, err := ResolveServerKey(ctx, cfg, known, "")
	if err != nil || key != first || src != KeyLearned {
		t.Fatalf("first use: %q %v %v, want the offered key, learned", key, src, err)
	}
	if got, _ := known.Lookup("tcp://127.0.0.1:5560"); got != first {
		t.Fatalf("recorded %q, want %q", got, first)
	}
	offered = second
	key, src, err = ResolveServerKey(ctx, cfg, known, "")
	if err != nil || key != first || src != KeyKnown || len(open.Requests()) != 1 {
		t.Fatalf("second use: %q %v %v after %d requests, want the recorded key without asking", key, src, err, len(open.Requests()))
	}
	key, src, err = ResolveServerKey(ctx, cfg, known, second)
	if err != nil || key != second || src != KeyPinned {
		t.Fatalf("pin: %q %v %v", key, src, err)
	}
	if got, _ := known.Lookup("tcp://127.0.0.1:5560"); got != second {
		t.Fatalf("after the pin the record is %q, want the pinned key", got)
	}
	if _, _, err := ResolveServerKey(ctx, cfg, known, "not a key"); err == nil {
		t.Fatal("a malformed pin was accepted")
	}
}

func TestServerKeyDerivedEndpointAndBadReplies(t *testing.T) {
	bad := "not-a-key"
	open := accessKeyServer(t, &bad)
	known := KnownServers{Path: filepath.Join(t.TempDir(), "known_servers")}
	cfg := testConfig(open.Endpoint, "")
	if _, _, err := ResolveServerKey(context.Background(), cfg, known, ""); err == nil || !strings.Contains(err.Error(), "names no CURVE public key") {
		t.Fatalf("a reply without a key: %v", err)
	}
	if _, err := os.Stat(known.Path); !os.IsNotExist(err) {
		t.Fatal("a bad reply was recorded")
	}
	good := clienttest.NewAccessKey(t).Public
	bad = good
	if _, _, err := ResolveServerKey(context.Background(), cfg, known, ""); err != nil {
		t.Fatal(err)
	}
	derived, _ := OffsetEndpoint(open.Endpoint, SecureBrokerOffset)
	if got, _ := known.Lookup(derived); got != good {
		t.Fatalf("recorded under the derived endpoint %s: %q", derived, got)
	}
}

// TestKnownServersFile: records are replaced per endpoint, other lines
// (comments, other endpoints, damaged lines) are kept, the file is the
// user's alone.
func TestKnownServersFile(t *testing.T) {
	k1, k2, k3 := clienttest.NewAccessKey(t).Public, clienttest.NewAccessKey(t).Public, clienttest.NewAccessKey(t).Public
	path := filepath.Join(t.TempDir(), "known_servers")
	must(t, os.WriteFile(path, []byte("# my clusters\ntcp://a:5560 "+k1+"\ngarbage line\n"), 0o600))
	known := KnownServers{Path: path}
	must(t, known.Remember("tcp://b:5560", k2))
	must(t, known.Remember("tcp://a:5560", k3))
	for ep, want := range map[string]string{"tcp://a:5560": k3, "tcp://b:5560": k2, "tcp://c:5560": ""} {
		if got, err := known.Lookup(ep); err != nil || got != want {
			t.Errorf("Lookup(%s) = %q %v, want %q", ep, got, err, want)
		}
	}
	b, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(b), "# my clusters\n") || !strings.Contains(string(b), "garbage line\n") || strings.Contains(string(b), k1) {
		t.Fatalf("file after updates:\n%s", b)
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", info.Mode().Perm())
	}
	if err := known.Remember("tcp://a b", k1); err == nil {
		t.Fatal("an endpoint with a space was recorded")
	}
	if err := known.Remember("tcp://a", "short"); err == nil {
		t.Fatal("a malformed key was recorded")
	}
	if got, err := (KnownServers{Path: filepath.Join(t.TempDir(), "none")}).Lookup("tcp://a:5560"); got != "" || err != nil {
		t.Fatalf("missing file: %q %v", got, err)
	}
}

func TestOffsetEndpoint(t *testing.T) {
	cases := []struct{ in, want string }{
		{"tcp://127.0.0.1:5555", "tcp://127.0.0.1:5560"},
		{"tcp://chat.example:7000", "tcp://chat.example:7005"},
		{"tcp://[::1]:5555", "tcp://[::1]:5560"},
		{"tcp://host", ""},
		{"ipc:///tmp/zchat", ""},
		{"tcp://host:65534", ""},
		{"", ""},
	}
	for _, c := range cases {
		got, err := OffsetEndpoint(c.in, 5)
		if got != c.want || (err == nil) != (c.want != "") {
			t.Errorf("OffsetEndpoint(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}
