// Package coordination owns agreement among the servers: it runs the Bully
// election (the pure state machine of package election) over peer requests
// and the `servers` topic, and, on the coordinator, Berkeley clock
// synchronization (the math of package clock).
//
// SKELETON: the API is fixed; the behaviour is being implemented.
package coordination

import (
	"context"
	"log/slog"
	"time"

	"zchat/internal/clock"
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

// Config configures a Coordinator.
type Config struct {
	Self       string
	Membership Membership
	Peers      Peers
	Lamport    *clock.Lamport
	Physical   *clock.Physical
	ProxySub   string                            // proxy XPUB endpoint: subscribe to topic "servers"
	Publish    func(topic string, payload []byte) // sends through the server's publisher
	Tick       time.Duration                     // election tick
	SyncEvery  int                               // Berkeley round every N messages exchanged (standard: 10)
	SyncIdle   time.Duration                     // and at least this often when idle
	Logger     *slog.Logger
}

// Coordinator runs election and clock synchronization for one server.
type Coordinator struct {
	cfg Config
}

// New returns a Coordinator; call Run to start it.
func New(cfg Config) *Coordinator { return &Coordinator{cfg: cfg} }

// Services are the server-to-server services coordination answers
// (standard "election"; our extensions).
func (c *Coordinator) Services() map[string]func(ctx context.Context, m wire.Message) map[string]any {
	return nil
}

// Run coordinates until ctx ends.
func (c *Coordinator) Run(ctx context.Context) error { <-ctx.Done(); return nil }

// Exchanged counts one message exchanged by this server (the standard's
// "synchronize every 10 messages").
func (c *Coordinator) Exchanged() {}

// Coordinator is the name of the current coordinator, "" if unknown.
func (c *Coordinator) Coordinator() string { return "" }

// StatusFields adds coordination state to the status reply.
func (c *Coordinator) StatusFields() map[string]any { return map[string]any{"coordinator": c.Coordinator()} }
