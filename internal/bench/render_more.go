package bench

import (
	"fmt"
	"os"
	"strings"
)

// profileLines bounds each section of a profile excerpt.
const profileLines = 14

func writeProcesses(b *strings.Builder, rs runs) {
	b.WriteString("## Processes\n\nCPU time during the measured span (for catch-up: from the empty server's start until it held everything) and peak RSS (VmHWM) since each process started, from /proc. `bench` is the load generator itself.\n\n")
	b.WriteString("| run | clients | process | CPU s | % of a core | peak RSS MB |\n|---|---:|---|---:|---:|---:|\n")
	for _, r := range rs {
		for _, p := range r.Processes {
			fmt.Fprintf(b, "| %s | %d | %s | %.2f | %.0f | %.1f |\n", runName(r), r.Clients, p.Name, p.CPUSeconds, p.CPUPercent, p.PeakRSSMB)
		}
	}
	b.WriteString("\n")
}

// writeProfiles quotes the CPU profile of the run behind each missed
// target.
func writeProfiles(b *strings.Builder, vs []verdict) {
	b.WriteString("## Profiles of missed targets\n\n")
	any := false
	for _, v := range vs {
		if v.Met || v.Run == nil {
			continue
		}
		any = true
		fmt.Fprintf(b, "### %s\n\n", v.Target)
		text, err := os.ReadFile(v.Run.Profile)
		if v.Run.Profile == "" || err != nil {
			b.WriteString("No CPU profile was captured in this run.\n\n")
			continue
		}
		fmt.Fprintf(b, "`perf record -e cpu-clock -g` of the server processes during the %s run:\n\n```\n%s```\n\n", v.Run.kind(), excerpt(string(text)))
	}
	if !any {
		b.WriteString("Every measured target was met.\n\n")
	}
}

// excerpt keeps the first lines of each section of a perf text report,
// without perf's comment lines.
func excerpt(report string) string {
	var b strings.Builder
	n := 0
	for line := range strings.Lines(report) {
		switch {
		case strings.HasPrefix(line, "## "):
			b.WriteString("\n" + line)
			n = 0
		case strings.HasPrefix(line, "#"), strings.TrimSpace(line) == "":
		case n < profileLines:
			b.WriteString(line)
			n++
		}
	}
	return strings.TrimLeft(b.String(), "\n")
}

func writeCommands(b *strings.Builder, rs runs) {
	b.WriteString("## Command lines\n\nEach run, in order (`zchat` is `bin/zchat` built from this checkout; the load average is the machine's when the run began):\n\n```\n")
	for _, r := range rs {
		fmt.Fprintf(b, "zchat %s    # load %s\n", strings.Join(r.Args, " "), r.LoadAvg)
	}
	b.WriteString("```\n\n")
}
