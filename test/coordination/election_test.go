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
	old := r.Coordinator

	c.Kill(old)
	start := time.Now()
	r = await(t, c, 5*time.Second, "the survivors agree on the next highest", func(r survey.Report) bool {
		return agreedOnHighest(2)(r) && r.Coordinator != old
	})
	t.Logf("after SIGKILL of %s, %s agreed by all within %v", old, r.Coordinator, time.Since(start))
	awaitAnnouncement(t, announced, r.Coordinator, 2*time.Second)

	c.Restart(old)
	r = await(t, c, 10*time.Second, old+" takes over again", agreedOnHighest(3))
	if r.Coordinator != old {
		t.Fatalf("coordinator %s after the restart of %s:\n%s", r.Coordinator, old, table(r))
	}
	awaitAnnouncement(t, announced, old, 2*time.Second)
}
