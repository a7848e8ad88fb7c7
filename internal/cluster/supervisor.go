package cluster

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"
)

// Supervisor runs a set of children, restarts those that die unexpectedly
// and stops them all when its context ends.
type Supervisor struct {
	Out        io.Writer     // where prefixed output goes; default os.Stdout
	Logger     *slog.Logger  // supervision events; default discards
	Backoff    time.Duration // first restart delay; default 500ms, doubling
	MaxBackoff time.Duration // default 10s
	Stable     time.Duration // a run this long resets the backoff; default 10s
	FastFail   time.Duration // see Spec.Optional; default 2s
	Grace      time.Duration // SIGTERM to SIGKILL; default 5s
}

func (s *Supervisor) defaults() {
	if s.Out == nil {
		s.Out = os.Stdout
	}
	if s.Logger == nil {
		s.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&s.Backoff, 500*time.Millisecond)
	def(&s.MaxBackoff, 10*time.Second)
	def(&s.Stable, 10*time.Second)
	def(&s.FastFail, 2*time.Second)
	def(&s.Grace, 5*time.Second)
}

// Run starts every child and supervises them until ctx is done, then stops
// them all (concurrently) and returns.
func (s *Supervisor) Run(ctx context.Context, specs []Spec) error {
	s.defaults()
	out := Locked(s.Out)
	width := 0
	for _, sp := range specs {
		width = max(width, len(sp.Name))
	}
	var wg sync.WaitGroup
	for _, sp := range specs {
		w := NewPrefixWriter(out, fmt.Sprintf("%-*s | ", width, sp.Name))
		wg.Add(1)
		go func() { defer wg.Done(); s.keep(ctx, sp, w) }()
	}
	wg.Wait()
	return nil
}

// keep runs one child until ctx is done, restarting it when it exits.
func (s *Supervisor) keep(ctx context.Context, spec Spec, out io.Writer) {
	log := s.Logger.With("child", spec.Name)
	backoff := s.Backoff
	for first := true; ; first = false {
		p, err := Start(spec, out)
		if err != nil {
			if first && spec.Optional {
				log.Warn("optional child cannot start; not retrying", "err", err)
				return
			}
			log.Error("cannot start", "err", err)
		} else {
			log.Info("started", "pid", p.Pid())
			select {
			case <-ctx.Done():
				log.Info("stopping", "pid", p.Pid())
				log.Info("stopped", "exit", p.Stop(s.Grace))
				return
			case <-p.Done():
			}
			if first && spec.Optional && p.Uptime() < s.FastFail {
				log.Warn("optional child failed at once; not restarting it", "exit", p.Err())
				return
			}
			if p.Uptime() >= s.Stable {
				backoff = s.Backoff
			}
			log.Warn("exited unexpectedly; restarting", "exit", p.Err(), "after", backoff)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, s.MaxBackoff)
	}
}
