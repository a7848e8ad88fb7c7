package bench

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/wire"
)

// killTrial SIGKILLs one server (or whichever is the coordinator) at a
// given time into the measured span.
type killTrial struct {
	cl    *clusterTarget
	name  string // a server name, or "coordinator"
	after time.Duration
	coord *coordWatch
	log   *slog.Logger

	killed time.Duration // into the span; 0 if it did not happen
	victim string
	before string // coordinator just before the kill
	final  string // coordinator at the end of the span
	at     time.Time
}

func (k *killTrial) run(ctx context.Context, start time.Time) {
	sleep(ctx, time.Until(start.Add(k.after)))
	if ctx.Err() != nil {
		return
	}
	k.before = k.cl.coordinator()
	k.victim = k.name
	if k.name == "coordinator" {
		k.victim = k.before
	}
	p := k.cl.proc(k.victim)
	if p == nil {
		k.log.Error("failover trial: no such server", "server", k.victim)
		return
	}
	k.at = time.Now()
	p.Kill()
	k.killed = k.at.Sub(start)
	k.log.Info("failover trial: killed", "server", k.victim, "coordinator", k.before)
}

func (k *killTrial) result() *Failover {
	if k.killed == 0 {
		return &Failover{Killed: k.victim}
	}
	f := &Failover{Killed: k.victim, AtSeconds: k.killed.Seconds(), CoordinatorBefore: k.before, CoordinatorAfter: k.final}
	if at, ok := k.coord.firstAfter(k.at, k.final); ok {
		f.CoordinatorAfterMS = ms(at.Sub(k.at))
	}
	return f
}

// finish notes the coordinator the servers agree on at the end.
func (k *killTrial) finish() {
	if k.killed != 0 {
		k.final = k.cl.coordinator()
	}
}

// coordinator asks the running servers who the coordinator is.
func (c *clusterTarget) coordinator() string {
	for _, np := range c.processes() {
		if _, ok := c.eps["peer:"+np.name]; ok {
			if m, err := c.askPeer(np.name, "status", 500*time.Millisecond); err == nil {
				if name, _ := m.OptString("coordinator"); name != "" {
					return name
				}
			}
		}
	}
	return ""
}

// serverPids lists the running servers' process ids.
func (c *clusterTarget) serverPids() []int {
	var pids []int
	for _, np := range c.processes() {
		if _, ok := c.eps["peer:"+np.name]; ok {
			pids = append(pids, np.pid)
		}
	}
	return pids
}

// coordWatch records the coordinator announcements on topic "servers".
type coordWatch struct {
	mu     sync.Mutex
	seen   []announcement
	done   chan struct{}
	closed chan struct{}
}

type announcement struct {
	name string
	at   time.Time
}

func watchCoordinator(endpoint string) (*coordWatch, error) {
	w := &coordWatch{done: make(chan struct{}), closed: make(chan struct{})}
	ready := make(chan error, 1)
	go w.run(endpoint, ready)
	if err := <-ready; err != nil {
		return nil, err
	}
	return w, nil
}

func (w *coordWatch) run(endpoint string, ready chan<- error) {
	defer close(w.closed)
	sock, err := zmq.NewSocket(zmq.SUB)
	if err == nil {
		sock.SetLinger(0)
		sock.SetRcvtimeo(50 * time.Millisecond)
		err = sock.SetSubscribe("servers")
		if err == nil {
			err = sock.Connect(endpoint)
		}
		defer sock.Close()
	}
	ready <- err
	if err != nil {
		return
	}
	for {
		select {
		case <-w.done:
			return
		default:
		}
		if frames, err := sock.RecvMessageBytes(0); err == nil {
			w.note(frames, time.Now())
		}
	}
}

func (w *coordWatch) note(frames [][]byte, now time.Time) {
	if len(frames) < 2 || string(frames[0]) != "servers" {
		return
	}
	m, err := wire.DecodePublication(frames[len(frames)-1])
	if err != nil {
		return
	}
	if name := fmt.Sprint(m.Data["coordinator"]); m.Data["coordinator"] != nil {
		w.mu.Lock()
		w.seen = append(w.seen, announcement{name, now})
		w.mu.Unlock()
	}
}

// firstAfter is the time of the first announcement of name after t.
func (w *coordWatch) firstAfter(t time.Time, name string) (time.Time, bool) {
	if w == nil {
		return time.Time{}, false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, a := range w.seen {
		if a.at.After(t) && a.name == name {
			return a.at, true
		}
	}
	return time.Time{}, false
}

func (w *coordWatch) stop() {
	close(w.done)
	<-w.closed
}
