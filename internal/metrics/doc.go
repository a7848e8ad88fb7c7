// Package metrics gives each long-running zchat component (server, broker,
// proxy, reference) one optional HTTP listener (--metrics ADDR) with:
//
//   - /metrics: Prometheus metrics from the component's own registry (no
//     global registry): Go runtime and process metrics plus the zchat_*
//     metrics the component registers through this package;
//   - /healthz: a JSON report of named checks (storage writable, peers
//     reachable, ...), 200 when all pass and 503 otherwise;
//   - /debug/pprof/: net/http/pprof.
//
// An Endpoint is cheap and always created, so components instrument
// unconditionally; only serving it is optional. Metric names are listed
// in docs/production.md.
package metrics
