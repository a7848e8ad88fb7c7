package bench

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"

	zmq "github.com/pebbe/zmq4"
)

// Machine describes where the benchmarks ran.
type Machine struct {
	CPUs    int
	Memory  string
	CPU     string
	Kernel  string
	Go      string
	ZeroMQ  string
	LoadAvg string
}

// DescribeMachine reads /proc and the runtime.
func DescribeMachine() Machine {
	major, minor, patch := zmq.Version()
	m := Machine{
		CPUs: runtime.NumCPU(), Go: runtime.Version(), ZeroMQ: fmt.Sprintf("%d.%d.%d", major, minor, patch),
		CPU: procField("/proc/cpuinfo", "model name"), Kernel: readTrim("/proc/sys/kernel/osrelease"),
		LoadAvg: loadAvg(),
	}
	if kb, err := strconv.ParseInt(strings.Fields(procField("/proc/meminfo", "MemTotal") + " 0")[0], 10, 64); err == nil {
		m.Memory = fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
	}
	return m
}

// loadAvg is the 1, 5 and 15 minute load averages.
func loadAvg() string {
	f := strings.Fields(readTrim("/proc/loadavg"))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

func readTrim(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// procField is the value of the first "key : value" line of a /proc file.
func procField(path, key string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
