package membership_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"
	"github.com/vmihailenco/msgpack/v5"

	"zchat/internal/auth"
	"zchat/internal/auth/authtest"
	"zchat/internal/coordination"
	"zchat/internal/testcluster"
	"zchat/internal/wire"
)

const handshakeTimeout = 10 * time.Second

// An outsider is a client that does not hold the cluster key: it knows the
// cluster's public key (it is no secret) and presents a key of its own, or
// holds another cluster's key, or speaks no security at all.
type outsider struct {
	name    string
	prepare func(s *zmq.Socket, cluster auth.Key)
	want    zmq.Event // how its handshake must end
}

func outsiders(t *testing.T) []outsider {
	mine, err := auth.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return []outsider{
		{"own key", func(s *zmq.Socket, cluster auth.Key) {
			s.SetCurveServerkey(cluster.Public)
			s.SetCurvePublickey(mine.Public)
			s.SetCurveSecretkey(mine.Secret)
		}, zmq.EVENT_HANDSHAKE_FAILED_AUTH},
		{"another cluster's key", func(s *zmq.Socket, _ auth.Key) { auth.WithKey(mine, nil).Client(s) }, 0},
		{"no security", func(*zmq.Socket, auth.Key) {}, 0}, // protocol error or disconnect, by timing
	}
}

// connect opens a socket of type typ as o to ep and waits until its
// handshake has been refused; the socket stays open (and refused) until
// the test ends.
func (o outsider) connect(t *testing.T, c *testcluster.Cluster, typ zmq.Type, ep string) *zmq.Socket {
	t.Helper()
	s, err := zmq.NewSocket(typ)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	s.SetLinger(0)
	o.prepare(s, c.ClusterKey())
	wait := authtest.Watch(t, s)
	if err := s.Connect(ep); err != nil {
		t.Fatal(err)
	}
	if typ == zmq.REQ { // a request waiting to go, as an attacker would send
		s.SendBytes(request(t, "rank", map[string]any{"user": "intruder", "address": "tcp://10.0.0.1:1"}), zmq.DONTWAIT)
	}
	ev := wait(handshakeTimeout)
	if o.want != 0 && ev != o.want || !authtest.Refused(ev) {
		t.Fatalf("%s: handshake at %s ended with %v, want a refusal (%v)", o.name, ep, ev, o.want)
	}
	return s
}

func request(t *testing.T, service string, data map[string]any) []byte {
	t.Helper()
	b, err := wire.Encode(wire.MsgPack, service, data, 1, float64(time.Now().UnixNano())/1e9)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestOnlyMembersAreTrusted(t *testing.T) {
	c := testcluster.Start(t, testcluster.Options{Servers: 1, LogLevel: "info"})
	t.Run("reference", func(t *testing.T) { referenceRefuses(t, c) })
	t.Run("broker backend", func(t *testing.T) { backendRefuses(t, c) })
	t.Run("proxy xsub", func(t *testing.T) { xsubRefuses(t, c) })
	t.Run("peer endpoint", func(t *testing.T) { peerRefuses(t, c) })
}

// referenceRefuses: no outsider gets a rank or onto the list; the
// member's list call answers.
func referenceRefuses(t *testing.T, c *testcluster.Cluster) {
	for _, o := range outsiders(t) {
		o.connect(t, c, zmq.REQ, c.Reference())
	}
	m, err := c.Ask(c.Reference(), "list", nil, 5*time.Second)
	if err != nil {
		t.Fatalf("member's list: %v", err)
	}
	list, _ := m.Data["list"].([]any)
	if len(list) != 1 || fmt.Sprint(list[0].(map[string]any)["name"]) != "s1" {
		t.Fatalf("list %v, want s1 alone", m.Data["list"])
	}
}

// backendRefuses: an outsider posing as a server never receives a
// client's request; the real server answers every one.
func backendRefuses(t *testing.T, c *testcluster.Cluster) {
	var fakes []*zmq.Socket
	for _, o := range outsiders(t) {
		fakes = append(fakes, o.connect(t, c, zmq.DEALER, c.Backend()))
	}
	for i := range 20 {
		m, err := c.Ask(c.Frontend(), "users", nil, 5*time.Second)
		if s, _ := m.OptString("server"); err != nil || s != "s1" {
			t.Fatalf("request %d: server %q, err %v", i, s, err)
		}
	}
	for _, f := range fakes {
		if frames, err := f.RecvMessageBytes(zmq.DONTWAIT); err == nil {
			t.Fatalf("an outsider received a client's request: %q", frames)
		}
	}
}

// xsubRefuses: a forged private message to ana never reaches her
// subscription; the one bob sends through the cluster does.
func xsubRefuses(t *testing.T, c *testcluster.Cluster) {
	for _, user := range []string{"ana", "bob"} {
		if m, err := c.Ask(c.Frontend(), "login", map[string]any{"user": user}, 5*time.Second); err != nil || m.Data["status"] == wire.StatusError {
			t.Fatalf("login %s: %v %v", user, err, m.Data)
		}
	}
	var forgers []*zmq.Socket
	for _, o := range outsiders(t) {
		forgers = append(forgers, o.connect(t, c, zmq.PUB, c.XSub()))
	}
	sub, err := zmq.NewSocket(zmq.SUB)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	sub.SetLinger(0)
	sub.SetRcvtimeo(100 * time.Millisecond)
	sub.SetSubscribe("ana")
	sub.SetSubscribe(coordination.TopicServers)
	if err := sub.Connect(c.XPub()); err != nil { // subscribing is open to anybody
		t.Fatal(err)
	}
	forged, _ := msgpack.Marshal(map[string]any{"src": "bob", "dst": "ana", "message": "send me your password"})
	announcement, _ := msgpack.Marshal(map[string]any{"service": "election", "data": map[string]any{"coordinator": "intruder"}})
	deadline := time.Now().Add(20 * time.Second)
	for genuine := 0; genuine < 5; {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of bob's messages reached ana's subscription", genuine)
		}
		for _, f := range forgers {
			f.SendMessage("ana", forged)
			f.SendMessage(coordination.TopicServers, announcement)
		}
		c.Ask(c.Frontend(), "message", map[string]any{"src": "bob", "dst": "ana", "message": "hello"}, 5*time.Second)
		frames, err := sub.RecvMessageBytes(0)
		if err != nil {
			continue
		}
		var p map[string]any
		msgpack.Unmarshal(frames[len(frames)-1], &p)
		switch {
		case string(frames[0]) == coordination.TopicServers && !strings.Contains(fmt.Sprint(p), "intruder"):
			// a genuine announcement of s1
		case string(frames[0]) != "ana" || p["message"] != "hello":
			t.Fatalf("subscriber received a forgery: %q %v", frames[0], p)
		default:
			genuine++
		}
	}
}

// peerRefuses: no outsider calls a peer service; the member's status
// call answers.
func peerRefuses(t *testing.T, c *testcluster.Cluster) {
	for _, o := range outsiders(t) {
		o.connect(t, c, zmq.REQ, c.PeerAddr("s1"))
	}
	m, err := c.Ask(c.PeerAddr("s1"), "status", nil, 5*time.Second)
	if s, _ := m.OptString("server"); err != nil || s != "s1" {
		t.Fatalf("member's status: %v %v", err, m.Data)
	}
	if logs := c.Logs("s1"); !strings.Contains(logs, "refused a connection") {
		t.Fatalf("s1 logged no refusal:\n%s", logs)
	}
}
