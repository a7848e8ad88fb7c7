package fault_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"zchat/internal/testcluster"
)

// channels are where the drivers post.
var channels = []string{"fault-a", "fault-b", "fault-c"}

// drivers is the number of concurrent clients; each has one request in
// flight, like a REQ client.
const drivers = 4

// waitFor polls cond until it holds, failing the test at the deadline.
func waitFor(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %s: %s", within, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// startCluster starts three servers and creates the channels.
func startCluster(t *testing.T, serverArgs ...string) *testcluster.Cluster {
	t.Helper()
	start := time.Now()
	c := testcluster.Start(t, testcluster.Options{Servers: 3, ServerArgs: serverArgs, LogLevel: "info"})
	t.Cleanup(func() { t.Logf("cluster start at %s", start.Format("15:04:05.000")) })
	defer func() { t.Logf("cluster up with channels in %.1fs", time.Since(start).Seconds()) }()
	r := newRequester(c.Frontend(), attemptTimeout)
	defer r.close()
	for _, ch := range channels {
		m, err := r.call("channel", map[string]any{"channel": ch})
		if err != nil {
			t.Fatalf("create channel %s: %v", ch, err)
		}
		if s, _ := m.OptString("status"); s != "sucesso" {
			t.Fatalf("create channel %s: %v", ch, m.Data)
		}
	}
	return c
}

// listed reports whether the reference lists server name.
func listed(c *testcluster.Cluster, name string) bool {
	m, err := c.Ask(c.Reference(), "list", nil, time.Second)
	if err != nil {
		return false
	}
	list, _ := m.Data["list"].([]any)
	return slices.ContainsFunc(list, func(item any) bool {
		e, _ := item.(map[string]any)
		return e["name"] == name
	})
}

// waitListed waits until the reference lists (or drops) a server.
func waitListed(t *testing.T, c *testcluster.Cluster, name string, want bool) {
	t.Helper()
	waitFor(t, 20*time.Second, fmt.Sprintf("reference lists %s: %v", name, want), func() bool {
		return listed(c, name) == want
	})
}
