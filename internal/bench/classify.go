package bench

import (
	"slices"
	"strings"
)

// Kinds of runs in a report, told apart by what they measured.
const (
	kindEcho       = "echo"
	kindEchoRaw    = "echo-raw"
	kindPublish    = "publish"
	kindProfiled   = "profile" // a run under perf ("profile", "profile-history"): its figures explain, they do not measure
	kindDelivery   = "delivery"
	kindHistory    = "history"
	kindCatchup    = "catch-up"
	kindFailover   = "failover"
	kindMixed      = "mixed"
	kindUnknownMix = "other"
)

func (r *Report) kind() string {
	switch {
	case r.Failed != "":
		return r.Label
	case r.Label == kindProfiled || strings.HasPrefix(r.Label, kindProfiled+"-"):
		return kindProfiled
	case r.Target == "echo":
		return kindEcho
	case r.Target == "echo-raw":
		return kindEchoRaw
	case r.Catchup != nil:
		return kindCatchup
	case r.Failover != nil:
		return kindFailover
	case r.Rate > 0 && r.Subscribers > 0:
		return kindDelivery
	case r.Fill > 0 && strings.Contains(r.Mix, "history"):
		return kindHistory
	case r.Mix == "publish=100":
		return kindPublish
	case r.Mix != "":
		return kindMixed
	}
	return kindUnknownMix
}

// runs is the reports of one benchmark session, in the order they ran.
type runs []*Report

// ofKind is the runs of kind that produced figures.
func (rs runs) ofKind(kind string) runs {
	var out runs
	for _, r := range rs {
		if r.kind() == kind && r.Failed == "" {
			out = append(out, r)
		}
	}
	return out
}

// failure is why a run of kind failed, "" if none did.
func (rs runs) failure(kind string) string {
	for _, r := range rs {
		if r.Failed != "" && r.Label == kind {
			return r.Failed
		}
	}
	return ""
}

// echoFor is the echo bound measured with the same number of clients.
func (rs runs) echoFor(clients int) *Report {
	i := slices.IndexFunc(rs, func(r *Report) bool { return r.kind() == kindEcho && r.Failed == "" && r.Clients == clients })
	if i < 0 {
		return nil
	}
	return rs[i]
}

// ratio is r's throughput over the echo bound at its client count; ok is
// false when there is none.
func (rs runs) ratio(r *Report) (float64, bool) {
	e := rs.echoFor(r.Clients)
	if e == nil || e.Throughput == 0 {
		return 0, false
	}
	return r.Throughput / e.Throughput, true
}

// servers are the server processes of a run (s1, s2, ...).
func (r *Report) servers() []ProcStat {
	var out []ProcStat
	for _, p := range r.Processes {
		if len(p.Name) > 1 && p.Name[0] == 's' && p.Name[1] >= '0' && p.Name[1] <= '9' {
			out = append(out, p)
		}
	}
	return out
}

// serverCPU is the servers' CPU in percent of one core, added up.
func (r *Report) serverCPU() float64 {
	var sum float64
	for _, p := range r.servers() {
		sum += p.CPUPercent
	}
	return sum
}

// serverPeakRSS is the largest peak RSS of any server, MB.
func (r *Report) serverPeakRSS() float64 {
	var m float64
	for _, p := range r.servers() {
		m = max(m, p.PeakRSSMB)
	}
	return m
}

// serverCPUPerRequest is the servers' CPU time per successful request, µs.
func (r *Report) serverCPUPerRequest() float64 {
	ok := r.Requests - r.Errors
	if ok <= 0 {
		return 0
	}
	var sum float64
	for _, p := range r.servers() {
		sum += p.CPUSeconds
	}
	return sum * 1e6 / float64(ok)
}

// explains is the kind of run a profiled run stands for: its kind had it
// not run under perf.
func (r *Report) explains() string {
	plain := *r
	plain.Label = ""
	return plain.kind()
}

// profileOf is the profiled run that explains a run of r's kind: one of
// the same kind, else the publish profile (every write goes the same
// path), or nil.
func (rs runs) profileOf(r *Report) *Report {
	if r.Profile != "" {
		return r
	}
	var publish *Report
	for _, p := range rs.ofKind(kindProfiled) {
		switch p.explains() {
		case r.kind():
			return p
		case kindPublish:
			publish = p
		}
	}
	if r.kind() == kindHistory {
		return nil // reads do not go the write path
	}
	return publish
}
