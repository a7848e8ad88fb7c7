package shutdown_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"zchat/internal/cluster"
	"zchat/internal/freeport"
	"zchat/internal/testcluster"
)

const (
	workers   = 6
	channel   = "load"
	exitBound = 5 * time.Second // SIGTERM to exit, under load
)

func TestSIGTERMUnderLoad(t *testing.T) {
	c := testcluster.Start(t, testcluster.Options{LogLevel: "info"})
	s1 := startOwn(t, c, "s1")
	c.StartServer("s2")
	c.StartServer("s3")
	waitAnswered(t, c, "s1")
	createEverywhere(t, c, "s1", "s2", "s3")

	stop := make(chan struct{})
	ws, wg := startWorkers(c.Frontend(), stop)
	time.Sleep(time.Second)
	start := time.Now()
	err := s1.proc.Stop(10 * time.Second)
	took := time.Since(start)
	t.Logf("s1 stopped in %v (exit: %v)", took, err)
	if err != nil || took > exitBound {
		t.Errorf("s1 after SIGTERM: exit %v after %v, want exit status 0 within %v", err, took, exitBound)
	}
	time.Sleep(1500 * time.Millisecond)
	close(stop)
	wg.Wait()

	acked := checkOutcomes(t, ws, s1.origin(t))
	s1.start(t)
	waitAnswered(t, c, "s1")
	for _, name := range []string{"s1", "s2", "s3"} {
		checkHistory(t, c, name, acked)
	}
	logs := s1.logs(t)
	if !strings.Contains(logs, `msg=stopped component=server server=s1 err=<nil>`) || !strings.Contains(logs, "store closed") {
		t.Errorf("s1's log does not show a clean stop:\n%s", logs)
	}
	checkQuietLogs(t, logs, len(acked))
}

// checkQuietLogs checks that s1's info-level log, over two runs that stored
// or caught up every post, has no line per message, and that every line
// names the component and the server.
func checkQuietLogs(t *testing.T, logs string, posts int) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(logs), "\n")
	t.Logf("s1 wrote %d log lines at level info for %d posts", len(lines), posts)
	if len(lines) > posts/4 {
		t.Errorf("%d log lines at level info for %d posts: something logs per message", len(lines), posts)
	}
	for _, line := range lines {
		if !strings.Contains(line, "component=server server=s1") {
			t.Errorf("log line without component and server name: %s", line)
		}
	}
}

func startWorkers(frontend string, stop <-chan struct{}) ([]*worker, *sync.WaitGroup) {
	var wg sync.WaitGroup
	var ws []*worker
	for i := range workers {
		w := &worker{name: fmt.Sprintf("w%d", i+1), frontend: frontend, channel: channel, stop: stop}
		ws = append(ws, w)
		wg.Go(w.run)
	}
	return ws, &wg
}

// checkOutcomes checks that every request was acknowledged, and that none
// that the stopped server committed had to be retried: a retry answered
// with the stopped server's event id means it accepted the request but its
// reply never reached the client. It returns the acknowledged event ids
// by request id.
func checkOutcomes(t *testing.T, ws []*worker, stoppedOrigin string) map[string]string {
	t.Helper()
	acked := map[string]string{}
	retried, byServer := 0, map[string]int{}
	for _, w := range ws {
		if w.err != nil {
			t.Errorf("%s: %v", w.name, w.err)
		}
		for _, o := range w.out {
			if o.status != "OK" {
				t.Errorf("%s: not acknowledged after %d attempts: status %q", o.reqID, o.attempts, o.status)
				continue
			}
			acked[o.reqID] = o.id
			byServer[o.server]++
			if o.attempts > 1 {
				retried++
				if strings.HasPrefix(o.id, stoppedOrigin+":") {
					t.Errorf("%s: committed by the stopped server as %s but answered only on retry %d (by %s)", o.reqID, o.id, o.attempts, o.server)
				}
			}
		}
	}
	t.Logf("%d posts acknowledged (by server %v); %d needed a retry (queued to the stopped server, never taken)", len(acked), byServer, retried)
	if byServer["s1"] == 0 {
		t.Error("s1 answered nothing: the load did not reach it before the stop")
	}
	return acked
}

// checkHistory waits until server name's history of the channel holds
// every acknowledged post exactly once.
func checkHistory(t *testing.T, c *testcluster.Cluster, name string, acked map[string]string) {
	t.Helper()
	var missing []string
	var dups int
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		msgs, ok := historyFrom(c, name)
		if !ok {
			continue
		}
		missing, dups = compare(msgs, acked)
		if len(missing) == 0 && dups == 0 {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Errorf("%s's history: %d of %d acknowledged posts missing (e.g. %v), %d duplicated", name, len(missing), len(acked), first(missing, 5), dups)
}

// compare returns the acknowledged request ids whose post is not in msgs
// (by text) and how many texts appear more than once.
func compare(msgs []map[string]any, acked map[string]string) (missing []string, dups int) {
	seen := map[string]int{}
	for _, m := range msgs {
		text, _ := m["message"].(string)
		seen[text]++
		if seen[text] == 2 {
			dups++
		}
	}
	for reqID := range acked {
		if seen[reqID] == 0 {
			missing = append(missing, reqID)
		}
	}
	slices.Sort(missing)
	return missing, dups
}

// historyFrom reads server name's whole history of the channel through the
// broker, newest page first (a page is the newest messages before a
// cursor), each page from that server.
func historyFrom(c *testcluster.Cluster, name string) ([]map[string]any, bool) {
	var all []map[string]any
	before := ""
	for {
		page, ok := pageFrom(c, name, before)
		if !ok {
			return nil, false
		}
		all = append(page, all...)
		if len(page) < 1000 {
			return all, true
		}
		before, _ = page[0]["id"].(string)
	}
}

// pageFrom asks for the newest page of history before the given id (or the
// newest of all) until the named server answers.
// The broker hands requests to the servers in turn, so a second page never
// comes from the server of the first one at the first try.
func pageFrom(c *testcluster.Cluster, name, before string) ([]map[string]any, bool) {
	data := map[string]any{"channel": channel, "limit": 1000}
	if before != "" {
		data["before"] = before
	}
	for range 10 {
		reply, err := testcluster.Ask(c.Frontend(), "history", data, 3*time.Second)
		if err != nil || reply.Data["server"] != name {
			continue
		}
		msgs, _ := reply.Data["messages"].([]any)
		var page []map[string]any
		for _, m := range msgs {
			if mm, ok := m.(map[string]any); ok {
				page = append(page, mm)
			}
		}
		return page, true
	}
	return nil, false
}

// createEverywhere creates the channel until each named server has
// answered (created, or already has it).
func createEverywhere(t *testing.T, c *testcluster.Cluster, names ...string) {
	t.Helper()
	seen := map[string]bool{}
	deadline := time.Now().Add(testcluster.ReadyTimeout)
	for slices.ContainsFunc(names, func(n string) bool { return !seen[n] }) {
		if time.Now().After(deadline) {
			t.Fatalf("channel %s: only %v answered", channel, seen)
		}
		reply, err := testcluster.Ask(c.Frontend(), "channel", map[string]any{"channel": channel, "user": "w"}, time.Second)
		if err != nil {
			continue
		}
		if s, _ := reply.Data["server"].(string); s != "" {
			seen[s] = true
		}
	}
}

// waitAnswered waits until a request through the broker is answered by
// server name.
func waitAnswered(t *testing.T, c *testcluster.Cluster, name string) {
	t.Helper()
	deadline := time.Now().Add(testcluster.ReadyTimeout)
	for time.Now().Before(deadline) {
		if r, err := testcluster.Ask(c.Frontend(), "users", nil, 500*time.Millisecond); err == nil && r.Data["server"] == name {
			return
		}
	}
	t.Fatalf("%s never answered through the broker", name)
}

func first(s []string, n int) []string { return s[:min(n, len(s))] }

// ownServer is a server process this test runs itself (testcluster does
// not report exit statuses), wired to the cluster's endpoints.
type ownServer struct {
	args    []string
	dir, lp string
	proc    *cluster.Proc
}

func startOwn(t *testing.T, c *testcluster.Cluster, name string) *ownServer {
	t.Helper()
	base := t.TempDir()
	peer := "tcp://" + freeAddr(t)
	s := &ownServer{dir: filepath.Join(base, name), lp: filepath.Join(base, name+".log")}
	s.args = []string{"--log-level=info", "server", "--name", name, "--data", s.dir,
		"--broker", c.Backend(), "--proxy", c.XSub(), "--proxy-sub", c.XPub(),
		"--reference", c.Reference(), "--peer-bind", peer, "--advertise", peer}
	s.args = append(s.args, c.MemberArgs()...)
	s.start(t)
	t.Cleanup(func() {
		s.proc.Stop(10 * time.Second)
		if t.Failed() {
			t.Logf("==== log of %s ====\n%s", name, s.logs(t))
		}
	})
	return s
}

func (s *ownServer) start(t *testing.T) {
	t.Helper()
	f, err := os.OpenFile(s.lp, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "ZCHAT_") })
	if s.proc, err = cluster.Start(cluster.Spec{Name: "s1", Path: testcluster.Binary(t), Args: s.args, Env: env}, f); err != nil {
		t.Fatal(err)
	}
}

func (s *ownServer) logs(t *testing.T) string {
	b, _ := os.ReadFile(s.lp)
	return string(b)
}

// origin is the store origin of the server (its event ids start with it),
// read from its log.
func (s *ownServer) origin(t *testing.T) string {
	t.Helper()
	for _, line := range strings.Split(s.logs(t), "\n") {
		if _, rest, ok := strings.Cut(line, " origin="); ok && strings.Contains(line, "store opened") {
			return strings.Fields(rest)[0]
		}
	}
	t.Fatal("no origin in the server's log")
	return ""
}

func freeAddr(t *testing.T) string {
	t.Helper()
	addr, err := freeport.Addr()
	if err != nil {
		t.Fatal(err)
	}
	return addr
}
