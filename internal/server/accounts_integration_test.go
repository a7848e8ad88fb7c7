package server_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"
	"github.com/vmihailenco/msgpack/v5"

	"zchat/internal/auth"
	"zchat/internal/cluster"
	"zchat/internal/freeport"
	"zchat/internal/testcluster"
	"zchat/internal/wire"
)

// fakeBroker plays the broker's backend for one server process: a DEALER
// bound as a member port of the cluster, which sends requests in the
// broker's envelope [tag, routing id, "", body] and reads the replies.
type fakeBroker struct {
	t        *testing.T
	endpoint string
	sock     *zmq.Socket
	next     int
}

func startFakeBroker(t *testing.T, c *testcluster.Cluster) *fakeBroker {
	t.Helper()
	b := &fakeBroker{t: t, endpoint: freeEndpoint(t)}
	b.sock = memberSocket(t, c, zmq.DEALER, b.endpoint)
	b.sock.SetRcvtimeo(500 * time.Millisecond)
	return b
}

// memberSocket binds a socket that only the cluster's members may join.
func memberSocket(t *testing.T, c *testcluster.Cluster, typ zmq.Type, endpoint string) *zmq.Socket {
	t.Helper()
	s, err := zmq.NewSocket(typ)
	if err != nil {
		t.Fatal(err)
	}
	s.SetLinger(0)
	release, err := c.Membership().Server(s)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Bind(endpoint); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(); release() })
	return s
}

func freeEndpoint(t *testing.T) string {
	t.Helper()
	ep, err := freeport.Endpoint()
	if err != nil {
		t.Fatal(err)
	}
	return ep
}

// ask sends one request with tag in frame 0 and returns the reply, or
// false if none came in time. A reply to an earlier request that timed
// out is skipped by its routing id.
func (b *fakeBroker) ask(tag []byte, service string, data map[string]any) (wire.Message, bool) {
	b.t.Helper()
	b.next++
	id := fmt.Appendf(nil, "client-%d", b.next)
	data["timestamp"], data["clock"] = float64(time.Now().UnixNano())/1e9, 1
	body, err := msgpack.Marshal(map[string]any{"service": service, "data": data})
	if err != nil {
		b.t.Fatal(err)
	}
	if _, err := b.sock.SendMessage(tag, id, "", body); err != nil {
		b.t.Fatal(err)
	}
	for {
		frames, err := b.sock.RecvMessageBytes(0)
		if err != nil {
			return wire.Message{}, false
		}
		if len(frames) != 4 || !bytes.Equal(frames[1], id) {
			continue
		}
		if !bytes.Equal(frames[0], tag) || len(frames[2]) != 0 {
			b.t.Fatalf("reply envelope %q, want [%q %q \"\"]", frames[:3], tag, id)
		}
		m, err := wire.Decode(frames[3], 0)
		if err != nil {
			b.t.Fatalf("reply does not decode: %v", err)
		}
		return m, true
	}
}

// must asks and fails the test without a reply.
func (b *fakeBroker) must(tag []byte, service string, data map[string]any) wire.Message {
	b.t.Helper()
	m, ok := b.ask(tag, service, data)
	if !ok {
		b.t.Fatalf("no reply to %s %v", service, data)
	}
	return m
}

// waitServing asks until the server answers.
func (b *fakeBroker) waitServing() {
	b.t.Helper()
	deadline := time.Now().Add(testcluster.ReadyTimeout)
	for time.Now().Before(deadline) {
		if _, ok := b.ask(nil, "users", map[string]any{}); ok {
			return
		}
	}
	b.t.Fatal("the server never answered the fake broker")
}

// serverProcess runs `zchat server` against the fake broker and a fake
// proxy, with the cluster's reference.
type serverProcess struct {
	t    *testing.T
	args []string
	log  string
	proc *cluster.Proc
}

func startServerProcess(t *testing.T, c *testcluster.Cluster, broker, proxy string) *serverProcess {
	t.Helper()
	dir := t.TempDir()
	peer := freeEndpoint(t)
	args := append([]string{"--log-level=debug", "server", "--name", "s1", "--data", filepath.Join(dir, "data"),
		"--broker", broker, "--proxy", proxy, "--proxy-sub", c.XPub(), "--reference", c.Reference(),
		"--peer-bind", peer, "--advertise", peer}, c.MemberArgs()...)
	p := &serverProcess{t: t, args: args, log: filepath.Join(dir, "server.log")}
	p.start()
	t.Cleanup(func() {
		p.proc.Stop(10 * time.Second)
		if t.Failed() {
			b, _ := os.ReadFile(p.log)
			t.Logf("server log:\n%s", b)
		}
	})
	return p
}

func (p *serverProcess) start() {
	p.t.Helper()
	f, err := os.OpenFile(p.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		p.t.Fatal(err)
	}
	defer f.Close()
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "ZCHAT_") })
	if p.proc, err = cluster.Start(cluster.Spec{Name: "s1", Path: testcluster.Binary(p.t), Args: p.args, Env: env}, f); err != nil {
		p.t.Fatal(err)
	}
}

func (p *serverProcess) restart() {
	p.t.Helper()
	if err := p.proc.Stop(10 * time.Second); err != nil {
		p.t.Logf("stop: %v", err)
	}
	p.start()
}

// publicationsUntil reads what the server published, by topic, up to the
// first publication on topic last (a server publishes in the order it
// accepts), which it leaves out.
func publicationsUntil(t *testing.T, s *zmq.Socket, last string) map[string][]map[string]any {
	t.Helper()
	got := map[string][]map[string]any{}
	s.SetRcvtimeo(time.Second)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		frames, err := s.RecvMessageBytes(0)
		if err != nil {
			continue
		}
		var payload map[string]any
		if len(frames) != 2 || msgpack.Unmarshal(frames[1], &payload) != nil {
			t.Fatalf("publication %q", frames)
		}
		if string(frames[0]) == last {
			return got
		}
		got[string(frames[0])] = append(got[string(frames[0])], payload)
	}
	t.Fatalf("no publication on %q within 10 s (got %v)", last, got)
	return nil
}

// A real server process behind a broker that tags requests: the tag
// frame names the caller's key, claims persist across a restart, private
// messages to a claimed name go to its owner's private topic, and any
// tag that is not a valid key counts as open.
func TestAccountsThroughAServerProcess(t *testing.T) {
	c := testcluster.Start(t, testcluster.Options{})
	broker := startFakeBroker(t, c)
	proxyEP := freeEndpoint(t)
	proxy := memberSocket(t, c, zmq.SUB, proxyEP)
	for _, topic := range []string{wire.PrivatePrefix, "bob", "amy", "servers"} {
		proxy.SetSubscribe(topic)
	}
	srv := startServerProcess(t, c, broker.endpoint, proxyEP)
	broker.waitServing()
	// The coordinator's announcement shows the server's PUB connected and
	// our subscriptions applied: from now on nothing published is lost.
	publicationsUntil(t, proxy, "servers")

	bobKey, err := auth.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	bob, eve, open := []byte(bobKey.Public), []byte(strings.Repeat("e", 40)), []byte{}
	user := func(u string) map[string]any { return map[string]any{"user": u} }
	expect(t, broker.must(open, "login", user("amy")), "sucesso")
	login := broker.must(bob, "login", user("bob"))
	if expect(t, login, "sucesso"); login.Data["claimed"] != true {
		t.Fatalf("first login with a key: %v, want claimed: true", login.Data)
	}
	refusals := []struct {
		tag  []byte
		text string
	}{
		{open, "name 'bob' is claimed: log in with its key (zchat login)"},
		{eve, "name 'bob' is claimed by another key"},
		{bob[:39], "name 'bob' is claimed: log in with its key (zchat login)"},
		{append([]byte(strings.Repeat("~", 39)), '~'), "name 'bob' is claimed: log in with its key (zchat login)"},
	}
	checkRefusals := func(when string) {
		for _, r := range refusals {
			m := broker.must(r.tag, "login", user("bob"))
			if d, _ := m.OptString("description"); status(m) != "erro" || d != r.text {
				t.Errorf("%s: login as bob with tag %q: %v, want erro %q", when, r.tag, m.Data, r.text)
			}
		}
	}
	checkRefusals("after the claim")

	expect(t, broker.must(open, "message", map[string]any{"src": "amy", "dst": "bob", "message": "to bob"}), "OK")
	expect(t, broker.must(bob, "message", map[string]any{"src": "bob", "dst": "amy", "message": "to amy"}), "OK")
	got := publicationsUntil(t, proxy, "amy")
	private := got[wire.PrivateTopic(bobKey.Public)]
	switch {
	case len(private) != 1 || private[0]["dst"] != "bob" || private[0]["message"] != "to bob":
		t.Errorf("on bob's private topic: %v, want the message to bob", private)
	case len(got["bob"]) != 0:
		t.Errorf("on topic bob: %v, want nothing (bob is claimed)", got["bob"])
	}

	srv.restart()
	broker.waitServing()
	checkRefusals("after a restart")
	again := broker.must(bob, "login", user("bob"))
	if expect(t, again, "sucesso"); again.Data["claimed"] != nil {
		t.Errorf("login of the owner after a restart: %v, want no new claim", again.Data)
	}
	h := broker.must(open, "history", user("bob"))
	expect(t, h, "erro")
	h = broker.must(bob, "history", user("bob"))
	if msgs, _ := h.Data["messages"].([]any); status(h) != "OK" || len(msgs) != 2 {
		t.Errorf("bob's own history: %v, want his 2 messages", h.Data)
	}
	k := broker.must(open, "auth_key", map[string]any{})
	if k.Data["key"] != auth.AccessKey(c.ClusterKey()).Public {
		t.Errorf("auth_key: %v, want the cluster's access public key", k.Data)
	}
}
