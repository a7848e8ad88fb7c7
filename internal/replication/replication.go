package replication

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
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

// Config configures a Replicator. Zero durations and sizes take defaults.
type Config struct {
	Self         string
	Store        *store.Store // set before Run; the store's OnCommit must call Replicator.OnCommit
	Peers        Peers
	Lamport      *clock.Lamport
	SyncReplicas int           // peers that must commit an event before it is acknowledged
	SyncTimeout  time.Duration // how long to wait for them before answering erro
	Logger       *slog.Logger

	PushInterval    time.Duration  // shippers also wake this often (a lost notify never stalls them); 500ms
	PullInterval    time.Duration  // anti-entropy round period; 1s; negative: no anti-entropy (tests of push alone)
	MembersInterval time.Duration  // how often the membership is compared; 50ms
	CallTimeout     time.Duration  // per peer request; 2s
	PushBatch       int            // events per replicate; 1000
	FetchBatch      int            // events per fetch; 10000 (bigger transactions rewrite fewer index pages)
	FetchWindow     int            // fetches in flight per range; 4
	Now             func() float64 // clock for the lag histogram, seconds; wall clock
}

func (c *Config) defaults() {
	c.Logger = cmpOr(c.Logger, slog.Default())
	c.Lamport = cmpOr(c.Lamport, &clock.Lamport{})
	c.SyncTimeout = cmpOr(c.SyncTimeout, 2*time.Second)
	c.PushInterval = cmpOr(c.PushInterval, 500*time.Millisecond)
	c.PullInterval = cmpOr(c.PullInterval, time.Second)
	c.MembersInterval = cmpOr(c.MembersInterval, 50*time.Millisecond)
	c.CallTimeout = cmpOr(c.CallTimeout, 2*time.Second)
	c.PushBatch = cmpOr(c.PushBatch, 1000)
	c.FetchBatch = cmpOr(c.FetchBatch, 10000)
	c.FetchWindow = cmpOr(c.FetchWindow, 4)
	if c.Now == nil {
		c.Now = wallClock
	}
}

// cmpOr is cmp.Or for types that are comparable but not ordered.
func cmpOr[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

func wallClock() float64 { return float64(time.Now().UnixNano()) / 1e9 }

// Replicator replicates one server's store.
type Replicator struct {
	cfg      Config
	log      *slog.Logger
	store    *store.Store
	origin   string
	localSeq atomic.Uint64 // highest seq of our origin, kept by OnCommit
	acks     *acks
	ships    *shippers
	pullNow  chan struct{} // wakes anti-entropy early, buffer 1
	repairMu sync.Mutex    // one repair at a time
	warned   warnings
	stats    counters
	lag      histogram
}

// New returns a Replicator; call SetStore (unless cfg.Store is set) and Run.
func New(cfg Config) *Replicator {
	cfg.defaults()
	r := &Replicator{
		cfg: cfg, log: cfg.Logger.With("component", "replication"),
		acks: newAcks(), pullNow: make(chan struct{}, 1),
	}
	r.ships = newShippers(r)
	if cfg.Store != nil {
		r.SetStore(cfg.Store)
	}
	return r
}

// SetStore completes the configuration once the store is open. It must be
// called before the store commits anything and before Run.
func (r *Replicator) SetStore(s *store.Store) {
	r.cfg.Store, r.store, r.origin = s, s, s.Origin()
	r.localSeq.Store(s.Vector()[r.origin])
}

// OnCommit is the store's commit hook: events just written (local or
// applied). It runs in the store's writer, so it only records and wakes.
func (r *Replicator) OnCommit(events []zchat.Event) {
	local := false
	for _, e := range events {
		if e.Origin == r.origin {
			local = true
			r.localSeq.Store(max(r.localSeq.Load(), e.Seq))
		}
	}
	if local {
		r.ships.notifyAll()
	}
}

// Services are the server-to-server services replication answers.
func (r *Replicator) Services() map[string]func(ctx context.Context, m wire.Message) map[string]any {
	return map[string]func(ctx context.Context, m wire.Message) map[string]any{
		svcReplicate: r.serveReplicate,
		svcVector:    r.serveVector,
		svcFetch:     r.serveFetch,
		svcHashes:    r.serveHashes,
		svcHistory:   r.serveHistory,
	}
}

// Run replicates until ctx ends: it follows the membership (one shipper
// per peer) and runs anti-entropy rounds.
func (r *Replicator) Run(ctx context.Context) error {
	if r.store == nil {
		return errors.New("replication: Run before SetStore")
	}
	var wg sync.WaitGroup
	if r.cfg.PullInterval > 0 {
		wg.Go(func() { r.antiEntropy(ctx) })
	}
	r.followMembers(ctx)
	r.ships.stopAll()
	wg.Wait()
	return nil
}

// WaitReplicated returns once SyncReplicas peers hold ev, or an error after
// SyncTimeout. Events of other origins return at once: they are already
// on their origin's disk and ours.
func (r *Replicator) WaitReplicated(ctx context.Context, ev zchat.Event) error {
	k := r.cfg.SyncReplicas
	if k <= 0 || ev.Origin != r.origin {
		return nil
	}
	r.stats.syncWaits.Add(1)
	err := r.acks.wait(ctx, ev.Seq, k, r.cfg.SyncTimeout)
	if err != nil {
		r.stats.syncTimeouts.Add(1)
	}
	return err
}
