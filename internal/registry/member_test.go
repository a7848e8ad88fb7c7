package registry

import (
	"context"
	"slices"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/auth"
	"zchat/internal/auth/authtest"
	"zchat/internal/wire"
)

func join(t *testing.T, ref, name string) (*Membership, context.CancelFunc) {
	t.Helper()
	return joinAs(t, ref, name, members)
}

// joinAs joins as a client of cluster.
func joinAs(t *testing.T, ref, name string, cluster auth.Cluster) (*Membership, context.CancelFunc) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	m := Join(ctx, MemberConfig{
		Reference: ref,
		Self:      Member{Name: name, Addr: "tcp://" + name},
		Interval:  50 * time.Millisecond,
		Timeout:   200 * time.Millisecond,
		Cluster:   cluster,
	})
	t.Cleanup(func() {
		cancel()
		select {
		case <-m.Done():
		case <-time.After(5 * time.Second):
			t.Errorf("membership %s did not stop", name)
		}
	})
	return m, cancel
}

func waitRank(t *testing.T, m *Membership) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := m.Wait(ctx); err != nil {
		t.Fatalf("Wait: %v", err)
	}
	return m.Rank()
}

// waitChange reads Changes until a list equal to want arrives.
func waitChange(t *testing.T, m *Membership, want []Member) {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case got := <-m.Changes():
			if slices.Equal(got, want) {
				return
			}
		case <-timeout:
			t.Fatalf("no change to %v; Peers() = %v", want, m.Peers())
		}
	}
}

func TestMembersLearnEachOtherAndSurviveReferenceRestart(t *testing.T) {
	ep, dir := freeEndpoint(t), t.TempDir()
	stop := startReference(t, ep, dir, 300*time.Millisecond)
	m1, _ := join(t, ep, "s1")
	if r := waitRank(t, m1); r != 1 {
		t.Fatalf("s1 rank %d", r)
	}
	m2, _ := join(t, ep, "s2")
	if r := waitRank(t, m2); r != 2 {
		t.Fatalf("s2 rank %d", r)
	}
	waitChange(t, m1, []Member{{"s2", 2, "tcp://s2"}})
	waitChange(t, m2, []Member{{"s1", 1, "tcp://s1"}})

	stop()                             // the reference goes away: the last known list stays
	time.Sleep(400 * time.Millisecond) // several intervals and request timeouts
	if got := m1.Peers(); !slices.Equal(got, []Member{{"s2", 2, "tcp://s2"}}) {
		t.Fatalf("peers while the reference is down: %v", got)
	}

	startReference(t, ep, dir, 300*time.Millisecond)
	eventually(t, 5*time.Second, "reference to see both again", func() bool {
		return len(listOf(t, ep)) == 2
	})
	if m1.Rank() != 1 || m2.Rank() != 2 {
		t.Fatalf("ranks after restart: %d %d", m1.Rank(), m2.Rank())
	}
}

func TestLeavingMemberDisappearsFromPeers(t *testing.T) {
	ep := freeEndpoint(t)
	startReference(t, ep, "", 300*time.Millisecond)
	m1, _ := join(t, ep, "s1")
	waitRank(t, m1)
	_, leave := join(t, ep, "s2")
	waitChange(t, m1, []Member{{"s2", 2, "tcp://s2"}})
	leave()
	waitChange(t, m1, []Member{})
}

// A foreign reference answers heartbeat with stamps only and list with
// [name, rank] pairs. It knows nothing of the cluster key: such a cluster
// runs open (--insecure-cluster).
func TestJoinWorksWithAForeignReference(t *testing.T) {
	ep := freeEndpoint(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); foreignReference(ctx, t, ep) }()
	t.Cleanup(func() { cancel(); <-done })

	m, _ := joinAs(t, ep, "me", auth.Open()) // a mixed cluster runs open
	if r := waitRank(t, m); r != 5 {
		t.Fatalf("rank %d", r)
	}
	waitChange(t, m, []Member{{"other", 3, ""}})
}

func foreignReference(ctx context.Context, t *testing.T, ep string) {
	rep, err := zmq.NewSocket(zmq.REP)
	if err != nil {
		t.Error(err)
		return
	}
	defer rep.Close()
	rep.SetLinger(0)
	rep.SetRcvtimeo(50 * time.Millisecond)
	if err := rep.Bind(ep); err != nil {
		t.Error(err)
		return
	}
	replies := map[string]map[string]any{
		"rank":      {"rank": 5},
		"heartbeat": {},
		"list":      {"list": []any{[]any{"me", 5}, []any{"other", 3}}},
	}
	for ctx.Err() == nil {
		b, err := rep.RecvBytes(0)
		if err != nil {
			continue
		}
		req, _ := wire.Decode(b, 0)
		data := map[string]any{}
		for k, v := range replies[req.Service] {
			data[k] = v
		}
		out, _ := wire.Encode(wire.MsgPack, req.Service, data, 1, nowSeconds())
		rep.SendBytes(out, 0)
	}
}

// A server without the cluster key cannot register: its handshake is
// refused, so it gets no rank and stays off the list, while a member
// started after it is ranked first.
func TestReferenceRefusesOutsiders(t *testing.T) {
	ep := freeEndpoint(t)
	startReference(t, ep, "", time.Second)
	other, _ := auth.GenerateKey()
	intruder, _ := joinAs(t, ep, "intruder", auth.WithKey(other, nil))

	s, err := zmq.NewSocket(zmq.REQ)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.SetLinger(0)
	s.SetCurveServerkey(testKey.Public)
	s.SetCurvePublickey(other.Public)
	s.SetCurveSecretkey(other.Secret)
	wait := authtest.Watch(t, s)
	if err := s.Connect(ep); err != nil {
		t.Fatal(err)
	}
	s.SendBytes(encode(t, "rank", map[string]any{"user": "intruder2", "address": "tcp://x"}), zmq.DONTWAIT)
	if ev := wait(5 * time.Second); ev != zmq.EVENT_HANDSHAKE_FAILED_AUTH {
		t.Fatalf("outsider's handshake: %v", ev)
	}

	m, _ := join(t, ep, "s1")
	if r := waitRank(t, m); r != 1 {
		t.Fatalf("the member's rank is %d: an outsider was ranked before it", r)
	}
	if l := listOf(t, ep); len(l) != 1 || l[0].Name != "s1" {
		t.Fatalf("list %v", l)
	}
	if intruder.Rank() != 0 {
		t.Fatalf("the outsider has rank %d", intruder.Rank())
	}
}
