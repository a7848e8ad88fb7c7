// Package replication owns keeping every server's event log complete: it
// pushes newly committed events to peers, pulls missing ranges by comparing
// version vectors (anti-entropy), and holds acknowledgements back until
// enough peers have committed an event (--sync-replicas).
//
// SKELETON: the API is fixed; the behaviour is being implemented.
package replication

import (
	"context"
	"log/slog"
	"time"

	"zchat"
	"zchat/internal/clock"
	"zchat/internal/registry"
	"zchat/internal/store"
	"zchat/internal/wire"
)

// Peers is how replication reaches other servers.
type Peers interface {
	Members() []registry.Member
	Call(ctx context.Context, name, service string, data map[string]any) (wire.Message, error)
}

// Config configures a Replicator.
type Config struct {
	Self         string
	Store        *store.Store // set before Run; the store's OnCommit must call Replicator.OnCommit
	Peers        Peers
	Lamport      *clock.Lamport
	SyncReplicas int           // peers that must commit an event before it is acknowledged
	SyncTimeout  time.Duration // how long to wait for them before answering erro
	Logger       *slog.Logger
}

// Replicator replicates one server's store.
type Replicator struct {
	cfg Config
}

// New returns a Replicator; call Run to start it.
func New(cfg Config) *Replicator { return &Replicator{cfg: cfg} }

// SetStore completes the configuration once the store is open.
func (r *Replicator) SetStore(s *store.Store) { r.cfg.Store = s }

// OnCommit is the store's commit hook: events just written (local or applied).
func (r *Replicator) OnCommit(events []zchat.Event) {}

// Services are the server-to-server services replication answers.
func (r *Replicator) Services() map[string]func(ctx context.Context, m wire.Message) map[string]any {
	return nil
}

// Run replicates until ctx ends.
func (r *Replicator) Run(ctx context.Context) error { <-ctx.Done(); return nil }

// WaitReplicated returns once SyncReplicas peers hold ev, or an error.
func (r *Replicator) WaitReplicated(ctx context.Context, ev zchat.Event) error { return nil }

// StatusFields adds replication state to the status reply.
func (r *Replicator) StatusFields() map[string]any { return map[string]any{} }
