package bench

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"zchat/internal/cluster"
)

// readyTimeout bounds every wait for spawned processes to come up.
const readyTimeout = 60 * time.Second

// stopGrace is how long a spawned process gets between SIGTERM and SIGKILL.
const stopGrace = 5 * time.Second

// spawned is a set of child processes started for the run, each logging
// to <dir>/logs/<name>.log.
type spawned struct {
	exe, dir  string
	removeDir bool
	log       *slog.Logger
	eps       map[string]string // endpoint by role: frontend, backend, xsub, xpub, reference, secure-frontend, secure-xpub, peer:sN
	members   members           // how the children and we secure member links
	mu        sync.Mutex
	procs     map[string]*cluster.Proc
	order     []string
}

func newSpawned(sc *SpawnConfig, log *slog.Logger, roles ...string) (*spawned, error) {
	s := &spawned{exe: sc.Exe, dir: sc.DataDir, log: log, eps: map[string]string{}, procs: map[string]*cluster.Proc{}}
	if s.dir == "" {
		dir, err := os.MkdirTemp("", "zchat-bench-")
		if err != nil {
			return nil, err
		}
		s.dir, s.removeDir = dir, true
	}
	if err := os.MkdirAll(filepath.Join(s.dir, "logs"), 0o755); err != nil {
		return nil, err
	}
	m, err := newMembers(sc.InsecureCluster, filepath.Join(s.dir, "cluster.key"))
	if err != nil {
		return nil, err
	}
	s.members = m
	for _, role := range roles {
		ep, err := freeEndpoint()
		if err != nil {
			return nil, err
		}
		s.eps[role] = ep
	}
	return s, nil
}

// start launches one child named name.
func (s *spawned) start(name string, args ...string) error {
	return s.startEnv(name, nil, args...)
}

// startEnv launches one child named name with env added to ours.
func (s *spawned) startEnv(name string, env []string, args ...string) error {
	f, err := os.OpenFile(filepath.Join(s.dir, "logs", name+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	spec := cluster.Spec{Name: name, Path: s.exe, Args: args}
	if len(env) > 0 {
		spec.Env = append(os.Environ(), env...)
	}
	p, err := cluster.Start(spec, f)
	if err != nil {
		f.Close()
		return err
	}
	go func() { <-p.Done(); f.Close() }()
	s.mu.Lock()
	s.procs[name] = p
	if !slices.Contains(s.order, name) {
		s.order = append(s.order, name)
	}
	s.mu.Unlock()
	s.log.Debug("started", "child", name, "pid", p.Pid())
	return nil
}

func (s *spawned) proc(name string) *cluster.Proc {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.procs[name]
}

// alive fails when a child has exited, pointing at its log.
func (s *spawned) alive(names ...string) error {
	for _, n := range names {
		if p := s.proc(n); p != nil {
			select {
			case <-p.Done():
				return fatal{fmt.Errorf("%s exited (%v); its log ends:\n%s", n, p.Err(), s.tail(n, 20))}
			default:
			}
		}
	}
	return nil
}

func (s *spawned) logPath(name string) string { return filepath.Join(s.dir, "logs", name+".log") }

// tail is the last n lines of a child's log.
func (s *spawned) tail(name string, n int) string {
	b, err := os.ReadFile(s.logPath(name))
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

func (s *spawned) frontend() string { return s.eps["frontend"] }
func (s *spawned) xpub() string     { return s.eps["xpub"] }

// The authenticated client ports and their access key ("" for each when
// the member links are open, or when the children have none: an echo
// target has no proxy).
func (s *spawned) secureFrontend() string { return s.authenticated("secure-frontend") }
func (s *spawned) secureXPub() string     { return s.authenticated("secure-xpub") }
func (s *spawned) accessKey() string      { return s.members.accessKey() }

func (s *spawned) authenticated(role string) string {
	if !s.members.secure() {
		return ""
	}
	return s.eps[role]
}

func (s *spawned) processes() []namedPid {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []namedPid
	for _, n := range s.order {
		if p := s.procs[n]; p != nil {
			select {
			case <-p.Done():
			default:
				out = append(out, namedPid{n, p.Pid()})
			}
		}
	}
	return out
}

// stop stops every child at once (SIGTERM, then SIGKILL) and removes a
// temporary data directory.
func (s *spawned) stop() {
	s.mu.Lock()
	procs := slices.Collect(func(yield func(*cluster.Proc) bool) {
		for _, p := range s.procs {
			if !yield(p) {
				return
			}
		}
	})
	s.mu.Unlock()
	var wg sync.WaitGroup
	for _, p := range procs {
		wg.Go(func() { p.Stop(stopGrace) })
	}
	wg.Wait()
	if s.removeDir {
		os.RemoveAll(s.dir)
	}
}

// serverName is the name of server i (1-based).
func serverName(i int) string { return "s" + strconv.Itoa(i) }

// waitDialable waits until the listed roles accept TCP connections.
func (s *spawned) waitDialable(ctx context.Context, children []string, roles ...string) error {
	for _, r := range roles {
		ep := s.eps[r]
		err := waitFor(ctx, r+" at "+ep, readyTimeout, 20*time.Millisecond, func() (bool, error) {
			if err := s.alive(children...); err != nil {
				return false, err
			}
			return dialable(ep), nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}
