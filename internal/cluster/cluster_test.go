package cluster

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// buffer is a goroutine-safe bytes.Buffer.
type buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func (b *buffer) count(line string) int {
	n := 0
	for _, l := range strings.Split(b.String(), "\n") {
		if l == line {
			n++
		}
	}
	return n
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func sh(name, script string) Spec {
	return Spec{Name: name, Path: "/bin/sh", Args: []string{"-c", script}}
}

func TestPrefixWriter(t *testing.T) {
	tests := []struct {
		desc   string
		writes []string
		flush  bool
		want   string
	}{
		{"whole lines", []string{"a\nb\n"}, false, "x | a\nx | b\n"},
		{"split line", []string{"he", "llo\nwor"}, false, "x | hello\n"},
		{"flush partial", []string{"he", "llo\nwor"}, true, "x | hello\nx | wor\n"},
		{"empty lines", []string{"\n\n"}, true, "x | \nx | \n"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			var out bytes.Buffer
			w := NewPrefixWriter(&out, "x | ")
			for _, s := range tt.writes {
				w.Write([]byte(s))
			}
			if tt.flush {
				w.Flush()
			}
			if out.String() != tt.want {
				t.Fatalf("got %q, want %q", out.String(), tt.want)
			}
		})
	}
}

func TestProcOutputAndStop(t *testing.T) {
	var out buffer
	p, err := Start(sh("s1", "echo out; echo err >&2; exec sleep 100"), NewPrefixWriter(&out, "s1 | "))
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "output", func() bool { return out.count("s1 | out") == 1 && out.count("s1 | err") == 1 })
	start := time.Now()
	if err := p.Stop(5 * time.Second); err == nil {
		t.Fatal("want a signal exit status")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("SIGTERM stop took %v", d)
	}
}

func TestStopKillsAChildIgnoringTerm(t *testing.T) {
	var out buffer
	p, err := Start(sh("x", `trap "" TERM; echo ready; sleep 100`), &out)
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "ready", func() bool { return out.count("ready") == 1 })
	start := time.Now()
	p.Stop(300 * time.Millisecond)
	if d := time.Since(start); d < 300*time.Millisecond || d > 3*time.Second {
		t.Fatalf("stop took %v", d)
	}
}

func TestPauseResumeSignalsTheGroup(t *testing.T) {
	var out buffer
	p, err := Start(sh("x", `while :; do echo tick; sleep 0.02; done`), &out)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Kill()
	eventually(t, "ticks", func() bool { return out.count("tick") > 0 })
	if err := p.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond) // let an in-flight echo land
	n := out.count("tick")
	time.Sleep(200 * time.Millisecond)
	if m := out.count("tick"); m != n {
		t.Fatalf("stopped child still ticking: %d -> %d", n, m)
	}
	p.Signal(syscall.SIGCONT)
	eventually(t, "ticks after SIGCONT", func() bool { return out.count("tick") > n })
}

func TestSupervisorRestartsPrefixesAndStops(t *testing.T) {
	var out buffer
	s := &Supervisor{Out: &out, Backoff: 10 * time.Millisecond, Grace: 2 * time.Second}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- s.Run(ctx, []Spec{
			sh("crash", "echo run; exit 1"),
			sh("long", "echo up; exec sleep 100"),
			{Name: "bot", Path: "/bin/sh", Args: []string{"-c", "echo bot; exit 2"}, Optional: true},
		})
	}()
	eventually(t, "three restarts", func() bool { return out.count("crash | run") >= 3 })
	eventually(t, "the long child", func() bool { return out.count("long  | up") == 1 })
	start := time.Now()
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("stop took %v", d)
	}
	if n := out.count("bot   | bot"); n != 1 {
		t.Fatalf("optional child ran %d times, want 1:\n%s", n, out.String())
	}
}
