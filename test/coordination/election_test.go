package coordination_test

import (
	"testing"
	"time"

	"zchat/internal/coordination/survey"
	"zchat/internal/testcluster"
)

func TestFailoverAndTakeover(t *testing.T) {
	c := testcluster.Start(t, testcluster.Options{Servers: 3})
	announced := watchServers(t, c.XPub())
	r := await(t, c, 10*time.Second, "one coordinator, the highest rank, agreed by all", agreedOnHighest(3))
	old, survivors, next := r.Coordinator, others(r), secondHighest(r)

	c.Kill(old)
	start := time.Now()
	took := awaitFollowing(t, c.Membership(), survivors, next, start, 5*time.Second)
	t.Logf("after SIGKILL of %s, %s agreed by the survivors after %v", old, next, took)
	r = await(t, c, 5*time.Second, "the survivors agree on the next highest", func(r survey.Report) bool {
		return agreedOnHighest(2)(r) && r.Coordinator == next
	})
	awaitAnnouncement(t, announced, next, 2*time.Second)

	c.Restart(old)
	r = await(t, c, 10*time.Second, old+" takes over again", agreedOnHighest(3))
	if r.Coordinator != old {
		t.Fatalf("coordinator %s after the restart of %s:\n%s", r.Coordinator, old, table(r))
	}
	awaitAnnouncement(t, announced, old, 2*time.Second)
}

// A stopped (SIGSTOP) coordinator keeps its connections open but answers
// nothing: the probes time out and the others elect. Resumed, it still
// believes it coordinates, announces so, and the others yield to it.
func TestPausedCoordinator(t *testing.T) {
	c := testcluster.Start(t, testcluster.Options{Servers: 3})
	old := await(t, c, 10*time.Second, "agreement", agreedOnHighest(3)).Coordinator

	c.Pause(old)
	start := time.Now()
	r := await(t, c, 5*time.Second, "the others agree on the next highest", func(r survey.Report) bool {
		return agreedOnHighest(2)(r) && r.Coordinator != old
	})
	t.Logf("after SIGSTOP of %s, %s agreed by the others within %v", old, r.Coordinator, time.Since(start))

	c.Resume(old)
	r = await(t, c, 5*time.Second, old+" takes over again", agreedOnHighest(3))
	if r.Coordinator != old {
		t.Fatalf("coordinator %s after %s resumed:\n%s", r.Coordinator, old, table(r))
	}
}
