package tui

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zchat/internal/credential"
	"zchat/internal/testcluster"
)

// tmuxTerm runs a program in a detached tmux session on a private server,
// so that the real binary is driven through a real terminal: key escape
// sequences, the alternate screen, and no log lines on it.
type tmuxTerm struct {
	t      *testing.T
	socket string
}

func newTmux(t *testing.T, args ...string) *tmuxTerm {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed")
	}
	tm := &tmuxTerm{t: t, socket: fmt.Sprintf("zchat-test-%d-%d", os.Getpid(), time.Now().UnixNano())}
	tm.run(append([]string{"new-session", "-d", "-s", "zchat", "-x", "100", "-y", "20"}, args...)...)
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", tm.socket, "kill-server").Run() })
	return tm
}

func (tm *tmuxTerm) run(args ...string) string {
	tm.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", tm.socket}, args...)...).CombinedOutput()
	if err != nil {
		tm.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// keys sends tmux key names ("Enter", "C-n", "PPage") or literal text.
func (tm *tmuxTerm) keys(keys ...string) {
	tm.run(append([]string{"send-keys", "-t", "zchat"}, keys...)...)
}

// waitScreen waits until the screen shows every one of want.
func (tm *tmuxTerm) waitScreen(want ...string) {
	tm.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		screen := tm.run("capture-pane", "-p", "-t", "zchat")
		if containsAll(screen, want) {
			return
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("screen lacks %q:\n%s", want, screen)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func containsAll(s string, want []string) bool {
	for _, w := range want {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}

// TestBinaryInTerminal runs `zchat client` in a terminal against a real
// cluster's authenticated ports: with --passphrase it asks before taking
// the screen (an empty answer: no seal; sealing runs scrypt, tens of
// seconds in a -race binary, and is tested in process by cmd/zchat), it
// learns the access key on first use, and the login makes ana's key.
func TestBinaryInTerminal(t *testing.T) {
	c := testcluster.Start(t, testcluster.Options{Servers: 1, LogLevel: "info"})
	keys, known := t.TempDir(), filepath.Join(t.TempDir(), "known_servers")
	tm := newTmux(t, c.Binary(), "--log-level=debug", "client", "--broker", c.Frontend(), "--proxy", c.XPub(),
		"--secure-broker", c.SecureFrontend(), "--secure-proxy", c.SecureXPub(),
		"--keys", keys, "--known-servers", known, "--passphrase")
	tm.waitScreen("passphrase of your key:")
	tm.keys("Enter")
	tm.waitScreen("user name:")
	tm.keys("ana", "Enter")
	tm.waitScreen("created a key for 'ana'", "logged in as ana", "| connected |")
	if raw, err := os.ReadFile(credential.Path(keys, "ana")); err != nil || !strings.HasPrefix(string(raw), "zchat user key v1") {
		t.Fatalf("ana's key file: %v\n%s", err, raw)
	}
	if b, err := os.ReadFile(known); err != nil || !strings.Contains(string(b), c.AccessKey().Public) {
		t.Fatalf("the access key was not recorded: %v %q", err, b)
	}
	tm.keys("/create news", "Enter")
	tm.waitScreen("joined #news", "> #news")
	tm.keys("hello terminal", "Enter")
	tm.waitScreen("<ana> hello terminal")
	tm.keys("C-n")
	tm.waitScreen("> status")
	tm.keys("M-Left")
	tm.waitScreen("> #news")
	tm.keys("/quit", "Enter")
	deadline := time.Now().Add(10 * time.Second)
	for exec.Command("tmux", "-L", tm.socket, "has-session", "-t", "zchat").Run() == nil {
		if time.Now().After(deadline) {
			t.Fatal("the client did not exit on /quit")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
