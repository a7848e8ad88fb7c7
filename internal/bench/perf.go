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

// perfRun is `perf record` sampling some processes. perf sees the whole
// process, C included (libzmq, SQLite, the kernel's fsync), which Go's
// profiler shows only as cgocall.
type perfRun struct {
	out  string // the text report to write
	data string
	cmd  *exec.Cmd
	log  *slog.Logger
}

// startPerf starts sampling pids; nil when perf cannot run (logged).
func startPerf(out string, pids []int, log *slog.Logger) *perfRun {
	if len(pids) == 0 {
		return nil
	}
	ids := make([]string, len(pids))
	for i, p := range pids {
		ids[i] = strconv.Itoa(p)
	}
	p := &perfRun{out: out, data: out + ".data", log: log}
	p.cmd = exec.Command("perf", "record", "-e", "cpu-clock", "-F", "499", "-g",
		"-p", strings.Join(ids, ","), "-o", p.data)
	if err := p.cmd.Start(); err != nil {
		log.Warn("no CPU profile: perf does not start", "err", err)
		return nil
	}
	return p
}

// stop ends the recording and writes the text report; it returns its path
// ("" when there is none).
func (p *perfRun) stop() string {
	p.cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		p.cmd.Process.Kill()
		<-done
	}
	defer os.Remove(p.data)
	var b strings.Builder
	reports := []struct {
		title string
		args  []string
	}{
		{"Where the servers' CPU time goes, by library (self time)", []string{"--no-children", "--sort", "dso", "-g", "none", "--percent-limit", "1"}},
		{"Hottest functions (self time)", []string{"--no-children", "--sort", "dso,sym", "-g", "none", "--percent-limit", "0.7"}},
		{"Functions including their callees (inclusive time)", []string{"--children", "--sort", "sym", "-g", "none", "--percent-limit", "4"}},
	}
	for _, r := range reports {
		args := append([]string{"report", "-i", p.data, "--stdio", "--quiet"}, r.args...)
		out, err := exec.Command("perf", args...).Output()
		if err != nil {
			p.log.Warn("perf report failed", "err", err)
			return ""
		}
		fmt.Fprintf(&b, "## %s\n\n%s\n", r.title, out)
	}
	if err := os.WriteFile(p.out, []byte(b.String()), 0o644); err != nil {
		p.log.Warn("write profile", "err", err)
		return ""
	}
	return p.out
}
