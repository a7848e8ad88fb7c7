package metrics_test

import (
	"net/http"
	"testing"
	"time"

	"zchat/internal/testcluster"
)

// TestServerScrape starts real processes and checks that a server's
// counters move with traffic, that its status (coordination, peers) is
// exported, and that /healthz follows the proxy going away and back.
func TestServerScrape(t *testing.T) {
	c := testcluster.Start(t, testcluster.Options{LogLevel: "info"})
	addr := freeAddr(t)
	c.StartServerWith("s1", "--metrics", addr)
	c.StartServer("s2")
	url := "http://" + addr
	before := scrapeURL(t, url)

	ask := func(service string, data map[string]any) {
		t.Helper()
		if _, err := testcluster.Ask(c.Frontend(), service, data, 3*time.Second); err != nil {
			t.Fatalf("%s: %v", service, err)
		}
	}
	for range 10 { // round-robin over two servers: s1 gets some of each
		ask("login", map[string]any{"user": "ana"})
		ask("publish", map[string]any{"user": "ana", "channel": "geral", "message": "olá"})
		ask("nonsense", nil)
	}
	waitFor(t, "s1 to know its coordinator and peer", func() bool {
		got := scrapeURL(t, url)
		return got["zchat_peers"] == 1 && got[`zchat_coordinator{coordinator="s2"}`] == 1
	})
	got := scrapeURL(t, url)
	for _, name := range []string{
		`zchat_requests_total{service="login",status="sucesso"}`, `zchat_requests_total{service="publish",status="erro"}`,
		`zchat_requests_total{service="unknown",status="erro"}`, `zchat_request_duration_seconds_count{service="login"}`,
		"zchat_request_bytes_total", "zchat_reply_bytes_total", "zchat_store_commits_total", "zchat_store_commit_events_count",
		"zchat_store_commit_seconds_count",
	} {
		must(t, got, name, atLeast(before[name]+1), "more than before: "+label(before[name]))
	}
	must(t, got, "zchat_elections_total", atLeast(1), ">= 1")
	must(t, got, "zchat_is_coordinator", eq(0), "0 (s2 has the higher rank)")
	must(t, got, "zchat_server_rank", eq(1), "1")
	must(t, got, "process_resident_memory_bytes", atLeast(1), "> 0")
	must(t, got, "go_goroutines", atLeast(1), "> 0")

	code, rep := healthOf(t, url)
	if code != http.StatusOK || rep.Checks["storage"] != "ok" || rep.Checks["broker"] != "ok" || rep.Checks["reference"] != "ok" {
		t.Fatalf("healthz: %d %+v", code, rep)
	}
	c.Stop("proxy")
	if code, rep := healthOf(t, url); code != http.StatusServiceUnavailable || rep.Checks["proxy"] == "ok" {
		t.Fatalf("healthz without the proxy: %d %+v", code, rep)
	}
	c.Restart("proxy")
	if code, rep := healthOf(t, url); code != http.StatusOK {
		t.Fatalf("healthz with the proxy back: %d %+v", code, rep)
	}
	resp, err := http.Get(url + "/debug/pprof/goroutine?debug=1")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("pprof: %v %v", resp, err)
	}
	resp.Body.Close()
}
