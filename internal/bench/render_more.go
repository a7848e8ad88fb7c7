package bench

import (
	"fmt"
	"os"
	"strings"
)

func writeProcesses(b *strings.Builder, rs runs) {
	b.WriteString("## Processes\n\nEach process's CPU during the measured span in % of one core (for catch-up: from the empty server's start until it held everything) and its peak RSS (VmHWM) since it started, from /proc. `bench` is the load generator itself; for echo runs s1..s3 are the echo workers.\n\n")
	names := []string{"reference", "broker", "proxy", "s1", "s2", "s3", "bench"}
	b.WriteString("| run | clients | " + strings.Join(names, " | ") + " |\n|---|---:" + strings.Repeat("|---:", len(names)) + "|\n")
	for _, r := range rs {
		if len(r.Processes) == 0 {
			continue
		}
		cells := make([]string, len(names))
		for i, n := range names {
			cells[i] = "—"
			for _, p := range r.Processes {
				if p.Name == n {
					cells[i] = fmt.Sprintf("%.0f%% · %.0f MB", p.CPUPercent, p.PeakRSSMB)
				}
			}
		}
		fmt.Fprintf(b, "| %s | %d | %s |\n", runName(r), r.Clients, strings.Join(cells, " | "))
	}
	b.WriteString("\n")
}

// writeProfiles quotes the CPU profile behind each missed target: that of
// the run itself if it ran under perf, else that of the separate profiled
// run of its kind (measured runs run without perf, which slows them). A
// profile behind several targets is quoted once.
func writeProfiles(b *strings.Builder, rs runs, vs []verdict) {
	b.WriteString("## Profiles of missed targets\n\n")
	any := false
	quoted := map[string]string{} // profile file -> the target it was quoted under
	for _, v := range vs {
		if v.Met || v.Run == nil {
			continue
		}
		any = true
		fmt.Fprintf(b, "### %s\n\n", v.Target)
		writeProfileOf(b, rs, v, quoted)
	}
	if !any {
		b.WriteString("Every measured target was met.\n\n")
	}
}

func writeProfileOf(b *strings.Builder, rs runs, v verdict, quoted map[string]string) {
	prof := rs.profileOf(v.Run)
	if prof == nil {
		b.WriteString("No CPU profile was captured in this run.\n\n")
		return
	}
	if first, ok := quoted[prof.Profile]; ok {
		fmt.Fprintf(b, "The profile of the run labelled `%s`, quoted under \"%s\" above.\n\n", prof.Label, first)
		return
	}
	text, err := os.ReadFile(prof.Profile)
	if err != nil {
		b.WriteString("No CPU profile was captured in this run.\n\n")
		return
	}
	quoted[prof.Profile] = v.Target
	if prof != v.Run {
		fmt.Fprintf(b, "From the run labelled `%s`, a %s run with %d clients under perf, apart from the measured one because perf slows what it watches (it did %.0f req/s).\n\n",
			prof.Label, prof.explains(), prof.Clients, prof.Throughput)
	}
	writeCosts(b, prof)
	if shares := breakdown(string(text)); len(shares) > 0 {
		fmt.Fprintf(b, "Where the servers' CPU went (inclusive shares of all samples, overlapping): %s.\n\n", joinShares(shares))
	}
	fmt.Fprintf(b, "`perf record -e cpu-clock -g` of the server processes during the %s run:\n\n```\n%s```\n\n", prof.Label, excerpt(string(text)))
}

// writeCosts gives the servers' system calls and context switches per
// request (per event for a catch-up), from perf stat.
func writeCosts(b *strings.Builder, r *Report) {
	unit, n := "acknowledged request", float64(r.Requests-r.Errors)
	if r.Catchup != nil {
		unit, n = "caught-up event", float64(r.Catchup.Events)
	}
	if costs := perUnit(r.Counters, n); len(costs) > 0 {
		fmt.Fprintf(b, "Per %s, the servers together made: %s.\n\n", unit, strings.Join(costs, ", "))
	}
	if io := ioCosts(r.Syscalls, n); io != "" {
		fmt.Fprintf(b, "Per %s, the servers' threads spent %s.\n\n", unit, io)
	}
}

// ioCosts describes the time spent in the traced system calls per unit.
func ioCosts(times map[string]SyscallTime, units float64) string {
	if len(times) == 0 || units <= 0 {
		return ""
	}
	var parts []string
	for _, name := range tracedSyscalls {
		t, ok := times[name]
		if !ok || t.Calls == 0 {
			continue
		}
		parts = append(parts, fmt.Sprintf("%.0f µs in %s (%.2f calls of %.0f µs on average)",
			t.TotalMS*1000/units, name, float64(t.Calls)/units, t.TotalMS*1000/float64(t.Calls)))
	}
	return strings.Join(parts, ", ")
}

func joinShares(ss []share) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = s.String()
	}
	return strings.Join(parts, "; ")
}

// excerpt keeps the libraries, the hottest functions and, of the
// inclusive view, zchat's own code paths, without perf's comment lines.
func excerpt(report string) string {
	var b strings.Builder
	for _, sec := range []struct {
		title string
		keep  func(string) bool
		lines int
	}{
		{sectionDSO, func(string) bool { return true }, 6},
		{sectionSelf, func(string) bool { return true }, 8},
		{sectionInclusive, func(l string) bool { return strings.Contains(l, "zchat/") }, 14},
	} {
		fmt.Fprintf(&b, "## %s\n", sec.title)
		n := 0
		for line := range strings.Lines(section(report, sec.title)) {
			if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" || !sec.keep(line) || n >= sec.lines {
				continue
			}
			b.WriteString(line)
			n++
		}
		b.WriteString("\n")
	}
	return b.String()
}

func writeCommands(b *strings.Builder, rs runs) {
	b.WriteString("## Command lines\n\nEach run, in order (`zchat` is `bin/zchat` built from this checkout; the load average is the machine's when the run began):\n\n```\n")
	for _, r := range rs {
		fmt.Fprintf(b, "zchat %s    # load %s\n", strings.Join(r.Args, " "), r.LoadAvg)
	}
	b.WriteString("```\n\n")
}
