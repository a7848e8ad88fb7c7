package fault_test

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"zchat/internal/testcluster"
	"zchat/internal/wire"
)

// entry is one post as a server's history shows it.
type entry struct {
	id, text string
	clock    uint64
}

// replica is what one server shows: per channel, its history in order.
type replica struct {
	server  string
	history map[string][]entry
}

// report is the checker's verdict, in the spirit of Jepsen's set checker.
type report struct {
	acked      int
	lost       []string // acknowledged, missing on a server ("server: text")
	duplicated []string // shown more than once by a server
	unexpected []string // shown, never sent
	divergent  []string // channels whose history differs between servers
	misordered []string // histories not in (clock, origin, seq) order
}

func (r report) failed() bool {
	return len(r.lost)+len(r.duplicated)+len(r.unexpected)+len(r.divergent)+len(r.misordered) > 0
}

func (r report) String() string {
	show := func(s []string) string {
		if len(s) > 10 {
			return fmt.Sprintf("%v ... (%d)", s[:10], len(s))
		}
		return fmt.Sprint(s)
	}
	return fmt.Sprintf("acked %d; lost %s; duplicated %s; unexpected %s; divergent %s; misordered %s",
		r.acked, show(r.lost), show(r.duplicated), show(r.unexpected), show(r.divergent), show(r.misordered))
}

// checkConvergence waits until the servers hold the same events, reads
// every channel from every server and fails the test on any lost,
// duplicated, unexpected, divergent or misordered post.
func checkConvergence(t testing.TB, c *testcluster.Cluster, servers, channels []string, l *load) {
	t.Helper()
	start := time.Now()
	l.halt()
	replicas := readConverged(t, c, servers, channels)
	t.Logf("checker: halted the load and read converged replicas in %.1fs", time.Since(start).Seconds())
	sent, acked := l.results()
	r := judge(replicas, channels, sent, acked)
	t.Logf("checker over %v: %s; load: %s", servers, r, l.summary())
	if r.failed() {
		t.Fatalf("convergence check failed: %s", r)
	}
}

// readConverged waits for equal vectors, reads the histories, and reads
// again if a vector moved meanwhile (a late retry may still commit).
func readConverged(t testing.TB, c *testcluster.Cluster, servers, channels []string) []replica {
	t.Helper()
	for attempt := 0; attempt < 5; attempt++ {
		before := waitSameVectors(t, c, servers)
		var replicas []replica
		for _, s := range servers {
			replicas = append(replicas, readReplica(t, c, s, channels))
		}
		if after := vectorOf(t, c, servers[0]); maps.Equal(before, after) {
			return replicas
		}
	}
	t.Fatal("the servers kept changing while being read")
	return nil
}

// waitSameVectors polls the servers' version vectors until they agree.
func waitSameVectors(t testing.TB, c *testcluster.Cluster, servers []string) map[string]uint64 {
	t.Helper()
	var last []map[string]uint64
	waitFor(t, 60*time.Second, fmt.Sprintf("servers %v to converge", servers), func() bool {
		last = last[:0]
		for _, s := range servers {
			last = append(last, vectorOf(t, c, s))
		}
		for _, v := range last[1:] {
			if !maps.Equal(v, last[0]) {
				return false
			}
		}
		return true
	})
	return last[0]
}

// vectorOf asks a server's peer endpoint, as a member, for its version
// vector.
func vectorOf(t testing.TB, c *testcluster.Cluster, server string) map[string]uint64 {
	m, err := c.Ask(c.PeerAddr(server), "vector", nil, 2*time.Second)
	if err != nil {
		return map[string]uint64{"unreachable": 0}
	}
	raw, _ := m.Data["vector"].(map[string]any)
	v := map[string]uint64{}
	for origin, seq := range raw {
		v[origin] = toUint(seq)
	}
	return v
}

// readReplica reads whole channel histories from one server's peer
// endpoint, newest page first.
func readReplica(t testing.TB, c *testcluster.Cluster, server string, channels []string) replica {
	t.Helper()
	r := replica{server: server, history: map[string][]entry{}}
	for _, ch := range channels {
		var all []entry
		before := ""
		for {
			page := historyPage(t, c, server, ch, before)
			if len(page) == 0 {
				break
			}
			all = append(page, all...)
			before = page[0].id
		}
		r.history[ch] = all
	}
	return r
}

func historyPage(t testing.TB, c *testcluster.Cluster, server, channel, before string) []entry {
	t.Helper()
	data := map[string]any{"channel": channel, "limit": 1000}
	if before != "" {
		data["before"] = before
	}
	addr := c.PeerAddr(server)
	m, err := c.Ask(addr, "history", data, 10*time.Second)
	if s, _ := m.OptString("status"); err != nil || s != "OK" {
		t.Fatalf("history of %s from %s: %v %v", channel, addr, err, m.Data)
	}
	raw, _ := m.Data["events"].([]any)
	page := make([]entry, 0, len(raw))
	for _, item := range raw {
		f, ok := item.([]any)
		if !ok || len(f) < 9 {
			t.Fatalf("history event %v", item)
		}
		origin, _ := f[0].(string)
		text, _ := f[7].(string)
		page = append(page, entry{id: fmt.Sprintf("%s:%d", origin, toUint(f[1])), text: text, clock: toUint(f[2])})
	}
	return page
}

// judge compares the replicas with what the drivers sent and saw acked.
func judge(replicas []replica, channels []string, sent map[string]bool, acked []ack) report {
	r := report{acked: len(acked)}
	for _, rep := range replicas {
		shown := r.scan(rep, channels)
		for _, a := range acked {
			if shown[a.channel+"/"+a.text] == 0 {
				r.lost = append(r.lost, rep.server+": "+a.text+" (acked by "+a.server+")")
			}
		}
		r.extra(rep.server, shown, sent)
	}
	r.divergent = divergence(replicas, channels)
	slices.Sort(r.lost)
	return r
}

// scan counts the posts a replica shows, by "channel/text", and checks
// the order of each history.
func (r *report) scan(rep replica, channels []string) map[string]int {
	shown := map[string]int{}
	for _, ch := range channels {
		for _, e := range rep.history[ch] {
			shown[ch+"/"+e.text]++
		}
		if !slices.IsSortedFunc(rep.history[ch], func(a, b entry) int { return cmp.Compare(a.clock, b.clock) }) {
			r.misordered = append(r.misordered, rep.server+": "+ch)
		}
	}
	return shown
}

// extra records the posts shown twice or never sent.
func (r *report) extra(server string, shown map[string]int, sent map[string]bool) {
	for key, n := range shown {
		text := key[strings.IndexByte(key, '/')+1:]
		switch {
		case !sent[text]:
			r.unexpected = append(r.unexpected, server+": "+key)
		case n > 1:
			r.duplicated = append(r.duplicated, fmt.Sprintf("%s: %s x%d", server, key, n))
		}
	}
}

// divergence lists the channels whose histories (ids, in order) are not
// the same on every replica.
func divergence(replicas []replica, channels []string) []string {
	var out []string
	for _, ch := range channels {
		for _, rep := range replicas[1:] {
			if !slices.Equal(rep.history[ch], replicas[0].history[ch]) {
				out = append(out, fmt.Sprintf("%s: %s (%d events) vs %s (%d events)", ch,
					replicas[0].server, len(replicas[0].history[ch]), rep.server, len(rep.history[ch])))
			}
		}
	}
	return out
}

// toUint reads an integer with the wire's lenient rules.
func toUint(v any) uint64 {
	n, _ := wire.AsInt(v)
	return uint64(max(n, 0))
}
