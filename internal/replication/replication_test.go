package replication

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"zchat"
)

func pushOnly() Config {
	cfg := fastConfig()
	cfg.PullInterval = -1
	return cfg
}

func TestPushConverges(t *testing.T) {
	net := newFakeNet()
	a, b, c := net.start(t, "a", "", pushOnly()), net.start(t, "b", "", pushOnly()), net.start(t, "c", "", pushOnly())
	waitReady(t, a, b, c)
	var wg sync.WaitGroup
	for _, nd := range []*node{a, b, c} {
		wg.Go(func() { nd.post(t, 300) })
	}
	wg.Wait()
	eventually(t, 10*time.Second, "push converges", func() bool { return converged(a, b, c) })
	for _, nd := range []*node{a, b, c} {
		// received is not exact (a push whose call timed out after its
		// commit is applied but not counted) and moves just after the
		// commit that converged saw.
		eventually(t, 5*time.Second, nd.name+" counts pushed events", func() bool {
			return nd.r.stats.received.Load() > 0
		})
		if n := nd.r.stats.pulled.Load(); n != 0 {
			t.Errorf("%s pulled %d events with anti-entropy off", nd.name, n)
		}
	}
}

// A peer that restarts with an empty disk answers with a new origin and
// seq 0: the shipper starts over from the first event.
func TestPushResendsToWipedPeer(t *testing.T) {
	net := newFakeNet()
	a, b := net.start(t, "a", "", pushOnly()), net.start(t, "b", "", pushOnly())
	a.post(t, 50)
	eventually(t, 5*time.Second, "first copy", func() bool { return converged(a, b) })
	b.stop()
	b2 := net.start(t, "b", "", pushOnly())
	if b2.st.Origin() == b.st.Origin() {
		t.Fatal("a wiped replica kept its origin")
	}
	eventually(t, 5*time.Second, "copy to the wiped peer", func() bool { return converged(a, b2) })
}

// A peer that restarts with its disk is probed first and receives only
// what it lacks.
func TestPushResumesAfterRestartWithDisk(t *testing.T) {
	net := newFakeNet()
	a, b := net.start(t, "a", "", pushOnly()), net.start(t, "b", "", pushOnly())
	a.post(t, 50)
	eventually(t, 5*time.Second, "first copy", func() bool { return converged(a, b) })
	b.stop()
	a.post(t, 20)
	pushed := a.r.stats.pushed.Load()
	b2 := net.start(t, "b", b.dir, pushOnly())
	eventually(t, 5*time.Second, "catch up", func() bool { return converged(a, b2) })
	eventually(t, 5*time.Second, "acknowledged", func() bool { return ackedBy(a, "b") == 71 })
	if sent := a.r.stats.pushed.Load() - pushed; sent != 20 {
		t.Errorf("pushed %d events after the restart, want the 20 missing", sent)
	}
}

func TestAntiEntropyAfterPartitionHeals(t *testing.T) {
	net := newFakeNet()
	a, b, c := net.start(t, "a", "", fastConfig()), net.start(t, "b", "", fastConfig()), net.start(t, "c", "", fastConfig())
	net.partition("a", "c")
	net.partition("b", "c")
	a.post(t, 100)
	c.post(t, 100)
	eventually(t, 5*time.Second, "a and b converge", func() bool { return converged(a, b) })
	if converged(a, c) {
		t.Fatal("c converged through a partition")
	}
	net.heal("a", "c")
	net.heal("b", "c")
	eventually(t, 5*time.Second, "all converge", func() bool { return converged(a, b, c) })
}

// Events of an origin that died before reaching c come to c from b.
func TestDeadOriginRecoveredFromThirdReplica(t *testing.T) {
	net := newFakeNet()
	a, b, c := net.start(t, "a", "", fastConfig()), net.start(t, "b", "", fastConfig()), net.start(t, "c", "", fastConfig())
	net.partition("a", "c")
	a.post(t, 200)
	eventually(t, 5*time.Second, "b holds a's events", func() bool { return converged(a, b) })
	a.stop()
	eventually(t, 5*time.Second, "c recovers a's events", func() bool { return converged(b, c) })
	if got := c.st.Vector()[a.st.Origin()]; got != 201 {
		t.Errorf("c holds a's origin up to %d, want 201", got)
	}
}

func TestEmptyReplicaCatchesUp(t *testing.T) {
	net := newFakeNet()
	a := net.start(t, "a", "", fastConfig())
	fill(t, a, 10000)
	cfg := fastConfig()
	cfg.FetchBatch = 1500 // not a divisor of the range
	start := time.Now()
	b := net.start(t, "b", "", cfg)
	eventually(t, 30*time.Second, "catch-up", func() bool { return converged(a, b) })
	t.Logf("10000 events caught up in %s", time.Since(start))
	if n, _ := b.st.Count(); n != 10000 {
		t.Errorf("b holds %d events, want 10000", n)
	}
}

// fill writes n events of origin "src.1" to nd's store quickly (as if
// replicated), so that tests and benchmarks get big logs in little time.
func fill(t testing.TB, nd *node, n int) {
	t.Helper()
	const batch = 5000
	ctx := context.Background()
	for seq := 1; seq <= n; seq += batch {
		events := make([]zchat.Event, 0, batch)
		for s := seq; s < seq+batch && s <= n; s++ {
			events = append(events, zchat.Event{Origin: "src.1", Seq: uint64(s), Clock: uint64(s),
				Time: 1.7e9, Kind: zchat.KindPost, User: "bot", Target: "general",
				Text: "a message of typical length for a chat room", ReqID: "req-" + strconv.Itoa(s)})
		}
		if _, err := nd.st.Apply(ctx, events); err != nil {
			t.Fatal(err)
		}
	}
}

func TestSyncReplicasWaitsForPeers(t *testing.T) {
	net := newFakeNet()
	cfg := fastConfig()
	cfg.SyncReplicas = 1
	cfg.SyncTimeout = 5 * time.Second // bounds a failure only: 200ms failed under a loaded -race suite
	a, b := net.start(t, "a", "", cfg), net.start(t, "b", "", cfg)
	waitReady(t, a, b)
	ev := a.post(t, 1)[0]
	if err := a.r.WaitReplicated(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	if got := b.st.Vector()[a.st.Origin()]; got < ev.Seq {
		t.Fatalf("acknowledged %s but b holds up to %d", ev.ID(), got)
	}
}

func TestSyncReplicasTimesOut(t *testing.T) {
	net := newFakeNet()
	cfg := fastConfig()
	cfg.SyncReplicas = 2
	cfg.SyncTimeout = 2 * time.Second // the reachable peer must ack within it, also under a loaded -race suite
	a, b, c := net.start(t, "a", "", cfg), net.start(t, "b", "", cfg), net.start(t, "c", "", cfg)
	waitReady(t, a, b, c)
	net.partition("a", "c")
	net.partition("b", "c")
	ev := a.post(t, 1)[0]
	start := time.Now()
	err := a.r.WaitReplicated(context.Background(), ev)
	if err == nil || !strings.Contains(err.Error(), "replicated to 1 of 2 peers") {
		t.Fatalf("WaitReplicated = %v, want replicated to 1 of 2 peers", err)
	}
	if d := time.Since(start); d < cfg.SyncTimeout || d > cfg.SyncTimeout+3*time.Second {
		t.Errorf("gave up after %s, want about %s", d, cfg.SyncTimeout)
	}
	net.heal("a", "c")
	if err := a.r.WaitReplicated(context.Background(), ev); err != nil {
		t.Errorf("after healing: %v", err)
	}
}

func TestNoSyncReplicasReturnsAtOnce(t *testing.T) {
	net := newFakeNet()
	a, b := net.start(t, "a", "", fastConfig()), net.start(t, "b", "", fastConfig())
	net.partition("a", "b")
	ev := a.post(t, 1)[0]
	if err := a.r.WaitReplicated(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	_ = b
}

func TestApplyAdvancesLamport(t *testing.T) {
	net := newFakeNet()
	a, b := net.start(t, "a", "", fastConfig()), net.start(t, "b", "", fastConfig())
	a.submit(t, context.Background(), zchat.Command{Kind: zchat.KindLogin, User: "u", Clock: 5000})
	// Apply observes the clock right after the commit that converged shows.
	eventually(t, 5*time.Second, "b's Lamport clock passes the applied event's", func() bool {
		return b.lamport.Now() > 5000
	})
}

func TestStatusFields(t *testing.T) {
	net := newFakeNet()
	cfg := pushOnly() // every event is pushed, so each gets a lag sample
	cfg.Now = func() float64 { return float64(time.Now().UnixNano())/1e9 + 0.003 }
	a, b := net.start(t, "a", "", cfg), net.start(t, "b", "", cfg)
	waitReady(t, a, b)
	a.post(t, 10)
	eventually(t, 5*time.Second, "replicated", func() bool { return converged(a, b) })
	eventually(t, 5*time.Second, "acked", func() bool { return ackedBy(a, "b") == 11 })
	eventually(t, 5*time.Second, "lag recorded", func() bool { return b.r.lag.total.Load() == 11 })
	st := a.r.StatusFields()["replication"].(map[string]any)
	peer := st["peers"].(map[string]any)["b"].(map[string]any)
	if peer["acked"] != uint64(11) || peer["behind"] != uint64(0) || peer["origin"] != b.st.Origin() {
		t.Errorf("peer status %v", peer)
	}
	lag := b.r.StatusFields()["replication"].(map[string]any)
	if p50 := lag["lag_p50_ms"].(float64); p50 < 3 {
		t.Errorf("lag status %v: want p50 >= 3ms (the injected clock offset)", lag)
	}
}

func ackedBy(nd *node, peer string) uint64 {
	p, _ := nd.r.acks.position(peer)
	return p
}
