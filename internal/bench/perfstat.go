package bench

import (
	"bufio"
	"os"
	"slices"
	"strconv"
	"strings"
)

// readPerfStat reads `perf stat -x ,` output: value,unit,event,...
// Uncounted events are left out.
func readPerfStat(path string) map[string]int64 {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	out := map[string]int64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), ",")
		if len(fields) < 3 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		v, err := strconv.ParseFloat(fields[0], 64)
		if err != nil {
			continue // "<not counted>", "<not supported>"
		}
		if fields[1] == "msec" {
			v *= 1e6 // task-clock: keep nanoseconds
		}
		out[strings.TrimPrefix(fields[2], "syscalls:sys_enter_")] = int64(v)
	}
	return out
}

// perUnit describes counters per request (or per event): what each one
// costs the servers in system calls and context switches.
func perUnit(counters map[string]int64, units float64) []string {
	if len(counters) == 0 || units <= 0 {
		return nil
	}
	var out []string
	for _, c := range []struct{ key, label string }{
		{"context-switches", "context switches"}, {"futex", "futex"}, {"poll", "poll"},
		{"epoll_wait", "epoll_wait"}, {"nanosleep", "nanosleep (Go's sysmon)"},
		{"pwrite64", "pwrite (SQLite pages)"}, {"fsync", "fsync"}, {"fdatasync", "fdatasync"},
	} {
		if v, ok := counters[c.key]; ok && v > 0 {
			out = append(out, strconv.FormatFloat(float64(v)/units, 'f', 2, 64)+" "+c.label)
		}
	}
	if ns, ok := counters["task-clock"]; ok {
		out = append(out, strconv.FormatFloat(float64(ns)/1e3/units, 'f', 0, 64)+" µs of CPU")
	}
	return out
}

// tracedSyscalls are timed by `perf trace -s`: the store writer's I/O.
var tracedSyscalls = []string{"pwrite64", "fsync", "fdatasync"}

// SyscallTime is how often the servers made one system call and how long
// they spent in it, over the measured span.
type SyscallTime struct {
	Calls   int64   `json:"calls"`
	TotalMS float64 `json:"total_ms"`
}

// readPerfTrace adds up the per-thread summaries of `perf trace -s`:
//
//	syscall            calls  errors  total  min  avg  max  stddev
//	pwrite64            2153      0 204.473 ...
func readPerfTrace(path string) map[string]SyscallTime {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	out := map[string]SyscallTime{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 4 || !slices.Contains(tracedSyscalls, fields[0]) {
			continue
		}
		calls, err1 := strconv.ParseInt(fields[1], 10, 64)
		total, err2 := strconv.ParseFloat(fields[3], 64)
		if err1 != nil || err2 != nil {
			continue
		}
		t := out[fields[0]]
		t.Calls += calls
		t.TotalMS += total
		out[fields[0]] = t
	}
	return out
}
