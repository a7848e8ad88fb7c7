package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"zchat/internal/auth"
	"zchat/internal/client"
	"zchat/internal/client/clienttest"
	"zchat/internal/credential"
	"zchat/internal/wire"
)

// claimingServer answers like a server with accounts on its secure
// frontend: a login claims an unclaimed name for the caller's key and is
// refused to another key; it records which key each request came with.
type claimingServer struct {
	mu      sync.Mutex
	claims  map[string]string // name -> owner key
	callers map[string][]string
}

func (s *claimingServer) handle(t *testing.T, req wire.Message, caller string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.callers[req.Service] = append(s.callers[req.Service], caller)
	if req.Service != "login" {
		return chatReply(t, req)
	}
	user, _ := req.String("user")
	switch owner, ok := s.claims[user]; {
	case !ok:
		s.claims[user] = caller
		return clienttest.Reply(t, "login", map[string]any{"status": "sucesso", "claimed": true})
	case owner != caller:
		return clienttest.Reply(t, "login", wire.ErrorData("name '"+user+"' is claimed by another key"))
	}
	return clienttest.Reply(t, "login", map[string]any{"status": "sucesso"})
}

func (s *claimingServer) lastCaller(service string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.callers[service]
	if len(c) == 0 {
		return ""
	}
	return c[len(c)-1]
}

type secureSetup struct {
	srv   *claimingServer
	flags func(out *bytes.Buffer) ClientFlags
	keys  string // the key directory
	known string // the known servers file
	key   string // the access public key
}

// startSecure starts a fake secure frontend with its open frontend (which
// names the access key) and returns flags that use them, with a key
// directory and known servers file of the test's own.
func startSecure(t *testing.T) secureSetup {
	access := clienttest.NewAccessKey(t)
	cs := &claimingServer{claims: map[string]string{}, callers: map[string][]string{}}
	secure := clienttest.StartSecureServer(t, access, func(_ int, req wire.Message, caller string) []byte { return cs.handle(t, req, caller) })
	open := clienttest.StartServer(t, func(_ int, req wire.Message) []byte {
		return clienttest.Reply(t, req.Service, map[string]any{"status": "OK", "key": access.Public})
	})
	dir := t.TempDir()
	s := secureSetup{srv: cs, keys: filepath.Join(dir, "keys"), known: filepath.Join(dir, "known_servers"), key: access.Public}
	s.flags = func(out *bytes.Buffer) ClientFlags {
		return ClientFlags{Broker: open.Endpoint, SecureBroker: secure.Endpoint, Keys: s.keys, KnownServers: s.known,
			Timeout: time.Second, Retries: 1, stdout: out}
	}
	return s
}

func run(t *testing.T, r runner) error {
	t.Helper()
	return r.Run(context.Background(), &Globals{LogLevel: slog.LevelError})
}

func keyOf(t *testing.T, dir, name string) string {
	t.Helper()
	k, err := credential.Load(dir, name, nil)
	if err != nil {
		t.Fatal(err)
	}
	return k.Public
}

// TestLoginMakesTheKeyAndClaims: the first login makes the name's key,
// says where it is, and the cluster claims the name for it; the access key
// is recorded on first use; later commands acting as the name prove the
// same key, others an ephemeral one.
func TestLoginMakesTheKeyAndClaims(t *testing.T) {
	s := startSecure(t)
	t.Setenv(passphraseEnv, "")
	os.Unsetenv(passphraseEnv)
	var out bytes.Buffer
	if err := run(t, &LoginCmd{ClientFlags: s.flags(&out), User: "ana"}); err != nil {
		t.Fatal(err)
	}
	file := credential.Path(s.keys, "ana")
	want := "logged in as ana\ncreated a key for 'ana' in " + file + ": it now owns the name; copy this file to use 'ana' elsewhere\n"
	if out.String() != want {
		t.Fatalf("first login printed %q, want %q", out.String(), want)
	}
	ana := keyOf(t, s.keys, "ana")
	if got := s.srv.lastCaller("login"); got != ana {
		t.Fatalf("login came with key %q, want ana's %q", got, ana)
	}
	if known, _ := (client.KnownServers{Path: s.known}).Lookup(s.flags(nil).SecureBroker); known != s.key {
		t.Fatalf("known servers has %q, want the access key", known)
	}

	out.Reset()
	if err := run(t, &LoginCmd{ClientFlags: s.flags(&out), User: "ana"}); err != nil || out.String() != "logged in as ana\n" {
		t.Fatalf("second login: %q %v", out.String(), err)
	}
	if err := run(t, &PostCmd{ClientFlags: s.flags(&out), Channel: "geral", Text: []string{"oi"}, As: "ana"}); err != nil {
		t.Fatal(err)
	}
	if got := s.srv.lastCaller("publish"); got != ana {
		t.Fatalf("post --as ana came with key %q, want ana's", got)
	}
	if err := run(t, &HistoryCmd{ClientFlags: s.flags(&out), Target: "@ana", Limit: 10}); err != nil {
		t.Fatal(err)
	}
	if got := s.srv.lastCaller("history"); got != ana {
		t.Fatalf("history @ana came with key %q, want ana's (this device has it)", got)
	}
	if err := run(t, &UsersCmd{s.flags(&out)}); err != nil {
		t.Fatal(err)
	}
	if got := s.srv.lastCaller("users"); got == ana || !client.ValidPublicKey(got) {
		t.Fatalf("users came with key %q, want an ephemeral one", got)
	}
	if err := run(t, &HistoryCmd{ClientFlags: s.flags(&out), Target: "@carol", Limit: 10}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(credential.Path(s.keys, "carol")); !os.IsNotExist(err) {
		t.Fatal("history @carol made a key for carol")
	}
}

// TestLoginRefusedLeavesNoKey: a name claimed by another key is refused,
// and the key just made for it, which owns nothing, is not kept.
func TestLoginRefusedLeavesNoKey(t *testing.T) {
	s := startSecure(t)
	s.srv.claims["bob"] = "someone else's key"
	var out bytes.Buffer
	err := run(t, &LoginCmd{ClientFlags: s.flags(&out), User: "bob"})
	if err == nil || !strings.Contains(err.Error(), "claimed by another key") {
		t.Fatalf("login as a name claimed by another key: %v", err)
	}
	if _, err := os.Stat(credential.Path(s.keys, "bob")); !os.IsNotExist(err) {
		t.Fatal("the key made for the refused login was kept")
	}
}

// TestSealedKey: with ZCHAT_PASSPHRASE the new key file is sealed; later
// commands need the passphrase, and say how to give it.
func TestSealedKey(t *testing.T) {
	s := startSecure(t)
	t.Setenv(passphraseEnv, "correct horse")
	var out bytes.Buffer
	if err := run(t, &LoginCmd{ClientFlags: s.flags(&out), User: "dora"}); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(credential.Path(s.keys, "dora"))
	if !strings.HasPrefix(string(raw), "-----BEGIN AGE") {
		t.Fatalf("the key file is not sealed:\n%s", raw)
	}
	os.Unsetenv(passphraseEnv)
	err := run(t, &PostCmd{ClientFlags: s.flags(&out), Channel: "geral", Text: []string{"oi"}, As: "dora"})
	if err == nil || !strings.Contains(err.Error(), "--passphrase") || !strings.Contains(err.Error(), passphraseEnv) {
		t.Fatalf("post with a sealed key and no passphrase: %v", err)
	}
	t.Setenv(passphraseEnv, "correct horse")
	if err := run(t, &PostCmd{ClientFlags: s.flags(&out), Channel: "geral", Text: []string{"oi"}, As: "dora"}); err != nil {
		t.Fatal(err)
	}
}

// TestChangedAccessKeyIsRefused: a cluster whose access key differs from
// the recorded one is refused with the SSH-like explanation.
func TestChangedAccessKeyIsRefused(t *testing.T) {
	s := startSecure(t)
	stale := clienttest.NewAccessKey(t).Public
	if err := (client.KnownServers{Path: s.known}).Remember(s.flags(nil).SecureBroker, stale); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err := run(t, &UsersCmd{s.flags(&out)})
	if err == nil || !strings.Contains(err.Error(), "--server-key "+s.key) || !strings.Contains(err.Error(), "refusing to connect") {
		t.Fatalf("users with a stale recorded key: %v", err)
	}
	f := s.flags(&out)
	f.ServerKey = s.key // pinned anew
	if err := run(t, &UsersCmd{f}); err != nil {
		t.Fatalf("after pinning the new key: %v", err)
	}
	if known, _ := (client.KnownServers{Path: s.known}).Lookup(f.SecureBroker); known != s.key {
		t.Fatal("the pin did not replace the recorded key")
	}
}

// TestAccessKeyCommand prints what the servers hand out for the cluster
// key's file: the key users pin.
func TestAccessKeyCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cluster.key")
	k, err := auth.WriteNewKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := (&AccessKeyCmd{ClusterKey: path, stdout: &out}).Run(context.Background(), &Globals{LogLevel: slog.LevelError}); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(out.String()); got != auth.AccessKey(k).Public {
		t.Fatalf("printed %q, want the access key %q", got, auth.AccessKey(k).Public)
	}
	if err := (&AccessKeyCmd{ClusterKey: path + ".missing"}).Run(context.Background(), &Globals{}); err == nil {
		t.Fatal("no error for a missing key file")
	}
}
