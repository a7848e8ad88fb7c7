package bench

import (
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// perfRun is `perf record` sampling some processes, and `perf stat`
// counting their context switches and the system calls that tell where
// wall-clock time goes. perf sees the whole process, C included (libzmq,
// SQLite, the kernel's fsync), which Go's profiler shows only as cgocall.
type perfRun struct {
	out, data, stat, trace string
	record, count, tracer  *exec.Cmd
	log                    *slog.Logger
}

// perfCounters are counted for the whole measured span.
var perfCounters = []string{
	"context-switches", "task-clock", "syscalls:sys_enter_fsync", "syscalls:sys_enter_fdatasync",
	"syscalls:sys_enter_pwrite64", "syscalls:sys_enter_futex", "syscalls:sys_enter_nanosleep",
	"syscalls:sys_enter_poll", "syscalls:sys_enter_epoll_wait",
}

// startPerf starts sampling and counting pids; nil when perf cannot run
// (logged). The counters are optional: without tracepoints only the
// profile is taken.
func startPerf(out string, pids []int, log *slog.Logger) *perfRun {
	if len(pids) == 0 {
		return nil
	}
	ids := make([]string, len(pids))
	for i, p := range pids {
		ids[i] = strconv.Itoa(p)
	}
	pidList := strings.Join(ids, ",")
	p := &perfRun{out: out, data: out + ".data", stat: out + ".stat", trace: out + ".trace", log: log}
	p.record = exec.Command("perf", "record", "-q", "-e", "cpu-clock", "-F", "499", "-g", "-p", pidList, "-o", p.data)
	if err := p.record.Start(); err != nil {
		log.Warn("no CPU profile: perf does not start", "err", err)
		return nil
	}
	p.count = exec.Command("perf", "stat", "-x", ",", "-e", strings.Join(perfCounters, ","), "-p", pidList, "-o", p.stat)
	if err := p.count.Start(); err != nil {
		log.Warn("no perf counters", "err", err)
		p.count = nil
	}
	p.tracer = exec.Command("perf", "trace", "-s", "-e", strings.Join(tracedSyscalls, ","), "-p", pidList, "-o", p.trace)
	if err := p.tracer.Start(); err != nil {
		log.Warn("no syscall times", "err", err)
		p.tracer = nil
	}
	return p
}

// interrupt stops a perf command the way Ctrl-C does, so that it writes
// its output.
func interrupt(cmd *exec.Cmd) {
	cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		<-done
	}
}

// stop ends the recording, writes the text report and returns its path
// ("" when there is none), the counters and the time spent in the traced
// system calls (nil when there are none).
func (p *perfRun) stop() (string, map[string]int64, map[string]SyscallTime) {
	interrupt(p.record)
	var counters map[string]int64
	if p.count != nil {
		interrupt(p.count)
		counters = readPerfStat(p.stat)
		os.Remove(p.stat)
	}
	var times map[string]SyscallTime
	if p.tracer != nil {
		interrupt(p.tracer)
		times = readPerfTrace(p.trace)
		os.Remove(p.trace)
	}
	defer os.Remove(p.data)
	text, err := p.report()
	if err != nil {
		p.log.Warn("perf report failed", "err", err)
		return "", counters, times
	}
	if err := os.WriteFile(p.out, []byte(text), 0o644); err != nil {
		p.log.Warn("write profile", "err", err)
		return "", counters, times
	}
	return p.out, counters, times
}

// report is the text of three perf reports: by library, by function, and
// by function including callees.
func (p *perfRun) report() (string, error) {
	var b strings.Builder
	reports := []struct {
		title string
		args  []string
	}{
		{sectionDSO, []string{"--no-children", "--sort", "dso", "-g", "none", "--percent-limit", "1"}},
		{sectionSelf, []string{"--no-children", "--sort", "dso,sym", "-g", "none", "--percent-limit", "0.7"}},
		{sectionInclusive, []string{"--children", "--sort", "sym", "-g", "none", "--percent-limit", "0.5"}},
	}
	for _, r := range reports {
		args := append([]string{"report", "-i", p.data, "--stdio", "--quiet"}, r.args...)
		out, err := exec.Command("perf", args...).Output()
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "## %s\n\n%s\n", r.title, out)
	}
	return b.String(), nil
}

// Section titles of a profile's text.
const (
	sectionDSO       = "Where the servers' CPU time goes, by library (self time)"
	sectionSelf      = "Hottest functions (self time)"
	sectionInclusive = "Functions including their callees (inclusive time)"
)
