package auth

import (
	"strings"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/auth/authtest"
	"zchat/internal/freeport"
)

func TestUsersPolicy(t *testing.T) {
	user := newKey(t)
	curve := func(creds ...[]byte) Request { return Request{Mechanism: "CURVE", Credentials: creds} }
	tests := []struct {
		name   string
		req    Request
		allow  bool
		userID string
		reason string
	}{
		{"any CURVE key, named by its Z85 text", curve([]byte(user.publicRaw())), true, user.Public, ""},
		{"the cluster's own key is just another user", curve([]byte(newKey(t).publicRaw())), true, "", ""},
		{"NULL", Request{Mechanism: "NULL"}, false, "", `mechanism "NULL"`},
		{"PLAIN", Request{Mechanism: "PLAIN", Credentials: [][]byte{[]byte("bob"), []byte("pw")}}, false, "", `mechanism "PLAIN"`},
		{"no key", curve(), false, "", "malformed"},
		{"short key", curve([]byte("short")), false, "", "malformed"},
		{"long key", curve(make([]byte, keyBytes+1)), false, "", "malformed"},
		{"two keys", curve([]byte(user.publicRaw()), []byte(user.publicRaw())), false, "", "malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := decide(usersPolicy{}, tt.req)
			switch {
			case d.Allow != tt.allow || !strings.Contains(d.Reason, tt.reason):
				t.Fatalf("decision %+v, want allow=%v reason containing %q", d, tt.allow, tt.reason)
			case tt.allow && (len(d.UserID) != z85Len || !validZ85Key(d.UserID)):
				t.Fatalf("user id %q: want a key's Z85 text", d.UserID)
			case tt.userID != "" && d.UserID != tt.userID:
				t.Fatalf("user id %q, want %q", d.UserID, tt.userID)
			case !tt.allow && d.UserID != "":
				t.Fatalf("a refusal names a user: %+v", d)
			}
		})
	}
}

// usersServer binds a ROUTER as a users' port of cluster and returns it
// with its endpoint.
func usersServer(t *testing.T, cluster Cluster) (*zmq.Socket, string) {
	t.Helper()
	users, ok := cluster.Users()
	if !ok {
		t.Fatal("a cluster with a key has no users' side")
	}
	s, err := zmq.NewSocket(zmq.ROUTER)
	if err != nil {
		t.Fatal(err)
	}
	release := func() {}
	t.Cleanup(func() { s.Close(); release() })
	if release, err = users.Server(s); err != nil {
		t.Fatal(err)
	}
	s.SetLinger(0)
	ep, err := freeport.Endpoint()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Bind(ep); err != nil {
		t.Fatal(err)
	}
	return s, ep
}

// receivedFrom waits for a "ping" on s and returns its sender's User-Id.
func receivedFrom(t *testing.T, s *zmq.Socket) string {
	t.Helper()
	s.SetRcvtimeo(handshakeTimeout)
	frames, meta, err := s.RecvMessageBytesWithMetadata(0, UserIDProperty)
	if err != nil || string(frames[len(frames)-1]) != "ping" {
		t.Fatalf("no ping: %q, %v", frames, err)
	}
	return meta[UserIDProperty]
}

// Two users with keys of their own are admitted to the same port, and
// each message carries its sender's public key; clients without CURVE,
// or that do not know the access key, are refused.
func TestUsersPortAdmitsAnyKeyAndNamesIt(t *testing.T) {
	cluster := WithKey(newKey(t), quiet)
	users, _ := cluster.Users()
	srv, ep := usersServer(t, cluster)
	for _, user := range []Key{newKey(t), newKey(t)} {
		if ev := dial(t, ep, func(s *zmq.Socket) error { return UserClient(s, user, users.AccessKey().Public) }); ev != zmq.EVENT_HANDSHAKE_SUCCEEDED {
			t.Fatalf("user's handshake: %v", ev)
		}
		if id := receivedFrom(t, srv); id != user.Public {
			t.Fatalf("User-Id %q, want the user's key %q", id, user.Public)
		}
	}
	clusterKey, _ := cluster.Key()
	refused := []struct {
		name    string
		prepare func(*zmq.Socket) error
	}{
		{"NULL", func(*zmq.Socket) error { return nil }},
		{"PLAIN", func(s *zmq.Socket) error { s.SetPlainUsername("bob"); return s.SetPlainPassword("pw") }},
		// A client that pins the wrong server key cannot complete the
		// handshake: the port does not hold that key's secret.
		{"the cluster key as server key", func(s *zmq.Socket) error { return UserClient(s, newKey(t), clusterKey.Public) }},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			if ev := dial(t, ep, tt.prepare); !authtest.Refused(ev) {
				t.Fatalf("handshake ended with %v, want a refusal", ev)
			}
		})
	}
	srv.SetRcvtimeo(200 * time.Millisecond)
	if frames, err := srv.RecvMessageBytes(0); err == nil {
		t.Fatalf("a refused client's message arrived: %q", frames)
	}
}

// The users' domain and the members' domain live in one handler without
// mixing: a user key is refused on a member port of the same cluster.
func TestUsersAreNotMembers(t *testing.T) {
	k := newKey(t)
	cluster := WithKey(k, quiet)
	usersServer(t, cluster)
	_, memberEp := memberServer(t, nil, cluster)
	user := newKey(t)
	if ev := dial(t, memberEp, curveClient(user.Public, user.Secret, k.Public)); ev != zmq.EVENT_HANDSHAKE_FAILED_AUTH {
		t.Fatal("a user key was admitted to a member port")
	}
	if _, ok := Open().Users(); ok {
		t.Fatal("an open cluster has a users' side")
	}
	if _, err := (Users{}).Server(nil); err == nil {
		t.Fatal("a users' port without an access key was set up")
	}
}

func TestUserClientChecksTheAccessKey(t *testing.T) {
	s, _ := zmq.NewSocket(zmq.REQ)
	defer s.Close()
	if err := UserClient(s, newKey(t), "not a key"); err == nil {
		t.Fatal("a malformed access key was accepted")
	}
}
