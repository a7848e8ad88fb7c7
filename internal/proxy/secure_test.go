package proxy

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"slices"
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

// testProxy is a running proxy with both XPUBs and a member publishing
// on its XSUB.
type testProxy struct {
	xpub, secure string
	access       auth.Key
	pub          *zmq.Socket
	ep           *metrics.Endpoint
}

func startSecureProxy(t *testing.T) *testProxy {
	t.Helper()
	key, members := newMembers(t)
	p := &testProxy{xpub: freeEndpoint(t), secure: freeEndpoint(t), access: auth.AccessKey(key), ep: metrics.New()}
	xsub := freeEndpoint(t)
	runProxy(t, Config{XSub: xsub, XPub: p.xpub, SecureXPub: p.secure, Metrics: p.ep, Cluster: members})
	p.pub = socket(t, zmq.PUB, xsub, members)
	return p
}

func runProxy(t *testing.T, cfg Config) {
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

func newUser(t *testing.T) auth.Key {
	t.Helper()
	k, err := auth.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// subscriber connects a SUB to the secure XPUB as user, subscribed to
// topics in order.
func (p *testProxy) subscriber(t *testing.T, user auth.Key, topics ...string) *zmq.Socket {
	t.Helper()
	s, err := zmq.NewSocket(zmq.SUB)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	s.SetLinger(0)
	if err := auth.UserClient(s, user, p.access.Public); err != nil {
		t.Fatal(err)
	}
	if err := s.Connect(p.secure); err != nil {
		t.Fatal(err)
	}
	for _, topic := range topics {
		s.SetSubscribe(topic)
	}
	return s
}

// openSubscriber connects a SUB to the open XPUB, subscribed to topics.
func (p *testProxy) openSubscriber(t *testing.T, topics ...string) *zmq.Socket {
	t.Helper()
	s := socket(t, zmq.SUB, p.xpub, auth.Open())
	for _, topic := range topics {
		s.SetSubscribe(topic)
	}
	return s
}

// untilMarker publishes topics, then the marker topic, again and again
// until sub receives the marker, and returns the topics sub received
// before it. A subscriber's messages reach the proxy in order, and the
// proxy forwards publications in order, so a subscriber that subscribed
// to the marker last has had every earlier subscription judged once the
// marker arrives: whatever it was refused would have been received by
// then if it had leaked.
func (p *testProxy) untilMarker(t *testing.T, sub *zmq.Socket, marker string, topics ...string) []string {
	t.Helper()
	sub.SetRcvtimeo(50 * time.Millisecond)
	var got []string
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		for _, topic := range topics {
			p.pub.SendMessage(topic, "payload of "+topic)
		}
		p.pub.SendMessage(marker, "marker")
		for {
			frames, err := sub.RecvMessage(0)
			if err != nil {
				break
			}
			if frames[0] == marker {
				return got
			}
			got = append(got, frames[0])
		}
	}
	t.Fatalf("marker %q never arrived; received %q", marker, got)
	return nil
}

// A subscriber of the secure XPUB receives the channels it subscribed to
// and its own private topic, but neither another key's private topic nor
// everything, however it asks; each refusal is counted.
func TestSecureSubscriberGetsItsOwnPrivateTopicOnly(t *testing.T) {
	p := startSecureProxy(t)
	ana, bob := newUser(t), newUser(t)
	anaTopic, bobTopic := wire.PrivateTopic(ana.Public), wire.PrivateTopic(bob.Public)
	sub := p.subscriber(t, ana,
		bobTopic, "", wire.PrivatePrefix, anaTopic[:20], // refused, judged before the rest
		anaTopic, "geral", "marker")
	got := p.untilMarker(t, sub, "marker", bobTopic, "random", anaTopic, "geral")
	for _, topic := range got {
		if topic != anaTopic && topic != "geral" {
			t.Fatalf("ana received a publication on %q", topic)
		}
	}
	// The first rounds may have gone by before the subscriptions were in.
	got = p.untilMarker(t, sub, "marker", bobTopic, "random", anaTopic, "geral")
	if !slices.Equal(got, []string{anaTopic, "geral"}) {
		t.Fatalf("ana received %q, want her private topic and geral", got)
	}
	if n := refusedSubs(t, p.ep, "private"); n != 2 {
		t.Errorf("refused private %v, want 2 (bob's topic, a prefix of ana's)", n)
	}
	if n := refusedSubs(t, p.ep, "everything"); n != 2 {
		t.Errorf("refused everything %v, want 2 (empty, the private prefix)", n)
	}
}

// refusedSubs reads zchat_proxy_refused_subscriptions_total{reason}.
func refusedSubs(t *testing.T, ep *metrics.Endpoint, reason string) float64 {
	t.Helper()
	families, err := ep.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "zchat_proxy_refused_subscriptions_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			if m.GetLabel()[0].GetValue() == reason {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

// Two users subscribing at once each get their own private topic: a
// manual subscription goes to the connection whose message it answers.
// One leaving (libzmq unsubscribes it by itself) changes nothing for the
// other.
func TestEachSubscriptionGoesToItsSender(t *testing.T) {
	p := startSecureProxy(t)
	users := []auth.Key{newUser(t), newUser(t), newUser(t)}
	var subs []*zmq.Socket
	for _, u := range users {
		subs = append(subs, p.subscriber(t, u, wire.PrivateTopic(u.Public), "marker"))
	}
	var topics []string
	for _, u := range users {
		topics = append(topics, wire.PrivateTopic(u.Public))
	}
	check := func(i int, exact bool) {
		t.Helper()
		got := p.untilMarker(t, subs[i], "marker", topics...)
		if exact && !slices.Equal(got, topics[i:i+1]) {
			t.Fatalf("user %d received %q, want only its own private topic", i, got)
		}
		for _, topic := range got {
			if topic != topics[i] {
				t.Fatalf("user %d received %q", i, topic)
			}
		}
	}
	for i := range subs {
		check(i, false) // until its subscriptions are in
	}
	for i := range subs {
		check(i, true)
	}
	subs[0].Close() // the first leaves
	for i := range subs[1:] {
		check(i+1, true)
	}
}

// Unsubscribing on the secure XPUB is applied too.
func TestSecureUnsubscribe(t *testing.T) {
	p := startSecureProxy(t)
	sub := p.subscriber(t, newUser(t), "geral", "marker")
	if got := p.untilMarker(t, sub, "marker", "geral"); len(got) > 1 {
		t.Fatalf("received %q", got)
	}
	sub.SetUnsubscribe("geral")
	sub.SetUnsubscribe("marker")
	sub.SetSubscribe("marker2")
	if got := p.untilMarker(t, sub, "marker2", "geral", "marker"); len(got) != 0 {
		t.Fatalf("after unsubscribing received %q", got)
	}
}

// The open XPUB never carries a private topic, even to a subscription to
// everything, while public topics (channels, the servers' announcements)
// reach its subscribers as before.
func TestOpenXPubNeverCarriesPrivateTopics(t *testing.T) {
	p := startSecureProxy(t)
	private := wire.PrivateTopic(newUser(t).Public)
	sub := p.openSubscriber(t, "")
	p.untilMarker(t, sub, "marker", private, "geral", "servers")
	got := p.untilMarker(t, sub, "marker", private, "geral", "servers")
	if !slices.Equal(got, []string{"geral", "servers"}) {
		t.Fatalf("an open subscription to everything received %q", got)
	}
	// A subscription to the private topic itself gets nothing either.
	direct := p.openSubscriber(t, private, "marker")
	if got := p.untilMarker(t, direct, "marker", private); len(got) != 0 {
		t.Fatalf("an open subscription to a private topic received %q", got)
	}
}

// A client without CURVE (NULL: any standard client) is refused at the
// secure XPUB.
func TestSecureXPubRefusesNullClients(t *testing.T) {
	p := startSecureProxy(t)
	s, err := zmq.NewSocket(zmq.SUB)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.SetLinger(0)
	wait := authtest.Watch(t, s)
	if err := s.Connect(p.secure); err != nil {
		t.Fatal(err)
	}
	if ev := wait(5 * time.Second); !authtest.Refused(ev) {
		t.Fatalf("NULL subscriber's handshake: %v", ev)
	}
}

// Without the cluster key there is no access key: the proxy runs with
// its open XPUB alone, says so, and leaves the secure port unbound.
func TestOpenClusterRunsWithoutSecureXPub(t *testing.T) {
	xsub, xpub, secure := freeEndpoint(t), freeEndpoint(t), freeEndpoint(t)
	var logs syncBuffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	runProxy(t, Config{XSub: xsub, XPub: xpub, SecureXPub: secure, Logger: logger})
	p := &testProxy{xpub: xpub, pub: socket(t, zmq.PUB, xsub, auth.Open())}
	if got := p.untilMarker(t, p.openSubscriber(t, "geral", "marker"), "marker", "geral"); len(got) > 1 {
		t.Fatalf("received %q", got)
	}
	if conn, err := net.DialTimeout("tcp", strings.TrimPrefix(secure, "tcp://"), time.Second); err == nil {
		conn.Close()
		t.Fatal("the secure XPUB is bound in an open cluster")
	}
	if !strings.Contains(logs.String(), "accounts are off") {
		t.Errorf("no warning in the log:\n%s", logs.String())
	}
}

// syncBuffer is a log destination shared with the proxy's goroutine.
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
