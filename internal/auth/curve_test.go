package auth

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/auth/authtest"
	"zchat/internal/freeport"
)

const handshakeTimeout = 5 * time.Second

// quiet discards the refusals the tests provoke.
var quiet = slog.New(slog.DiscardHandler)

func newKey(t *testing.T) Key {
	t.Helper()
	k, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// memberServer binds a ROUTER of zctx (nil: the default context) as a
// CURVE server of cluster and returns its endpoint; the socket is closed,
// then its handler released, when the test ends.
func memberServer(t *testing.T, zctx *zmq.Context, cluster Cluster) (*zmq.Socket, string) {
	t.Helper()
	newSocket := zmq.NewSocket
	if zctx != nil {
		newSocket = zctx.NewSocket
	}
	s, err := newSocket(zmq.ROUTER)
	if err != nil {
		t.Fatal(err)
	}
	release := func() {}
	t.Cleanup(func() { s.Close(); release() })
	if release, err = cluster.Server(s); err != nil {
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

// dial connects a REQ socket prepared by prepare (its security options)
// to ep, sends "ping" and returns how its handshake ended.
func dial(t *testing.T, ep string, prepare func(*zmq.Socket) error) zmq.Event {
	t.Helper()
	c, err := zmq.NewSocket(zmq.REQ)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetLinger(0)
	if err := prepare(c); err != nil {
		t.Fatal(err)
	}
	wait := authtest.Watch(t, c)
	if err := c.Connect(ep); err != nil {
		t.Fatal(err)
	}
	c.SendBytes([]byte("ping"), zmq.DONTWAIT)
	return wait(handshakeTimeout)
}

// received tells whether s gets a "ping" within timeout.
func received(s *zmq.Socket, timeout time.Duration) bool {
	s.SetRcvtimeo(timeout)
	frames, err := s.RecvMessageBytes(0)
	return err == nil && string(frames[len(frames)-1]) == "ping"
}

func curveClient(public, secret, serverKey string) func(*zmq.Socket) error {
	return func(s *zmq.Socket) error {
		s.SetCurveServerkey(serverKey)
		s.SetCurvePublickey(public)
		return s.SetCurveSecretkey(secret)
	}
}

// The same key pair on both ends of a link is accepted (server key =
// client key = cluster key), and the message gets through.
func TestMemberIsAccepted(t *testing.T) {
	k := newKey(t)
	srv, ep := memberServer(t, nil, WithKey(k, quiet))
	if ev := dial(t, ep, WithKey(k, quiet).Client); ev != zmq.EVENT_HANDSHAKE_SUCCEEDED {
		t.Fatalf("member handshake: %v", ev)
	}
	if !received(srv, handshakeTimeout) {
		t.Fatal("the member's message did not arrive")
	}
}

// Every client that does not hold the cluster key is refused: another
// CURVE key (knowing the server's public key is not enough), no
// security at all (NULL), and PLAIN. None of their messages arrive.
func TestOutsidersAreRefused(t *testing.T) {
	k, other := newKey(t), newKey(t)
	srv, ep := memberServer(t, nil, WithKey(k, quiet))
	tests := []struct {
		name    string
		prepare func(*zmq.Socket) error
		want    zmq.Event // 0: any refusal
	}{
		{"another CURVE key", curveClient(other.Public, other.Secret, k.Public), zmq.EVENT_HANDSHAKE_FAILED_AUTH},
		{"another cluster", WithKey(other, quiet).Client, 0}, // it cannot even decrypt
		// The mechanism mismatch shows as a protocol error or as the server
		// hanging up, depending on timing.
		{"NULL", func(*zmq.Socket) error { return nil }, 0},
		{"PLAIN", func(s *zmq.Socket) error { s.SetPlainUsername("admin"); return s.SetPlainPassword("admin") }, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if ev := dial(t, ep, tt.prepare); ev != tt.want && (tt.want != 0 || !authtest.Refused(ev)) {
				t.Fatalf("handshake ended with %v, want %v", ev, tt.want)
			}
		})
	}
	if received(srv, 200*time.Millisecond) {
		t.Fatal("an outsider's message arrived")
	}
	if ev := dial(t, ep, WithKey(k, quiet).Client); ev != zmq.EVENT_HANDSHAKE_SUCCEEDED || !received(srv, handshakeTimeout) {
		t.Fatalf("the member after the outsiders: %v", ev)
	}
}

// A server in a context of its own gets a handler there: the handler of
// the default context would not be asked, and without one libzmq would
// accept anybody.
func TestEachContextGetsItsHandler(t *testing.T) {
	k, other := newKey(t), newKey(t)
	zctx := newContext(t)
	_, inDefault := memberServer(t, nil, WithKey(k, quiet))
	_, inOwn := memberServer(t, zctx, WithKey(k, quiet))
	for _, ep := range []string{inDefault, inOwn} {
		if ev := dial(t, ep, curveClient(other.Public, other.Secret, k.Public)); ev != zmq.EVENT_HANDSHAKE_FAILED_AUTH {
			t.Errorf("%s: outsider's handshake %v", ep, ev)
		}
		if ev := dial(t, ep, WithKey(k, quiet).Client); ev != zmq.EVENT_HANDSHAKE_SUCCEEDED {
			t.Errorf("%s: member's handshake %v", ep, ev)
		}
	}
}

// Two clusters in one context (two test clusters in one process) share
// the handler but not their members.
func TestTwoClustersInOneProcess(t *testing.T) {
	a, b := newKey(t), newKey(t)
	_, epA := memberServer(t, nil, WithKey(a, quiet))
	_, epB := memberServer(t, nil, WithKey(b, quiet))
	// b's member presenting b's key to a's server, which it knows.
	if ev := dial(t, epA, curveClient(b.Public, b.Secret, a.Public)); ev != zmq.EVENT_HANDSHAKE_FAILED_AUTH {
		t.Errorf("b's member at a: %v", ev)
	}
	if ev := dial(t, epB, curveClient(a.Public, a.Secret, b.Public)); ev != zmq.EVENT_HANDSHAKE_FAILED_AUTH {
		t.Errorf("a's member at b: %v", ev)
	}
	if dial(t, epA, WithKey(a, quiet).Client) != zmq.EVENT_HANDSHAKE_SUCCEEDED || dial(t, epB, WithKey(b, quiet).Client) != zmq.EVENT_HANDSHAKE_SUCCEEDED {
		t.Error("members refused at home")
	}
}

// newContext is a context terminated at the end of the test, after the
// cleanups registered later (which close its sockets) have run: Term
// returns only once every socket of the context is closed.
func newContext(t *testing.T) *zmq.Context {
	t.Helper()
	zctx, err := zmq.NewContext()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { zctx.Term() })
	return zctx
}

func handlerOf(zctx *zmq.Context) *handler {
	handlers.Lock()
	defer handlers.Unlock()
	return handlers.byContext[zctx]
}

// The handler lives while some socket uses it; the last release stops it
// and a later server starts a new one (the inproc endpoint is free again).
func TestHandlerIsCountedAndStops(t *testing.T) {
	zctx := newContext(t)
	k := newKey(t)
	cluster := WithKey(k, quiet)
	var releases []func()
	for range 3 {
		s, _ := zctx.NewSocket(zmq.ROUTER)
		release, err := cluster.Server(s)
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
		releases = append(releases, release)
	}
	h := handlerOf(zctx)
	if h == nil || h.domains[k.domain()].refs != 3 {
		t.Fatalf("handler %+v", h)
	}
	releases[0]()
	releases[0]() // a second call of the same release changes nothing
	releases[1]()
	if handlerOf(zctx) != h {
		t.Fatal("handler stopped while a socket still uses it")
	}
	releases[2]()
	if handlerOf(zctx) != nil {
		t.Fatal("handler still registered after the last release")
	}
	select {
	case <-h.done:
	default:
		t.Fatal("handler goroutine still running")
	}
	_, ep := memberServer(t, zctx, cluster)
	if ev := dial(t, ep, WithKey(newKey(t), nil).Client); !authtest.Refused(ev) {
		t.Fatalf("restarted handler let an outsider in: %v", ev)
	}
}

// Open makes both helpers no-ops: plain NULL sockets that talk to each
// other, and no handler.
func TestOpenIsANoOp(t *testing.T) {
	srv, ep := memberServer(t, nil, Open())
	if ev := dial(t, ep, Open().Client); ev != zmq.EVENT_HANDSHAKE_SUCCEEDED || !received(srv, handshakeTimeout) {
		t.Fatalf("open link: %v", ev)
	}
	if mech, _ := srv.GetMechanism(); mech != zmq.NULL {
		t.Fatalf("mechanism %v", mech)
	}
	if Open().Secure() || !strings.Contains(Open().String(), "open") || (Cluster{}).Secure() {
		t.Fatal("Open claims to be secure")
	}
}

// Securing a socket after it bound or connected would leave that
// endpoint open: refused.
func TestSecuringTooLateIsAnError(t *testing.T) {
	cluster := WithKey(newKey(t), nil)
	s, _ := zmq.NewSocket(zmq.ROUTER)
	defer s.Close()
	s.SetLinger(0)
	ep, _ := freeport.Endpoint()
	if err := s.Bind(ep); err != nil {
		t.Fatal(err)
	}
	if release, err := cluster.Server(s); err == nil {
		release()
		t.Fatal("Server after Bind succeeded")
	}
	c, _ := zmq.NewSocket(zmq.DEALER)
	defer c.Close()
	c.SetLinger(0)
	c.Connect(ep)
	if err := cluster.Client(c); err == nil {
		t.Fatal("Client after Connect succeeded")
	}
}

// syncBuffer is a log destination shared with the handler's goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A flood of bad handshakes logs at most refusalBurst lines, each naming
// the client's key.
func TestRefusalsAreLoggedWithinBounds(t *testing.T) {
	var logs syncBuffer
	k, other := newKey(t), newKey(t)
	_, ep := memberServer(t, nil, WithKey(k, slog.New(slog.NewTextHandler(&logs, nil))))
	for range refusalBurst + 5 {
		if ev := dial(t, ep, curveClient(other.Public, other.Secret, k.Public)); ev != zmq.EVENT_HANDSHAKE_FAILED_AUTH {
			t.Fatalf("outsider's handshake %v", ev)
		}
	}
	lines := strings.Count(logs.String(), "refused a connection")
	if lines != refusalBurst || !strings.Contains(logs.String(), other.Public) {
		t.Fatalf("%d refusal lines for %d refusals, want %d:\n%s", lines, refusalBurst+5, refusalBurst, logs.String())
	}
}
