package bench

import (
	"os"
	"strconv"
	"time"
)

// sampled is one process's /proc sample, by name.
type sampled struct {
	pid    int
	sample procSample
}

// sampleProcs reads /proc for the target's processes and this one
// ("bench"); processes that cannot be read are left out.
func sampleProcs(t target) map[string]sampled {
	out := map[string]sampled{}
	for _, np := range append(t.processes(), namedPid{"bench", os.Getpid()}) {
		if s, err := readProc(strconv.Itoa(np.pid)); err == nil {
			out[np.name] = sampled{np.pid, s}
		}
	}
	return out
}

// procStats is each process's CPU time between the samples and its peak
// RSS at the end, in the target's order with this process last.
func procStats(before, after map[string]sampled, span time.Duration) []ProcStat {
	var stats []ProcStat
	for _, name := range orderedNames(after) {
		a := after[name]
		cpu := a.sample.CPU
		if b, ok := before[name]; ok && b.pid == a.pid {
			cpu -= b.sample.CPU
		}
		p := ProcStat{Name: name, Pid: a.pid, CPUSeconds: round(cpu.Seconds()),
			PeakRSSMB: round(float64(a.sample.PeakRSS) / (1 << 20))}
		if span > 0 {
			p.CPUPercent = round(100 * cpu.Seconds() / span.Seconds())
		}
		stats = append(stats, p)
	}
	return stats
}

// orderedNames puts the components first in a fixed order, then servers
// by number, then this process.
func orderedNames(m map[string]sampled) []string {
	var out []string
	for _, n := range []string{"reference", "broker", "proxy"} {
		if _, ok := m[n]; ok {
			out = append(out, n)
		}
	}
	for i := 1; i <= len(m); i++ {
		if _, ok := m[serverName(i)]; ok {
			out = append(out, serverName(i))
		}
	}
	for _, n := range []string{"flooder", "bench"} {
		if _, ok := m[n]; ok {
			out = append(out, n)
		}
	}
	return out
}
