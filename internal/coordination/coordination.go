// Package coordination owns agreement among the servers: it runs the Bully
// election (the pure state machine of package election) over peer requests
// and the `servers` topic, and, on the coordinator, Berkeley clock
// synchronization (the math of package clock).
//
// One goroutine (the loop, see Run) owns the election.Node. Everything
// else, from the peer services to the replies of requests sent in
// goroutines, reaches the node as a closure queued on that goroutine, so
// the node needs no lock. docs/coordination.md describes the protocol.
package coordination

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"

	"zchat/internal/registry"
	"zchat/internal/wire"
)

// Membership is the live list of servers and our rank, from the reference.
type Membership interface {
	Rank() int
	Peers() []registry.Member
}

// Peers is how coordination calls other servers.
type Peers interface {
	Call(ctx context.Context, name, service string, data map[string]any) (wire.Message, error)
}

// Coordinator runs election and clock synchronization for one server.
type Coordinator struct {
	cfg       Config
	log       *slog.Logger
	inputs    chan func(*loop) // work for the loop goroutine
	exchanged atomic.Int64     // messages since the last round (or sync request)
	syncAsked atomic.Bool      // a follower asked the coordinator for a round
	wg        sync.WaitGroup   // goroutines sending requests; Run waits for them
	mu        sync.Mutex
	st        status // what StatusFields and the services read
}

// New returns a Coordinator; call Run to start it.
func New(cfg Config) *Coordinator {
	cfg.defaults()
	return &Coordinator{
		cfg:    cfg,
		log:    cfg.Logger.With("component", "coordination"),
		inputs: make(chan func(*loop), 256),
	}
}

// Exchanged counts one message exchanged by this server (the standard's
// "synchronize every 10 messages").
func (c *Coordinator) Exchanged() { c.exchanged.Add(1) }

// Coordinator is the name of the current coordinator, "" if unknown.
func (c *Coordinator) Coordinator() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.st.coordinator
}

// input queues f for the loop goroutine without blocking: a service must
// answer even when the loop is busy or not started. Bully tolerates the
// loss (timeouts and repeated announcements repair it).
func (c *Coordinator) input(f func(*loop)) {
	select {
	case c.inputs <- f:
	default:
		c.log.Warn("coordination input queue full, dropping an input")
	}
}

// result hands the outcome of a goroutine's work to the loop; unlike
// input it waits, because the loop tracks that work (a round in progress,
// a probe in flight) and must hear of its end.
func (c *Coordinator) result(ctx context.Context, f func(*loop)) {
	select {
	case c.inputs <- f:
	case <-ctx.Done():
	}
}
