package replication

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"zchat"
)

// Claims replicate like any event, through the wire codec, and every
// replica ends with the first claim of a name in (Clock, Origin, Seq)
// order, whichever it accepted itself.
func TestClaimsReplicateFirstWins(t *testing.T) {
	net := newFakeNet()
	a, b, c := net.start(t, "a", "", fastConfig()), net.start(t, "b", "", fastConfig()), net.start(t, "c", "", fastConfig())
	waitReady(t, a, b, c)
	keyA, keyB := strings.Repeat("a", zchat.KeyLen), strings.Repeat("b", zchat.KeyLen)
	net.partition("a", "b")
	net.partition("a", "c")
	a.submit(t, context.Background(), zchat.Command{Kind: zchat.KindClaim, User: "bob", Text: keyA, Clock: 7})
	b.submit(t, context.Background(), zchat.Command{Kind: zchat.KindClaim, User: "bob", Text: keyB, Clock: 5})
	eventually(t, 5*time.Second, "b's claim reaches c", func() bool { key, _ := c.st.Owner("bob"); return key == keyB })
	if key, _ := a.st.Owner("bob"); key != keyA {
		t.Fatalf("a, partitioned, sees bob owned by %.4s, want its own claim", key)
	}
	net.heal("a", "b")
	net.heal("a", "c")
	eventually(t, 10*time.Second, "claims converge", func() bool { return converged(a, b, c) })
	for _, nd := range []*node{a, b, c} {
		if key, _ := nd.st.Owner("bob"); key != keyB {
			t.Errorf("%s: bob owned by %.4s, want b's key (the smaller clock)", nd.name, key)
		}
	}
	_, err := a.st.Submit(context.Background(), zchat.Command{Kind: zchat.KindClaim, User: "bob", Text: keyA, Clock: 20})
	if !errors.Is(err, zchat.ErrClaimed) {
		t.Errorf("a's claim again after converging: %v, want refused", err)
	}
}
