// Package attack_test attacks a default `zchat up` cluster as an outsider
// would (anyone who can reach its ports but holds no key) and checks,
// after every attack, that the cluster still serves honest clients,
// lost or altered nothing it acknowledged, and kept its clocks sane.
// Each attack is one the cluster fell to before it authenticated its
// members and bounded what it reads (see README, "Security model").
package attack_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"zchat/internal/auth"
	"zchat/internal/cluster"
	"zchat/internal/freeport"
	"zchat/internal/testcluster"
)

// upCluster is a running `zchat up`, with default flags but for its base
// port and data directory.
type upCluster struct {
	base int
	data string
	proc *cluster.Proc
	out  *lockedBuffer
}

// Offsets from the base port that `zchat up` documents.
const (
	offFrontend = iota
	offBackend
	offXSub
	offXPub
	offReference
)

func (u *upCluster) ep(offset int) string { return fmt.Sprintf("tcp://127.0.0.1:%d", u.base+offset) }

// member is how a member of this cluster connects (the key `zchat up`
// created under its data directory).
func (u *upCluster) member(t *testing.T) auth.Cluster {
	t.Helper()
	key, err := auth.LoadKeyFile(filepath.Join(u.data, "cluster.key"), nil)
	if err != nil {
		t.Fatalf("read the cluster key: %v", err)
	}
	return auth.WithKey(key, nil)
}

func startUp(t *testing.T) *upCluster {
	t.Helper()
	base, err := freeport.Block(24)
	if err != nil {
		t.Fatal(err)
	}
	u := &upCluster{base: base, data: filepath.Join(t.TempDir(), "data"), out: &lockedBuffer{}}
	spec := cluster.Spec{Name: "up", Path: testcluster.Binary(t),
		Args: []string{"up", "--base-port", strconv.Itoa(base), "--data", u.data}}
	if u.proc, err = cluster.Start(spec, u.out); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := u.proc.Stop(15 * time.Second); err != nil {
			t.Logf("zchat up exit: %v", err)
		}
		if t.Failed() {
			t.Logf("==== zchat up output (last 300 lines) ====\n%s", u.out.tail(300))
		}
	})
	u.waitServing(t)
	return u
}

// waitServing waits until every server answers status through the broker
// and all follow one coordinator.
func (u *upCluster) waitServing(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(testcluster.ReadyTimeout)
	for {
		statuses, err := u.statuses(3, 2*time.Second)
		if err == nil && agreed(statuses) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("zchat up not serving after %v: %v", testcluster.ReadyTimeout, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// pid finds the process of one `zchat up` child by its subcommand and an
// argument only it has (its endpoint).
func (u *upCluster) pid(t *testing.T, subcommand, endpoint string) int {
	t.Helper()
	dirs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, path := range dirs {
		b, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		args := strings.Split(string(bytes.TrimRight(b, "\x00")), "\x00")
		if slices.Contains(args, subcommand) && strings.Contains(string(b), endpoint) {
			pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(path)))
			return pid
		}
	}
	t.Fatalf("no %s process with %s", subcommand, endpoint)
	return 0
}

// peakRSS is a process's peak resident memory in bytes (VmHWM).
func peakRSS(t *testing.T, pid int) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	t.Fatalf("no VmHWM for pid %d", pid)
	return 0
}

// lockedBuffer collects the cluster's output for a failure report.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) tail(n int) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	lines := strings.Split(b.buf.String(), "\n")
	return strings.Join(lines[max(len(lines)-n, 0):], "\n")
}
