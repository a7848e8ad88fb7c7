package coordination

import (
	"context"
	"maps"
	"testing"
	"testing/synctest"
	"time"

	"zchat/internal/wire"
)

// forgedAnnouncements are what anyone connected to the proxy (topic
// servers) or, without authentication, to a peer port could send.
var forgedAnnouncements = []struct {
	name    string
	deliver func(n *fakeNet, coordinator string, rank int)
}{
	{"published on topic servers", func(n *fakeNet, coordinator string, rank int) {
		payload, err := wire.Encode(wire.MsgPack, "election", map[string]any{"coordinator": coordinator, "rank": rank}, 1, 0)
		if err != nil {
			n.t.Fatal(err)
		}
		n.broadcast(TopicServers, payload)
	}},
	{"direct coordinator request", func(n *fakeNet, coordinator string, rank int) {
		for _, s := range n.live() {
			s.coord.serveCoordinator(context.Background(), wire.Message{Service: "coordinator", Data: map[string]any{"coordinator": coordinator, "rank": rank}})
		}
	}},
}

// A phantom (a name the reference does not list) announcing itself with
// the highest rank is ignored by everyone: nobody follows it, not even for
// the coordinator timeout, and nobody elects.
func TestPhantomAnnouncementIgnored(t *testing.T) {
	for _, how := range forgedAnnouncements {
		t.Run(how.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				n := startThree(t)
				defer n.stopAll()
				elections := electionCounts(n)
				for range 5 {
					how.deliver(n, "phantom", 1<<30)
					time.Sleep(100 * time.Millisecond)
					if got, ok := n.agreed(); !ok || got != "s3" {
						t.Fatalf("after a phantom's announcement: %s", n.describe())
					}
				}
				if got := electionCounts(n); !maps.Equal(got, elections) {
					t.Fatalf("elections went from %v to %v", elections, got)
				}
			})
		})
	}
}

// A forged announcement of a real, lower server that claims a rank above
// everyone's is judged by the reference's rank: nobody follows it (a
// higher server answers by electing, as Bully does for any lower
// announcer), and the highest server stays coordinator.
func TestForgedRankIgnored(t *testing.T) {
	for _, how := range forgedAnnouncements {
		t.Run(how.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				n := startThree(t)
				defer n.stopAll()
				how.deliver(n, "s1", 1<<30)
				for range 10 {
					time.Sleep(10 * time.Millisecond)
					for _, s := range n.live() {
						if s.name != "s1" && s.coord.Coordinator() == "s1" {
							t.Fatalf("%s follows s1 on its forged rank: %s", s.name, n.describe())
						}
					}
				}
				n.await(time.Second, "agreement on s3 again", agreedOn(n, "s3"))
			})
		})
	}
}

// startThree starts s1, s2, s3 and lets them settle: right after the
// first agreement a late election request of the start-up may still make
// a server elect once more.
func startThree(t *testing.T) *fakeNet {
	n := newFakeNet(t)
	for i, name := range []string{"s1", "s2", "s3"} {
		n.start(name, i+1, 0)
	}
	n.await(2*time.Second, "agreement on s3", agreedOn(n, "s3"))
	time.Sleep(time.Second)
	n.await(time.Second, "agreement on s3, settled", agreedOn(n, "s3"))
	return n
}

func electionCounts(n *fakeNet) map[string]any {
	out := map[string]any{}
	for _, s := range n.live() {
		out[s.name] = s.coord.StatusFields()["elections"]
	}
	return out
}
