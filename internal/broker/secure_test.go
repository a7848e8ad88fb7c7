package broker

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/auth"
	"zchat/internal/auth/authtest"
	"zchat/internal/metrics"
	"zchat/internal/wire"
)

// secureBroker runs a broker of the tests' cluster with both frontends.
func secureBroker(t *testing.T, limits Limits) (front, secure, back string, ep *metrics.Endpoint) {
	t.Helper()
	front, secure, back, ep = freeEndpoint(t), freeEndpoint(t), freeEndpoint(t), metrics.New()
	runBroker(t, Config{Frontend: front, SecureFrontend: secure, Backend: back, Limits: limits, Metrics: ep, Cluster: members})
	return front, secure, back, ep
}

func runBroker(t *testing.T, cfg Config) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, cfg) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
}

// tagReply is what the tag worker answers: the tag it was given and the
// frames between the tag and the body, then the request's body.
func tagReply(frames [][]byte) []byte {
	last := len(frames) - 1
	return fmt.Appendf(nil, "tag=%q frames=%d body=%s", frames[0], len(frames), frames[last])
}

// startTagWorker is a server on back that answers every request with
// tagReply, returning the envelope untouched as servers do.
func startTagWorker(t *testing.T, back string) {
	t.Helper()
	s := memberDealer(t, back)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		defer s.Close()
		for ctx.Err() == nil {
			frames, err := s.RecvMessageBytes(0)
			if err != nil {
				continue
			}
			frames[len(frames)-1] = tagReply(frames)
			s.SendMessage(frames)
		}
	})
	t.Cleanup(func() { cancel(); wg.Wait() })
}

// memberDealer is a DEALER connected to back as a member, owned by the
// caller (who closes it).
func memberDealer(t *testing.T, back string) *zmq.Socket {
	t.Helper()
	s, err := zmq.NewSocket(zmq.DEALER)
	if err != nil {
		t.Fatal(err)
	}
	s.SetLinger(0)
	s.SetRcvtimeo(50 * time.Millisecond)
	if err := members.Client(s); err != nil {
		t.Fatal(err)
	}
	if err := s.Connect(back); err != nil {
		t.Fatal(err)
	}
	return s
}

func newUser(t *testing.T) auth.Key {
	t.Helper()
	k, err := auth.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// dialUser connects a socket of type typ to the secure frontend as user.
func dialUser(t *testing.T, typ zmq.Type, secure string, user auth.Key) *zmq.Socket {
	t.Helper()
	s, err := zmq.NewSocket(typ)
	if err != nil {
		t.Fatal(err)
	}
	s.SetLinger(0)
	s.SetRcvtimeo(5 * time.Second)
	if err := auth.UserClient(s, user, auth.AccessKey(clusterKey).Public); err != nil {
		t.Fatal(err)
	}
	if err := s.Connect(secure); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// roundTrip sends body on a REQ and returns the reply.
func roundTrip(t *testing.T, req *zmq.Socket, body string) string {
	t.Helper()
	if _, err := req.Send(body, 0); err != nil {
		t.Fatal(err)
	}
	reply, err := req.Recv(0)
	if err != nil {
		t.Fatalf("no reply to %q: %v", body, err)
	}
	return reply
}

// The server sees, as frame 0, the key of a client of the secure
// frontend (any key, as many as there are users) and the empty frame for
// a client of the open one; each reply goes back to its own frontend, and
// the client gets the envelope it sent, without the tag.
func TestTagNamesTheFrontendAndTheUser(t *testing.T) {
	front, secure, back, _ := secureBroker(t, Limits{})
	startTagWorker(t, back)
	ana, bob := newUser(t), newUser(t)
	anaReq, bobReq := dialUser(t, zmq.REQ, secure, ana), dialUser(t, zmq.REQ, secure, bob)
	open := dial(t, zmq.REQ, front)
	// Both ROUTERs number their connections alike, so the first client of
	// each has the same routing id: only the tag can tell their replies
	// apart.
	for i := range 5 {
		want := func(tag string) string { return fmt.Sprintf("tag=%q frames=4 body=%d", tag, i) }
		if got := roundTrip(t, open, fmt.Sprint(i)); got != want(string(openTag)) {
			t.Fatalf("open client: %s, want %s", got, want(string(openTag)))
		}
		if got := roundTrip(t, anaReq, fmt.Sprint(i)); got != want(ana.Public) {
			t.Fatalf("ana: %s, want %s", got, want(ana.Public))
		}
		if got := roundTrip(t, bobReq, fmt.Sprint(i)); got != want(bob.Public) {
			t.Fatalf("bob: %s, want %s", got, want(bob.Public))
		}
	}
}

// A client cannot forge the tag: whatever frames it sends come after the
// one the broker builds, on either frontend.
func TestClientsCannotForgeTheTag(t *testing.T) {
	front, secure, back, _ := secureBroker(t, Limits{})
	startTagWorker(t, back)
	victim, mallory := newUser(t), newUser(t)
	for _, c := range []struct {
		name string
		sock *zmq.Socket
		tag  string
	}{
		{"open", dial(t, zmq.DEALER, front), string(openTag)},
		{"secure", dialUser(t, zmq.DEALER, secure, mallory), mallory.Public},
	} {
		t.Run(c.name, func(t *testing.T) {
			// A DEALER's frames reach the ROUTER as they are: the victim's
			// key first, as if it were the tag.
			if _, err := c.sock.SendMessage(victim.Public, "", "forged"); err != nil {
				t.Fatal(err)
			}
			frames, err := c.sock.RecvMessageBytes(0)
			if err != nil {
				t.Fatal(err)
			}
			want := fmt.Sprintf("tag=%q frames=5 body=forged", c.tag)
			if len(frames) != 3 || string(frames[0]) != victim.Public || string(frames[2]) != want {
				t.Fatalf("reply %q: want [the forged frame, \"\", %s]", frames, want)
			}
		})
	}
}

// A client without CURVE (NULL: any standard client) is refused at the
// secure frontend, and its request never reaches a server.
func TestSecureFrontendRefusesNullClients(t *testing.T) {
	_, secure, back, _ := secureBroker(t, Limits{})
	server := memberDealer(t, back)
	defer server.Close()
	s, err := zmq.NewSocket(zmq.DEALER)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.SetLinger(0)
	wait := authtest.Watch(t, s)
	if err := s.Connect(secure); err != nil {
		t.Fatal(err)
	}
	s.SendMessage("", "hello")
	if ev := wait(5 * time.Second); !authtest.Refused(ev) {
		t.Fatalf("NULL client's handshake: %v", ev)
	}
	server.SetRcvtimeo(200 * time.Millisecond)
	if frames, err := server.RecvMessageBytes(0); err == nil {
		t.Fatalf("the server received a NULL client's request: %q", frames)
	}
}

// One key gets its rate however many connections it opens: the second
// connection of a user who spent the burst is refused, on the frontend it
// came through, while another user and open clients are served.
func TestRateIsPerUserAcrossConnections(t *testing.T) {
	front, secure, back, ep := secureBroker(t, Limits{RatePerSecond: 0.1, Burst: 2})
	startRecorder(t, back, members)
	ana, bob := newUser(t), newUser(t)
	first, second := dialUser(t, zmq.REQ, secure, ana), dialUser(t, zmq.REQ, secure, ana)
	for i := range 2 {
		if got := roundTrip(t, first, string(request(t, wire.MsgPack, fmt.Sprint(i)))); !strings.HasPrefix(got, "served:") {
			t.Fatalf("ana's request %d within the burst: %q", i, got)
		}
	}
	mustRefuse(t, []byte(roundTrip(t, second, string(request(t, wire.MsgPack, "more")))), wire.MsgPack, "rate limited, retry after ")
	if got := roundTrip(t, dialUser(t, zmq.REQ, secure, bob), string(request(t, wire.MsgPack, "bob"))); !strings.HasPrefix(got, "served:") {
		t.Fatalf("bob after ana's burst: %q", got)
	}
	if got := roundTrip(t, dial(t, zmq.REQ, front), string(request(t, wire.MsgPack, "open"))); !strings.HasPrefix(got, "served:") {
		t.Fatalf("an open client after ana's burst: %q", got)
	}
	if n := refused(t, ep, "rate_limited"); n != 1 {
		t.Errorf("rate_limited refusals %v, want 1", n)
	}
}

// The per-connection limit holds on the secure frontend as on the open
// one, and a refusal there goes back on the secure frontend.
func TestRateIsPerConnectionOnBothFrontends(t *testing.T) {
	front, secure, back, _ := secureBroker(t, Limits{RatePerSecond: 0.1, Burst: 1})
	startRecorder(t, back, members)
	for name, req := range map[string]*zmq.Socket{"open": dial(t, zmq.REQ, front), "secure": dialUser(t, zmq.REQ, secure, newUser(t))} {
		if got := roundTrip(t, req, string(request(t, wire.JSON, "1"))); !strings.HasPrefix(got, "served:") {
			t.Fatalf("%s: first request %q", name, got)
		}
		mustRefuse(t, []byte(roundTrip(t, req, string(request(t, wire.JSON, "2")))), wire.JSON, "rate limited, retry after ")
	}
}

// A reply whose tag names no frontend (a server that does not return the
// envelope untouched) is dropped and counted; the next good one is
// delivered.
func TestReplyWithoutTagIsDropped(t *testing.T) {
	front, _, back, ep := secureBroker(t, Limits{})
	server := memberDealer(t, back)
	defer server.Close()
	server.SetRcvtimeo(5 * time.Second)
	client := dial(t, zmq.DEALER, front)
	client.SetRcvtimeo(300 * time.Millisecond)
	client.SendMessage("", "hi")
	frames, err := server.RecvMessageBytes(0)
	if err != nil || len(frames) != 4 || string(frames[0]) != string(openTag) {
		t.Fatalf("request at the server: %q, %v", frames, err)
	}
	for _, bad := range [][][]byte{
		frames[1:],                        // tag stripped: the routing id is taken for one
		append([][]byte{{}}, frames...),   // an empty tag
		{[]byte{}, []byte("only a body")}, // no routing id
	} {
		server.SendMessage(bad)
	}
	frames[3] = []byte("good")
	server.SendMessage(frames)
	reply, err := client.RecvMessageBytes(0)
	if err != nil || len(reply) != 2 || string(reply[1]) != "good" {
		t.Fatalf("client got %q, %v: want only the good reply", reply, err)
	}
	gathered, _ := ep.Registry.Gather()
	for _, f := range gathered {
		if f.GetName() == "zchat_broker_dropped_replies_total" {
			if n := f.GetMetric()[0].GetCounter().GetValue(); n != 3 {
				t.Errorf("dropped replies %v, want 3", n)
			}
			return
		}
	}
	t.Error("no zchat_broker_dropped_replies_total")
}

// Without the cluster key there is no access key: the broker runs with
// its open frontend alone, says so, and leaves the secure port unbound.
func TestOpenClusterRunsWithoutSecureFrontend(t *testing.T) {
	front, secure, back := freeEndpoint(t), freeEndpoint(t), freeEndpoint(t)
	var logs syncBuffer
	runBroker(t, Config{Frontend: front, SecureFrontend: secure, Backend: back,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { runWorker(ctx, back, "w", auth.Open()) }) // an open cluster's member has no key
	defer func() { cancel(); wg.Wait() }()
	c := &client{t: t, endpoint: front}
	defer c.close()
	if got := c.who(1); got != "w" {
		t.Fatalf("answered by %q", got)
	}
	if conn, err := net.DialTimeout("tcp", strings.TrimPrefix(secure, "tcp://"), time.Second); err == nil {
		conn.Close()
		t.Fatal("the secure frontend is bound in an open cluster")
	}
	if !strings.Contains(logs.String(), "accounts are off") {
		t.Errorf("no warning in the log:\n%s", logs.String())
	}
}

// syncBuffer is a log destination shared with the broker's goroutine.
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

// A REP server behind the broker (other implementations' servers in a
// mixed cluster use one) answers clients of both frontends: it returns
// every frame up to the first empty one with its reply, tag included.
func TestREPServerBehindTheBroker(t *testing.T) {
	front, secure, back, _ := secureBroker(t, Limits{})
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		rep, err := zmq.NewSocket(zmq.REP)
		if err != nil {
			t.Error(err)
			return
		}
		defer rep.Close()
		rep.SetLinger(0)
		rep.SetRcvtimeo(50 * time.Millisecond)
		members.Client(rep)
		rep.Connect(back)
		for ctx.Err() == nil {
			if body, err := rep.Recv(0); err == nil {
				rep.Send("rep:"+body, 0)
			}
		}
	})
	defer func() { cancel(); wg.Wait() }()
	for name, req := range map[string]*zmq.Socket{"open": dial(t, zmq.REQ, front), "secure": dialUser(t, zmq.REQ, secure, newUser(t))} {
		if got := roundTrip(t, req, name); got != "rep:"+name {
			t.Errorf("%s client: %q", name, got)
		}
	}
}
