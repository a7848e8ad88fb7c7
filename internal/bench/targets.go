package bench

import "fmt"

// verdict is one target checked against a run.
type verdict struct {
	Target   string
	Measured string
	Met      bool
	Margin   string  // by how much it was met or missed
	Run      *Report // the run it was measured in, for its profile
}

// checkTargets evaluates the targets of the benchmark issue against the
// runs; a target without a run is reported as not measured.
func checkTargets(rs runs) []verdict {
	var out []verdict
	for _, r := range rs.ofKind(kindPublish) {
		if r.Clients == 64 && len(r.ServerEnv) == 0 && r.Servers == 3 {
			out = append(out, throughputTarget(rs, r))
		}
	}
	if len(out) == 0 {
		out = append(out, notMeasured(rs, kindPublish, "durable publish throughput at 64 clients ≥ 50% of the echo bound"))
	}
	out = append(out, deliveryTarget(rs), historyTarget(rs), catchupTarget(rs), rssTarget(rs))
	return out
}

// notMeasured says why a target has no figure: its run failed, or there
// was none.
func notMeasured(rs runs, kind, target string) verdict {
	why := "no such run in this session"
	if f := rs.failure(kind); f != "" {
		why = f
	}
	return verdict{Target: target, Measured: "not measured: " + why}
}

func throughputTarget(rs runs, r *Report) verdict {
	t := fmt.Sprintf("durable publish throughput at 64 clients, --sync-replicas %d, ≥ 50%% of the echo bound", r.SyncReplicas)
	q, ok := rs.ratio(r)
	if !ok {
		return notMeasured(rs, kindEcho, t)
	}
	v := verdict{Target: t, Run: r, Met: q >= 0.5,
		Measured: fmt.Sprintf("%.0f req/s = %.1f%% of %.0f", r.Throughput, 100*q, rs.echoFor(64).Throughput)}
	v.Margin = margin(v.Met, fmt.Sprintf("%.1f points", 100*(q-0.5)), fmt.Sprintf("short by %.1f points (needs %.2f× the throughput)", 100*(0.5-q), 0.5/q))
	return v
}

func deliveryTarget(rs runs) verdict {
	const t = "publish → subscriber delivery p99 ≤ 2 ms at 1k msg/s"
	ds := rs.ofKind(kindDelivery)
	if len(ds) == 0 || ds[0].Deliveries == 0 {
		return notMeasured(rs, kindDelivery, t)
	}
	r := ds[0]
	reached := r.Throughput >= 0.9*r.Rate
	v := verdict{Target: t, Run: r, Met: r.DeliveryP99 <= 2 && reached,
		Measured: fmt.Sprintf("p99 %.2f ms at %.0f msg/s (%d deliveries of %d expected)", r.DeliveryP99, r.Throughput, r.Deliveries, r.DeliveryExpected)}
	v.Margin = upper(r.DeliveryP99 <= 2, r.DeliveryP99, 2, "ms")
	if !reached {
		v.Margin += fmt.Sprintf("; the cluster did not reach the %.0f msg/s asked", r.Rate)
	}
	return v
}

func historyTarget(rs runs) verdict {
	const t = "history (last 100 posts) p99 ≤ 5 ms with 1M posts stored"
	hs := rs.ofKind(kindHistory)
	if len(hs) == 0 {
		return notMeasured(rs, kindHistory, t)
	}
	r := hs[0]
	p99 := r.Ops[OpHistory].P99
	v := verdict{Target: t, Run: r, Met: p99 <= 5 && r.Ops[OpHistory].Count > 0,
		Measured: fmt.Sprintf("p99 %.2f ms with %d posts, %d clients", p99, r.Fill, r.Clients)}
	if s := r.StoreHistory; s != nil {
		v.Measured += fmt.Sprintf("; the query alone: p99 %.2f ms", s.P99)
	}
	if p := pacedHistory(hs); p != nil {
		v.Measured += fmt.Sprintf("; paced at %.0f req/s (below saturation): p50 %.2f ms, p99 %.2f ms",
			p.Rate, p.Ops[OpHistory].P50, p.Ops[OpHistory].P99)
	}
	v.Margin = upper(v.Met, p99, 5, "ms")
	return v
}

// pacedHistory is a history run at a fixed request rate, if any: latency
// without the queueing of the closed-loop run, which saturates the cluster.
// It is reported beside the closed-loop figure, which stays the verdict.
func pacedHistory(hs runs) *Report {
	for _, r := range hs[1:] {
		if r.Rate > 0 && r.Ops[OpHistory].Count > 0 {
			return r
		}
	}
	return nil
}

func catchupTarget(rs runs) verdict {
	const t = "empty-replica catch-up ≥ 50k events/s"
	cs := rs.ofKind(kindCatchup)
	if len(cs) == 0 {
		return notMeasured(rs, kindCatchup, t)
	}
	r := cs[0]
	c := r.Catchup
	v := verdict{Target: t, Run: r, Met: c.Complete && c.EventsPerSec >= 50000,
		Measured: fmt.Sprintf("%.0f events/s (%d of %d events in %.1f s, first after %.1f s)", c.EventsPerSec, c.Events, c.Want, c.Seconds, c.FirstSeconds)}
	if !c.Complete {
		v.Measured += "; did not finish"
	}
	v.Margin = margin(v.Met, fmt.Sprintf("%.2f× the goal", c.EventsPerSec/50000), fmt.Sprintf("short by %.0f%% (needs %.1f× the rate)", 100*(1-c.EventsPerSec/50000), 50000/max(c.EventsPerSec, 1)))
	return v
}

func rssTarget(rs runs) verdict {
	const t = "server peak RSS ≤ 200 MB with 1M posts stored"
	var worst *Report
	for _, r := range append(rs.ofKind(kindHistory), rs.ofKind(kindCatchup)...) {
		if worst == nil || r.serverPeakRSS() > worst.serverPeakRSS() {
			worst = r
		}
	}
	if worst == nil {
		return notMeasured(rs, kindHistory, t)
	}
	rss := worst.serverPeakRSS()
	v := verdict{Target: t, Run: worst, Met: rss <= 200,
		Measured: fmt.Sprintf("%.0f MB (largest server, %s run)", rss, worst.kind())}
	v.Margin = upper(v.Met, rss, 200, "MB")
	return v
}

func margin(met bool, ok, missed string) string {
	if met {
		return "met, by " + ok
	}
	return "missed: " + missed
}

// upper describes a value against an upper bound.
func upper(met bool, v, bound float64, unit string) string {
	if met {
		return fmt.Sprintf("met, %.2f %s under", bound-v, unit)
	}
	return fmt.Sprintf("missed by %.2f %s (%.1f× the bound)", v-bound, unit, v/bound)
}
