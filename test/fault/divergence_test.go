package fault_test

import (
	"context"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"zchat"
	"zchat/internal/store"
	"zchat/internal/testcluster"
)

// forgedText is the post planted in a replica's database.
const forgedText = "forged by mallory"

// A replica whose database holds a forged event under another live
// server's origin, at that origin's next seq (the measured attack: a
// `replicate` from an outsider; or a bug, a restored backup), gives it up
// for the origin's real events: after healing every server shows the same
// histories, none shows the forged post, and every acknowledged post is on
// every server. Either the origin writes its next seq only after the
// replica is back (the replica then holds more than the origin wrote), or
// while it is down (the replica holds another event at a seq the origin
// acknowledged, found when fetched events do not chain onto it).
func TestForgedEventInAReplicaIsRepaired(t *testing.T) {
	for _, postWhileDown := range []bool{false, true} {
		name := map[bool]string{false: "origin posts after the restart", true: "origin posts while the replica is down"}[postWhileDown]
		t.Run(name, func(t *testing.T) { forgedEventRepaired(t, postWhileDown) })
	}
}

func forgedEventRepaired(t *testing.T, postWhileDown bool) {
	c := startCluster(t)
	waitSameVectors(t, c, c.Servers())
	origin := originOf(t, c, "s1")
	c.Stop("s3")
	seq := plantForged(t, c.DataDir("s3"), origin)
	t.Logf("planted %s:%d in s3's database", origin, seq)
	var byOrigin atomic.Int64
	countOrigin := func(a ack) {
		if a.server == "s1" {
			byOrigin.Add(1)
		}
	}
	var first *load
	if postWhileDown {
		first = startLoad(t, c.Frontend(), drivers, channels, countOrigin)
		waitFor(t, progressTimeout, "s1 (the origin) acknowledges posts", func() bool { return byOrigin.Load() >= 30 })
		first.halt()
	}
	c.StartServer("s3")
	l := startLoad(t, c.Frontend(), drivers, channels, countOrigin)
	waitFor(t, progressTimeout, "s1 (the origin) acknowledges posts", func() bool { return byOrigin.Load() >= 60 })
	l.progress(100, progressTimeout)
	if first != nil {
		l = merge(first, l)
	}
	checkConvergence(t, c, c.Servers(), channels, l) // the forged post would be "unexpected"
	if n := repairsOf(t, c, "s3"); n < 1 {
		t.Errorf("s3 reports %d repairs, want at least 1", n)
	}
}

// originOf asks a server for its origin.
func originOf(t *testing.T, c *testcluster.Cluster, server string) string {
	t.Helper()
	m, err := c.Ask(c.PeerAddr(server), "vector", nil, 2*time.Second)
	if err != nil {
		t.Fatalf("vector of %s: %v", server, err)
	}
	origin, err := m.String("origin")
	if err != nil || !strings.HasPrefix(origin, server+".") {
		t.Fatalf("origin of %s: %q, %v", server, origin, err)
	}
	return origin
}

// plantForged opens a stopped server's store and applies a post of origin
// at the next seq it holds, chained onto its log as a forger who knows the
// chain rule would; it returns the seq.
func plantForged(t *testing.T, dir, origin string) uint64 {
	t.Helper()
	st, err := store.Open(dir, "s3", store.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	head := st.Head(origin)
	if head.Seq == 0 {
		t.Fatalf("s3 holds nothing of %s", origin)
	}
	forged := zchat.Event{Origin: origin, Seq: head.Seq + 1, Clock: 1, Time: float64(time.Now().Unix()),
		Kind: zchat.KindPost, User: "mallory", Target: channels[0], Text: forgedText}
	res, err := st.Apply(context.Background(), []zchat.Event{forged})
	if err != nil || len(res.Events) != 1 {
		t.Fatalf("plant: %+v, %v", res, err)
	}
	return forged.Seq
}

// repairsOf reads a server's count of repaired logs from its status.
func repairsOf(t *testing.T, c *testcluster.Cluster, server string) uint64 {
	t.Helper()
	m, err := c.Ask(c.PeerAddr(server), "status", nil, 2*time.Second)
	if err != nil {
		t.Fatalf("status of %s: %v", server, err)
	}
	repl, _ := m.Data["replication"].(map[string]any)
	return toUint(repl["repairs"])
}
