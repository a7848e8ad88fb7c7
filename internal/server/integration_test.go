package server_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"
	"github.com/vmihailenco/msgpack/v5"

	"zchat/internal/testcluster"
	"zchat/internal/wire"
)

// reqClient is a plain REQ client, the simplest third-party client there is.
type reqClient struct {
	t    *testing.T
	sock *zmq.Socket
}

func dialREQ(t *testing.T, endpoint string) *reqClient {
	t.Helper()
	s, err := zmq.NewSocket(zmq.REQ)
	if err != nil {
		t.Fatal(err)
	}
	s.SetLinger(0)
	s.SetRcvtimeo(5 * time.Second)
	if err := s.Connect(endpoint); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return &reqClient{t: t, sock: s}
}

func (c *reqClient) raw(frame []byte) wire.Message {
	c.t.Helper()
	if _, err := c.sock.SendBytes(frame, 0); err != nil {
		c.t.Fatal(err)
	}
	reply, err := c.sock.RecvBytes(0)
	if err != nil {
		c.t.Fatalf("no reply: %v", err)
	}
	m, err := wire.Decode(reply, 0)
	if err != nil {
		c.t.Fatalf("reply does not decode: %v", err)
	}
	return m
}

func (c *reqClient) call(service string, data map[string]any) wire.Message {
	c.t.Helper()
	data["timestamp"] = float64(time.Now().UnixNano()) / 1e9
	data["clock"] = 1
	frame, err := msgpack.Marshal(map[string]any{"service": service, "data": data})
	if err != nil {
		c.t.Fatal(err)
	}
	return c.raw(frame)
}

func status(m wire.Message) string { s, _ := m.OptString("status"); return s }

func expect(t *testing.T, m wire.Message, want string) {
	t.Helper()
	if got := status(m); got != want {
		t.Fatalf("%s: status %q, want %q (data %v)", m.Service, got, want, m.Data)
	}
}

// subscriber receives publications on a SUB socket.
func subscriber(t *testing.T, endpoint string, topics ...string) *zmq.Socket {
	t.Helper()
	s, err := zmq.NewSocket(zmq.SUB)
	if err != nil {
		t.Fatal(err)
	}
	s.SetLinger(0)
	s.SetRcvtimeo(200 * time.Millisecond)
	for _, topic := range topics {
		s.SetSubscribe(topic)
	}
	if err := s.Connect(endpoint); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// receiveFor collects publications until nothing arrives for quiet.
func receiveFor(s *zmq.Socket, quiet time.Duration) [][][]byte {
	var got [][][]byte
	last := time.Now()
	for time.Since(last) < quiet {
		frames, err := s.RecvMessageBytes(0)
		if err == nil {
			got = append(got, frames)
			last = time.Now()
		}
	}
	return got
}

// subscribed waits until a publication on topic reaches s, publishing probes
// through c, because a subscription travels to the servers asynchronously.
func subscribed(t *testing.T, c *reqClient, s *zmq.Socket, user, channel string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		c.call("publish", map[string]any{"user": user, "channel": channel, "message": "probe"})
		if frames, err := s.RecvMessageBytes(0); err == nil && string(frames[0]) == channel {
			receiveFor(s, 300*time.Millisecond)
			return
		}
	}
	t.Fatal("subscription never became effective")
}

func TestStandardServicesThroughBroker(t *testing.T) {
	c := testcluster.Start(t, testcluster.Options{Servers: 3})
	req := dialREQ(t, c.Frontend())
	servers := map[string]bool{}
	note := func(m wire.Message) wire.Message { servers[fmt.Sprint(m.Data["server"])] = true; return m }

	expect(t, note(req.call("login", map[string]any{"user": "ana"})), "sucesso")
	expect(t, note(req.call("login", map[string]any{"user": "bob"})), "sucesso")
	expect(t, note(req.call("login", map[string]any{"user": "ana"})), "sucesso")
	users := note(req.call("users", map[string]any{}))
	if fmt.Sprint(users.Data["users"]) != "[ana bob]" {
		t.Fatalf("users: %v", users.Data["users"])
	}
	expect(t, note(req.call("channel", map[string]any{"channel": "geral"})), "sucesso")
	dup := note(req.call("channel", map[string]any{"channel": "geral"}))
	expect(t, dup, "erro")
	if d, _ := dup.OptString("description"); !strings.Contains(d, "exists") {
		t.Fatalf("duplicate channel description %q", d)
	}
	chans := note(req.call("channels", map[string]any{}))
	if fmt.Sprint(chans.Data["channels"]) != "[geral]" || fmt.Sprint(chans.Data["users"]) != "[geral]" {
		t.Fatalf("channels: %v", chans.Data)
	}
	if len(servers) < 3 {
		t.Errorf("round-robin reached only %v", servers)
	}
	checkErrors(t, req)
	checkPublications(t, c, req)
}

func checkErrors(t *testing.T, req *reqClient) {
	cases := []struct {
		service string
		data    map[string]any
		field   string
	}{
		{"publish", map[string]any{"user": "ana", "channel": "nope", "message": "x"}, "message"},
		{"message", map[string]any{"src": "ana", "dst": "nobody", "message": "x"}, "message"},
		{"login", map[string]any{"user": "has space"}, "description"},
		{"login", map[string]any{"user": 12}, "description"},
		{"publish", map[string]any{"user": "ana"}, "description"},
		{"bogus", map[string]any{}, "description"},
	}
	for _, tc := range cases {
		m := req.call(tc.service, tc.data)
		expect(t, m, "erro")
		if text, _ := m.OptString(tc.field); text == "" {
			t.Errorf("%s %v: erro without %s", tc.service, tc.data, tc.field)
		}
	}
	expect(t, req.raw([]byte{0xc1, 0x00, 0xff}), "erro")
}

func checkPublications(t *testing.T, c *testcluster.Cluster, req *reqClient) {
	expect(t, req.call("channel", map[string]any{"channel": "geral2"}), "sucesso")
	sub := subscriber(t, c.XPub(), "geral", "bob")
	subscribed(t, req, sub, "ana", "geral")
	post := req.call("publish", map[string]any{"user": "ana", "channel": "geral", "message": "olá"})
	expect(t, post, "OK")
	expect(t, req.call("publish", map[string]any{"user": "ana", "channel": "geral2", "message": "other"}), "OK")
	expect(t, req.call("message", map[string]any{"src": "ana", "dst": "bob", "message": "psst"}), "OK")
	got := receiveFor(sub, time.Second)
	var posts, privates int
	for _, frames := range got {
		if len(frames) != 2 {
			t.Fatalf("publication with %d frames", len(frames))
		}
		p, err := wire.DecodePublication(frames[1])
		if err != nil {
			t.Fatal(err)
		}
		switch string(frames[0]) {
		case "geral":
			posts++
			if p.Data["user"] != "ana" || p.Data["message"] != "olá" || p.Data["id"] != post.Data["id"] || p.Data["clock"] == nil || p.Data["timestamp"] == nil {
				t.Errorf("post payload %v", p.Data)
			}
		case "bob":
			privates++
			if p.Data["src"] != "ana" || p.Data["dst"] != "bob" || p.Data["message"] != "psst" {
				t.Errorf("private payload %v", p.Data)
			}
		case "geral2":
			// ZeroMQ subscriptions match prefixes; exact filtering is the
			// client's job (internal/client), the topic frame is exact.
		default:
			t.Errorf("unexpected topic %q", frames[0])
		}
	}
	if posts != 1 || privates != 1 {
		t.Fatalf("received %d posts and %d private messages, want exactly 1 each", posts, privates)
	}
}

func TestGarbageThenValidRequestOnNewSocket(t *testing.T) {
	c := testcluster.Start(t, testcluster.Options{Servers: 1})
	for _, garbage := range [][]byte{{}, []byte("\x93\x01"), []byte("{oops"), []byte("plain text")} {
		expect(t, dialREQ(t, c.Frontend()).raw(garbage), "erro")
	}
	expect(t, dialREQ(t, c.Frontend()).call("login", map[string]any{"user": "ana"}), "sucesso")
}

func TestRestartAfterKillLosesNothing(t *testing.T) {
	c := testcluster.Start(t, testcluster.Options{Servers: 1})
	req := dialREQ(t, c.Frontend())
	expect(t, req.call("login", map[string]any{"user": "ana"}), "sucesso")
	expect(t, req.call("channel", map[string]any{"channel": "geral"}), "sucesso")
	for i := range 50 {
		expect(t, req.call("publish", map[string]any{"user": "ana", "channel": "geral", "message": fmt.Sprint(i)}), "OK")
	}
	c.Kill("s1")
	c.Restart("s1")
	req = dialREQ(t, c.Frontend())
	h := req.call("history", map[string]any{"channel": "geral", "limit": 1000})
	expect(t, h, "OK")
	msgs, _ := h.Data["messages"].([]any)
	if len(msgs) != 50 {
		t.Fatalf("after kill -9 and restart: %d posts, want 50", len(msgs))
	}
	for i, m := range msgs {
		if m.(map[string]any)["message"] != fmt.Sprint(i) {
			t.Fatalf("post %d is %v", i, m)
		}
	}
	expect(t, req.call("users", map[string]any{}), "OK")
}

// TestLamportClockSurvivesRestart: a restarted server's new events must sort
// after the ones it stored before, so history order stays true.
func TestLamportClockSurvivesRestart(t *testing.T) {
	c := testcluster.Start(t, testcluster.Options{Servers: 1})
	req := dialREQ(t, c.Frontend())
	expect(t, req.call("channel", map[string]any{"channel": "geral"}), "sucesso")
	expect(t, req.call("publish", map[string]any{"user": "ana", "channel": "geral", "message": "before"}), "OK")
	c.Kill("s1")
	c.Restart("s1")
	req = dialREQ(t, c.Frontend())
	expect(t, req.call("publish", map[string]any{"user": "ana", "channel": "geral", "message": "after"}), "OK")
	h := req.call("history", map[string]any{"channel": "geral"})
	msgs, _ := h.Data["messages"].([]any)
	if len(msgs) != 2 || msgs[1].(map[string]any)["message"] != "after" {
		t.Fatalf("history after restart: %v", msgs)
	}
}
