package attack_test

import (
	"fmt"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/auth"
	"zchat/internal/testcluster"
	"zchat/internal/wire"
)

// forgedMark is in every text an attacker tries to plant; no honest
// client may ever read it.
const forgedMark = "FORGED-BY-OUTSIDER"

// silence is how long an attacker waits for an answer that must not come.
// A member's request is answered within milliseconds; the outsider's
// handshake fails at once, so nothing can come later.
const silence = 700 * time.Millisecond

// outsider is how an attacker connects to a member port: with no security
// at all, or as a CURVE client with a key of its own (the cluster's
// public key is no secret).
type outsider struct {
	name   string
	secure func(*zmq.Socket) error
}

func outsiders(t *testing.T, u *upCluster) []outsider {
	t.Helper()
	key, _ := u.member(t).Key()
	own, err := auth.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return []outsider{
		{"no key", func(*zmq.Socket) error { return nil }},
		{"a key of its own", func(s *zmq.Socket) error { return s.ClientAuthCurve(key.Public, own.Public, own.Secret) }},
	}
}

// socket is an attacker's socket of type kind connected to ep.
func (o outsider) socket(t *testing.T, kind zmq.Type, ep string) *zmq.Socket {
	t.Helper()
	s, err := zmq.NewSocket(kind)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	s.SetLinger(0)
	if err := o.secure(s); err != nil {
		t.Fatal(err)
	}
	if err := s.Connect(ep); err != nil {
		t.Fatal(err)
	}
	return s
}

// probe is one request an attacker sends to one endpoint.
type probe struct {
	ep    string
	frame []byte
}

// expectNoReply sends every probe as the outsider and fails if anything
// comes back: a member port must not even let the request in. The probes
// go out together and share one wait.
func (o outsider) expectNoReply(t *testing.T, probes ...probe) {
	t.Helper()
	poller := zmq.NewPoller()
	sockets := map[*zmq.Socket]string{}
	for _, p := range probes {
		s := o.socket(t, zmq.DEALER, p.ep)
		s.SendMessageDontwait("", p.frame)
		poller.Add(s, zmq.POLLIN)
		sockets[s] = p.ep
	}
	for deadline := time.Now().Add(silence); time.Now().Before(deadline); {
		polled, _ := poller.Poll(time.Until(deadline))
		for _, p := range polled {
			reply, _ := p.Socket.RecvMessage(zmq.DONTWAIT)
			t.Errorf("outsider with %s got an answer from %s: %q", o.name, sockets[p.Socket], reply)
			poller.RemoveBySocket(p.Socket) // one report per socket is enough
		}
		if len(polled) == 0 {
			return
		}
	}
}

// request is a request envelope in MessagePack, as any client sends it.
func request(t *testing.T, service string, data map[string]any) []byte {
	t.Helper()
	if data == nil {
		data = map[string]any{}
	}
	b, err := wire.Encode(wire.MsgPack, service, data, 1, float64(time.Now().UnixNano())/1e9)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// members asks the reference, as a member, for the servers it lists.
func (u *upCluster) members(t *testing.T) map[string]string {
	t.Helper()
	m, err := testcluster.AskWith(u.member(t), u.ep(offReference), "list", nil, 2*time.Second)
	if err != nil {
		t.Fatalf("reference list: %v", err)
	}
	out := map[string]string{}
	list, _ := m.Data["list"].([]any)
	for _, item := range list {
		entry, _ := wire.AsMap(item)
		name, _ := wire.AsString(entry["name"])
		addr, _ := wire.AsString(entry["address"])
		out[name] = addr
	}
	return out
}

// peerPorts are the servers' peer endpoints, by server name.
func (u *upCluster) peerPorts(t *testing.T) map[string]string {
	t.Helper()
	peers := u.members(t)
	if len(peers) != 3 {
		t.Fatalf("the reference lists %v, want three servers", peers)
	}
	return peers
}

// origins are the servers' own log origins, read from status.
func (u *upCluster) origins(t *testing.T) map[string]string {
	t.Helper()
	statuses, err := u.statuses(3, 3*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for name, s := range statuses {
		out[name], _ = s.OptString("origin")
	}
	return out
}

func forgedEvent(origin string, seq int, kind int, user, target, text string) []any {
	return []any{origin, seq, seq, float64(time.Now().Unix()), kind, user, target, text, fmt.Sprint("forged-", seq)}
}
