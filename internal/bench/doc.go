// Package bench is zchat's load generator and performance report.
//
// Run drives N concurrent simulated clients, one REQ socket each (libzmq
// sockets are not thread-safe, so every socket stays in its goroutine),
// through a broker with a weighted mix of requests (publish, message,
// history, ...), and M subscribers on the proxy that measure how long a
// post takes from the moment its client sent it to the moment a subscriber
// receives it (the post's text carries its send time). Latencies go into
// HDR histograms; the Report has throughput, percentiles, errors, retries
// and, for clusters it started itself, each process's CPU time and peak
// RSS read from /proc.
//
// The target is either a running cluster, a cluster of real child
// processes started for the run (Spawn: reference, broker, proxy, servers
// on free ports with a temporary data directory), or the transport bound
// (Echo): the same broker in front of DEALER workers that answer every
// request at once with a canned reply, without decoding, storing or
// publishing. Comparing the two in the same run tells how much of the
// transport's ceiling the real request path keeps.
//
// The package also pre-fills server data directories with a large history
// (Fill), measures an empty replica's catch-up, runs failover trials and
// the fairness run (Flood: a paced client alone, then beside a client
// flooding the broker), and renders the JSON lines of several runs as
// BENCHMARKS.md.
package bench
