package metrics

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Check reports one aspect of a component's health: nil when fine.
type Check func(ctx context.Context) error

// CheckTimeout bounds each check of one /healthz request.
const CheckTimeout = time.Second

// Health is a set of named checks, served as JSON on /healthz. Its
// methods are safe for concurrent use.
type Health struct {
	mu     sync.Mutex
	checks map[string]Check
}

// Add registers (or replaces) the check called name.
func (h *Health) Add(name string, c Check) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.checks == nil {
		h.checks = map[string]Check{}
	}
	h.checks[name] = c
}

// Report is the /healthz body: "ok" or "fail", and each check's outcome
// ("ok" or the error text).
type Report struct {
	Status string            `json:"status"`
	Checks map[string]string `json:"checks"`
}

// OK tells whether every check passed.
func (r Report) OK() bool { return r.Status == "ok" }

// Run runs every check concurrently, each bounded by CheckTimeout.
func (h *Health) Run(ctx context.Context) Report {
	h.mu.Lock()
	checks := make(map[string]Check, len(h.checks))
	for k, v := range h.checks {
		checks[k] = v
	}
	h.mu.Unlock()
	rep := Report{Status: "ok", Checks: map[string]string{"process": "ok"}}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for name, c := range checks {
		wg.Go(func() {
			res := "ok"
			if err := runCheck(ctx, c); err != nil {
				res = err.Error()
			}
			mu.Lock()
			defer mu.Unlock()
			rep.Checks[name] = res
			if res != "ok" {
				rep.Status = "fail"
			}
		})
	}
	wg.Wait()
	return rep
}

func runCheck(ctx context.Context, c Check) error {
	ctx, cancel := context.WithTimeout(ctx, CheckTimeout)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- c(ctx) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("check timed out: %w", ctx.Err())
	}
}

// ServeHTTP answers 200 with the report when every check passes, 503
// otherwise.
func (h *Health) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rep := h.Run(r.Context())
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if !rep.OK() {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	json.NewEncoder(w).Encode(rep)
}

// Writable checks that a file can be created, written, synced and removed
// in dir.
func Writable(dir string) Check {
	return func(context.Context) error {
		f, err := os.CreateTemp(dir, ".healthz-*")
		if err != nil {
			return err
		}
		defer os.Remove(f.Name())
		_, werr := f.Write([]byte("ok\n"))
		serr := f.Sync()
		cerr := f.Close()
		return errors.Join(werr, serr, cerr)
	}
}

// Dialable checks that a TCP connection to a ZeroMQ endpoint
// (tcp://host:port) can be opened; other transports always pass.
func Dialable(endpoint string) Check {
	return func(ctx context.Context) error {
		addr, ok := strings.CutPrefix(endpoint, "tcp://")
		if !ok {
			return nil
		}
		var d net.Dialer
		conn, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return err
		}
		return conn.Close()
	}
}

// Flag is a check that passes while it is set, e.g. while a proxy loop
// runs. The zero value is unset.
type Flag struct {
	on      atomic.Bool
	Failure string // the failure text while unset, e.g. "proxy not running"
}

// Set changes the flag.
func (f *Flag) Set(on bool) { f.on.Store(on) }

// Check passes while the flag is set.
func (f *Flag) Check(context.Context) error {
	if f.on.Load() {
		return nil
	}
	return errors.New(f.Failure)
}
