package replication

import (
	"math"
	"sync/atomic"
)

// counters are replication's work since start, for status.
type counters struct {
	pushCalls    atomic.Uint64 // replicate requests sent (probes included)
	pushErrors   atomic.Uint64
	pushed       atomic.Uint64 // events sent by shippers
	received     atomic.Uint64 // events applied from replicate requests
	fetchCalls   atomic.Uint64
	pulled       atomic.Uint64 // events applied from fetches
	pullErrors   atomic.Uint64 // failed anti-entropy rounds with a peer
	pullRounds   atomic.Uint64
	syncWaits    atomic.Uint64
	syncTimeouts atomic.Uint64
	divergences  atomic.Uint64 // logs of an origin found to differ from a peer's (each time found)
	repairs      atomic.Uint64 // our log of an origin truncated to its origin's
	truncated    atomic.Uint64 // events those repairs removed
}

// StatusFields adds replication state to the status reply under
// "replication": per peer the acknowledged seq of our origin and how many
// of our events it lacks; counters; the lag histogram's quantiles.
func (r *Replicator) StatusFields() map[string]any {
	s := &r.stats
	return map[string]any{"replication": map[string]any{
		"origin": r.origin, "local_seq": r.localSeq.Load(), "sync_replicas": r.cfg.SyncReplicas,
		"peers":      r.peerStatus(),
		"push_calls": s.pushCalls.Load(), "push_errors": s.pushErrors.Load(),
		"pushed": s.pushed.Load(), "received": s.received.Load(),
		"fetch_calls": s.fetchCalls.Load(), "pulled": s.pulled.Load(), "pull_errors": s.pullErrors.Load(),
		"pull_rounds": s.pullRounds.Load(),
		"sync_waits":  s.syncWaits.Load(), "sync_timeouts": s.syncTimeouts.Load(),
		"divergences": s.divergences.Load(), "repairs": s.repairs.Load(), "truncated": s.truncated.Load(),
		"lag_samples": r.lag.total.Load(),
		"lag_p50_ms":  millis(r.lag.quantile(0.50)), "lag_p99_ms": millis(r.lag.quantile(0.99)),
	}}
}

func (r *Replicator) peerStatus() map[string]any {
	local := r.localSeq.Load()
	out := map[string]any{}
	for name, p := range r.acks.snapshot() {
		out[name] = map[string]any{"origin": p.origin, "acked": p.seq, "behind": local - min(p.seq, local), "diverged": p.diverged}
	}
	return out
}

func millis(seconds float64) float64 { return math.Round(seconds*1e6) / 1e3 }
