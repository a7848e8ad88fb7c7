// Package interop_test runs the third-party clients under test/interop (a
// Python client on python3-zmq and python3-msgpack, a Node.js client on
// zeromq and @msgpack/msgpack) against a real three-server zchat cluster.
// Each client prints one line per check and "N passed, M failed"; any
// failed check fails the test. A missing interpreter or library fails the
// test too: CI installs them (scripts/deps.sh --test).
package interop_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"zchat/internal/testcluster"
)

const python = "/usr/bin/python3"

// clientTimeout bounds one client run: every request has a 3 s timeout, so
// even a dead cluster ends well within it.
const clientTimeout = 5 * time.Minute

func TestInteropClients(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a cluster")
	}
	// Writes acknowledged only once every peer has them, so that a client
	// whose next request lands on another server finds its channel there.
	c := testcluster.Start(t, testcluster.Options{Servers: 3, ServerArgs: []string{"--sync-replicas", "2"}})
	args := []string{"--broker", c.Frontend(), "--proxy", c.XPub()}
	t.Run("python", func(t *testing.T) {
		t.Parallel()
		requirePython(t)
		runClient(t, python, append([]string{filepath.Join("python", "interop.py")}, args...)...)
	})
	t.Run("node", func(t *testing.T) {
		t.Parallel()
		node := requireNode(t)
		runClient(t, node, append([]string{filepath.Join("node", "interop.mjs")}, args...)...)
	})
}

func requirePython(t *testing.T) {
	t.Helper()
	out, err := exec.Command(python, "-c", "import zmq, msgpack").CombinedOutput()
	if err != nil {
		t.Fatalf("%s with the zmq and msgpack modules is required (apt-get install python3-zmq python3-msgpack, or scripts/deps.sh --test): %v\n%s", python, err, out)
	}
}

// requireNode returns the node binary, installing the client's locked
// dependencies with npm ci when node_modules is missing.
func requireNode(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is required (apt-get install nodejs npm, or scripts/deps.sh --test): %v", err)
	}
	dir := "node"
	if haveNodeModules(dir) {
		return node
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Fatalf("node_modules is missing in test/interop/node and npm is not installed: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm ci in test/interop/node: %v\n%s", err, out)
	}
	return node
}

func haveNodeModules(dir string) bool {
	for _, m := range []string{"zeromq", "@msgpack/msgpack"} {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", m, "package.json")); err != nil {
			return false
		}
	}
	return true
}

var summary = regexp.MustCompile(`(?m)^(\d+) passed, (\d+) failed$`)

// runClient runs one client to completion, logs its output and fails on any
// failed check, a missing summary line or a non-zero exit.
func runClient(t *testing.T, bin string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), clientTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput()
	t.Logf("%s %s:\n%s", filepath.Base(bin), args[0], out)
	m := summary.FindSubmatch(out)
	switch {
	case m == nil:
		t.Fatalf("no summary line (exit: %v)", err)
	case string(m[2]) != "0":
		t.Fatalf("%s checks failed:\n%s", m[2], failures(out))
	case err != nil:
		t.Fatalf("client exited with %v", err)
	}
	t.Logf("%s", m[0])
}

func failures(out []byte) string {
	var b strings.Builder
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "FAIL ") {
			fmt.Fprintln(&b, line)
		}
	}
	return b.String()
}
