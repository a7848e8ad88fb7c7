package bench

import (
	"fmt"
	"os"
	"strings"
)

// writeFindings states what the session's runs show when compared with
// each other: each finding is computed from the figures above it and is
// left out when its runs are missing.
func writeFindings(b *strings.Builder, rs runs) {
	var fs []string
	for _, f := range []func(runs) string{findReplication, findWriter, findResponder, findOverhead, findGOMAXPROCS, findHistory} {
		if s := f(rs); s != "" {
			fs = append(fs, s)
		}
	}
	if len(fs) == 0 {
		return
	}
	b.WriteString("## Findings\n\nComputed from the runs of this session.\n\n")
	for _, f := range fs {
		fmt.Fprintf(b, "- %s\n", f)
	}
	b.WriteString("\n")
}

// publishRun is the publish run at 64 clients with the given servers and
// sync replicas and no extra environment.
func (rs runs) publishRun(servers, sync int, env bool) *Report {
	for _, r := range rs.ofKind(kindPublish) {
		if r.Clients == 64 && r.Servers == servers && r.SyncReplicas == sync && (len(r.ServerEnv) > 0) == env {
			return r
		}
	}
	return nil
}

// profiledRun is the publish run at 64 clients on 3 servers that ran
// under perf: the source of the CPU and syscall breakdowns. Its own
// throughput is not comparable (syscall tracing slows the servers).
func (rs runs) profiledRun() *Report {
	for _, r := range rs.ofKind(kindProfiled) {
		if r.Clients == 64 && r.Servers == 3 && len(r.ServerEnv) == 0 {
			return r
		}
	}
	return nil
}

func findReplication(rs runs) string {
	one, three := rs.publishRun(1, 0, false), rs.publishRun(3, 0, false)
	if one == nil || three == nil || one.serverCPUPerRequest() == 0 {
		return ""
	}
	c1, c3 := one.serverCPUPerRequest(), three.serverCPUPerRequest()
	return fmt.Sprintf("**Replication is most of the servers' work.** At 64 clients one server alone acknowledges %.0f publishes/s (%.2f× echo) "+
		"for %.0f µs of server CPU each; three servers acknowledge %.0f/s (%.2f× echo) for %.0f µs each: "+
		"every event is also shipped to and applied (indexed and fsynced) by two peers, so %.0f%% of the servers' CPU per publish goes to replication. "+
		"On a 2-core machine that shares its cores with the broker, the proxy and the load generator, the CPU per publish bounds the throughput.",
		one.Throughput, ratioOr(rs, one), c1, three.Throughput, ratioOr(rs, three), c3, 100*(c3-c1)/c3)
}

func findResponder(rs runs) string {
	echo, raw := rs.echoFor(64), rs.ofKind(kindEchoRaw)
	if echo == nil || len(raw) == 0 || echo.serverCPUPerRequest() == 0 {
		return ""
	}
	r := raw[0]
	return fmt.Sprintf("**The server's transport.Responder** (a goroutine per request, replies handed back through a Go channel) costs the echo workers %.0f µs of CPU per request "+
		"against %.0f µs for a plain receive-reply loop; the raw loop reaches %.2f× the echo bound's throughput.",
		echo.serverCPUPerRequest(), r.serverCPUPerRequest(), r.Throughput/echo.Throughput)
}

func findOverhead(rs runs) string {
	r := rs.profiledRun()
	if r == nil {
		return ""
	}
	text, err := os.ReadFile(r.Profile)
	if r.Profile == "" || err != nil {
		return ""
	}
	var sched, sysmon float64
	for _, s := range breakdown(string(text)) {
		switch s.label {
		case buckets[0].label:
			sched = s.percent
		case buckets[1].label:
			sysmon = s.percent
		}
	}
	costs := perUnit(r.Counters, float64(r.Requests-r.Errors))
	return fmt.Sprintf("**Thread hand-offs cost more than the work.** In the 64-client run %.0f%% of the servers' CPU samples are the kernel switching threads "+
		"and %.0f%% the Go runtime's sysmon thread, which wakes every 20 µs to 10 ms and stays at the short end while goroutines block in cgo calls (SQLite writes and fsync; socket owners wait in Go's netpoller since zmqx.Watch). "+
		"Per acknowledged publish the three servers made %s (a separate run under perf, whose syscall tracing slows the servers: %.0f req/s). The request path's own code (decoding, the store, replication, publishing) is a small share of the samples.",
		sched, sysmon, strings.Join(costs, ", "), r.Throughput)
}

func findGOMAXPROCS(rs runs) string {
	base, one := rs.publishRun(3, 0, false), rs.publishRun(3, 0, true)
	if base == nil || one == nil || base.Throughput == 0 {
		return ""
	}
	return fmt.Sprintf("With the servers on one P (`GOMAXPROCS=1`, fewer threads to hand work between) the same run did %.0f publishes/s (%.2f× the default's %.0f) "+
		"for %.0f µs of server CPU each (default: %.0f µs).",
		one.Throughput, one.Throughput/base.Throughput, base.Throughput, one.serverCPUPerRequest(), base.serverCPUPerRequest())
}

func findHistory(rs runs) string {
	hs := rs.ofKind(kindHistory)
	if len(hs) == 0 || hs[0].StoreHistory == nil {
		return ""
	}
	r, s := hs[0], hs[0].StoreHistory
	h := r.Ops[OpHistory]
	return fmt.Sprintf("**History: the query is not the problem.** The last %d posts of a channel holding %d: the SQLite query alone takes p50 %.2f ms, p99 %.2f ms; "+
		"through the broker it takes p50 %.2f ms, p99 %.2f ms, and %.0f µs of server CPU per request (building and encoding a reply of 100 messages, and the same hand-offs as above).",
		DefaultHistoryLimit, r.Fill, s.P50, s.P99, h.P50, h.P99, r.serverCPUPerRequest())
}

func ratioOr(rs runs, r *Report) float64 {
	q, _ := rs.ratio(r)
	return q
}

// findWriter tells how busy each server's single store writer was.
func findWriter(rs runs) string {
	r := rs.profiledRun()
	if r == nil || len(r.Syscalls) == 0 || r.Seconds == 0 {
		return ""
	}
	var busy float64
	for _, t := range r.Syscalls {
		busy += t.TotalMS
	}
	share := busy / (r.Seconds * 1000 * float64(max(r.Servers, 1)))
	title := "Each server's single store writer spends much of its time in I/O."
	if share >= 0.5 {
		title = "Each server's single store writer is mostly waiting on I/O."
	}
	return fmt.Sprintf("**%s** In the 64-client run it spent %.0f%% of the measured time in pwrite and fsync (a lower bound: time between calls, in SQLite, is not counted): "+
		"per acknowledged publish the servers together spent %s. An event is stored on all three servers and each store writes several pages per event "+
		"(the events table and its indexes by target, by user, by request id, the vector); "+
		"local commits queue behind the peers' replicated batches in the same writer.",
		title, 100*share, ioCosts(r.Syscalls, float64(r.Requests-r.Errors)))
}
