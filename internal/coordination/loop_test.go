package coordination

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"zchat/internal/wire"
)

// The loop over an in-memory network, in virtual time: the timings below
// are those of the default configuration, without scheduling noise.

func agreedOn(n *fakeNet, name string) func() bool {
	return func() bool { got, ok := n.agreed(); return ok && got == name }
}

func TestElectionFailoverAndTakeover(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newFakeNet(t)
		defer n.stopAll()
		for i, name := range []string{"s1", "s2", "s3"} {
			n.start(name, i+1, 0)
		}
		n.await(2*time.Second, "initial agreement on s3", agreedOn(n, "s3"))

		n.kill("s3") // the registry still lists it: only the probes tell
		took := n.await(time.Second, "failover to s2", agreedOn(n, "s2"))
		t.Logf("failover in %v (virtual)", took)

		n.unlist("s3")
		n.start("s3", 3, 0)
		n.await(time.Second, "s3 takes over again", agreedOn(n, "s3"))
	})
}

func TestFollowerCrashKeepsCoordinator(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newFakeNet(t)
		defer n.stopAll()
		for i, name := range []string{"s1", "s2", "s3"} {
			n.start(name, i+1, 0)
		}
		n.await(2*time.Second, "agreement on s3", agreedOn(n, "s3"))
		elections := n.server("s3").coord.StatusFields()["elections"]
		n.kill("s1")
		n.unlist("s1")
		time.Sleep(2 * time.Second)
		if got, ok := n.agreed(); !ok || got != "s3" {
			t.Fatalf("agreement lost after a follower crash: %s", n.describe())
		}
		if e := n.server("s3").coord.StatusFields()["elections"]; e != elections {
			t.Fatalf("elections went from %v to %v", elections, e)
		}
	})
}

// A server restarting into a running cluster hears the repeated
// announcement during its grace period and follows without an election.
func TestRestartedFollowerJoinsQuietly(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newFakeNet(t)
		defer n.stopAll()
		for i, name := range []string{"s1", "s2", "s3"} {
			n.start(name, i+1, 0)
		}
		n.await(2*time.Second, "agreement on s3", agreedOn(n, "s3"))
		n.kill("s1")
		s1 := n.start("s1", 1, 0)
		n.await(time.Second, "s1 follows s3", agreedOn(n, "s3"))
		if e := s1.coord.StatusFields()["elections"]; e != 0 {
			t.Fatalf("restarted follower ran %v elections", e)
		}
	})
}

// Another implementation's election request names nobody: it is answered,
// and the coordinator stays.
func TestAnonymousElectionRequest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newFakeNet(t)
		defer n.stopAll()
		for i, name := range []string{"s1", "s2", "s3"} {
			n.start(name, i+1, 0)
		}
		n.await(2*time.Second, "agreement on s3", agreedOn(n, "s3"))
		reply := n.server("s2").coord.serveElection(context.Background(), wire.Message{Service: "election", Data: map[string]any{}})
		if reply["election"] != "OK" {
			t.Fatalf("reply %v", reply)
		}
		n.await(time.Second, "agreement on s3 again", agreedOn(n, "s3"))
	})
}

func TestSingleServerCoordinatesItself(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newFakeNet(t)
		defer n.stopAll()
		n.start("only", 1, 0)
		n.await(time.Second, "alone", agreedOn(n, "only"))
		if st := n.server("only").coord.StatusFields()["state"]; st != "coordinator" {
			t.Fatalf("state %v", st)
		}
	})
}
