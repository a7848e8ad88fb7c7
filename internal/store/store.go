// Package store is the durable event store of one server replica.
//
// It owns the replica's SQLite database (<dir>/zchat.db): the log of
// zchat.Events, hash-chained per origin (zchat.ChainHash), the version vector
// and heads that say which events of every origin are stored and what they
// chain to, and the read models derived from the log (users, channels,
// history, claimed names). The log only grows, except when replication repairs a diverged
// origin (Truncate). Every write, local command or replicated event, goes through one
// writer goroutine that validates it against the current state and commits
// whole batches in one fsynced transaction (group commit), so an answered
// write is on disk and checks never race with writes. Reads use a separate
// read-only connection pool and never wait for the writer.
package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver

	"zchat"
)

// ErrClosed is returned by writes after Close.
var ErrClosed = errors.New("store: closed")

// DefaultMaxBatch bounds how many queued writes one transaction takes.
const DefaultMaxBatch = 512

// Options tune a Store. The zero value is usable.
type Options struct {
	// MaxBatch is the most writes (Submit or Apply calls) committed in one
	// transaction; 0 means DefaultMaxBatch.
	MaxBatch int
	// Logger receives operational messages; nil means slog.Default().
	Logger *slog.Logger
	// OnCommit, if set, is called by the writer goroutine after each
	// successful commit, before the waiters of that batch are answered, with
	// the events newly written by it (local and replicated, in commit order).
	// The writer waits for it, so it must not block for long: hand the events
	// to a channel or a buffer and return. It must not call Submit or Apply
	// (they would deadlock). The slice is not reused by the store.
	OnCommit func([]zchat.Event)
	// OnCommitTime, if set, is called by the writer after each successful
	// commit with how long the transaction took from BEGIN to the end of
	// COMMIT (the fsync included). Same rules as OnCommit.
	OnCommitTime func(time.Duration)
}

// Stats counts the writer's work since Open.
type Stats struct {
	Commits  uint64 // transactions committed
	Events   uint64 // events written (local and replicated)
	MaxBatch uint64 // most requests taken into one transaction
}

// Store is a replica's event store. Its methods are safe for concurrent use.
type Store struct {
	origin string
	opts   Options
	log    *slog.Logger
	wdb    *sql.DB // single read-write connection, used only by the writer
	rdb    *sql.DB // read-only pool
	stmts  *statements

	// In-memory state, loaded at Open and changed only by the writer after a
	// successful commit. The writer reads it without the lock (it is the
	// only goroutine that changes it); others read it under mu.
	mu       sync.RWMutex
	users    map[string]struct{}
	channels map[string]struct{}
	claims   map[string]claim      // per claimed name: the winning claim
	heads    map[string]zchat.Head // per origin: the vector's seq and its hash
	// The names of users and channels by zchat.NameKey, for the writer's
	// refusal of look-alike names (only the writer reads them).
	userNames    similarNames
	channelNames similarNames

	reqs      chan *request
	quit      chan struct{} // closed by Close: drain the queue and stop
	stopped   chan struct{} // closed when the writer has exited
	closeOnce sync.Once
	closeErr  error

	commits  atomic.Uint64
	written  atomic.Uint64
	maxBatch atomic.Uint64
}

// Open opens (creating if needed) the store in dir. name is the server's
// name; a new data directory gets the origin "<name>.<8 hex chars>", so a
// wiped directory never reuses the sequence numbers of an earlier
// incarnation that peers may already hold.
func Open(dir, name string, opts Options) (*Store, error) {
	if name == "" {
		return nil, errors.New("store: open: empty server name")
	}
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = DefaultMaxBatch
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	s := &Store{
		opts:     opts,
		log:      opts.Logger.With("component", "store"),
		users:    map[string]struct{}{},
		channels: map[string]struct{}{},
		claims:   map[string]claim{},
		heads:    map[string]zchat.Head{},
		reqs:     make(chan *request, opts.MaxBatch),
		quit:     make(chan struct{}),
		stopped:  make(chan struct{}),
	}
	if err := s.open(filepath.Join(dir, dbFile), name); err != nil {
		s.closeDBs()
		return nil, fmt.Errorf("store: open %s: %w", dir, err)
	}
	go s.writeLoop()
	s.log.Info("store opened", "dir", dir, "origin", s.origin,
		"events", s.sumVector(), "users", len(s.users), "channels", len(s.channels), "claims", len(s.claims))
	return s, nil
}

// open prepares both connections and loads the in-memory state.
func (s *Store) open(path, name string) error {
	ctx := context.Background()
	var err error
	if s.wdb, err = sql.Open("sqlite3", writerDSN(path)); err != nil {
		return err
	}
	// One connection: SQLite has one writer anyway, and statements prepared
	// once stay prepared on it.
	s.wdb.SetMaxOpenConns(1)
	s.wdb.SetMaxIdleConns(1)
	s.wdb.SetConnMaxLifetime(0)
	if err := initSchema(ctx, s.wdb); err != nil {
		return err
	}
	if s.origin, err = loadOrigin(ctx, s.wdb, name); err != nil {
		return err
	}
	if err := computeChains(ctx, s.wdb, s.log); err != nil {
		return err
	}
	if err := s.loadState(ctx); err != nil {
		return err
	}
	if s.stmts, err = prepare(ctx, s.wdb); err != nil {
		return err
	}
	// The read-only pool opens after the writer created the database and its
	// WAL files, which mode=ro cannot do.
	if s.rdb, err = sql.Open("sqlite3", readerDSN(path)); err != nil {
		return err
	}
	s.rdb.SetMaxOpenConns(8)
	s.rdb.SetMaxIdleConns(8)
	if err := s.rdb.PingContext(ctx); err != nil {
		return fmt.Errorf("open read pool: %w", err)
	}
	return nil
}

// loadOrigin returns the origin stored in meta, creating it on first open.
func loadOrigin(ctx context.Context, db *sql.DB, name string) (string, error) {
	var origin string
	err := db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'origin'`).Scan(&origin)
	if err == nil {
		return origin, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("read origin: %w", err)
	}
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("generate origin: %w", err)
	}
	origin = name + "." + hex.EncodeToString(b[:])
	if _, err := db.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('origin', ?)`, origin); err != nil {
		return "", fmt.Errorf("store origin: %w", err)
	}
	return origin, nil
}

// loadState reads users, channels, claims and the heads into memory, and
// indexes the names by their look-alike key.
func (s *Store) loadState(ctx context.Context) error {
	if err := loadNames(ctx, s.wdb, `SELECT name FROM users`, s.users); err != nil {
		return fmt.Errorf("load users: %w", err)
	}
	if err := loadNames(ctx, s.wdb, `SELECT name FROM channels`, s.channels); err != nil {
		return fmt.Errorf("load channels: %w", err)
	}
	s.userNames, s.channelNames = indexNames(s.users), indexNames(s.channels)
	var err error
	if s.claims, err = loadClaims(ctx, s.wdb, nil); err != nil {
		return fmt.Errorf("load claims: %w", err)
	}
	if err := loadHeads(ctx, s.wdb, s.heads); err != nil {
		return fmt.Errorf("load heads: %w", err)
	}
	return nil
}

func loadNames(ctx context.Context, db *sql.DB, query string, into map[string]struct{}) error {
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return err
		}
		into[name] = struct{}{}
	}
	return rows.Err()
}

// Close answers every write already queued, stops the writer and closes the
// database. Later writes return ErrClosed; later reads return an error.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		close(s.quit)
		<-s.stopped
		s.closeErr = s.closeDBs()
		s.log.Info("store closed", "origin", s.origin)
	})
	return s.closeErr
}

// closeDBs closes the readers first: the last connection to close
// checkpoints the WAL, and that must be the read-write one.
func (s *Store) closeDBs() error {
	var errs []error
	if s.rdb != nil {
		errs = append(errs, s.rdb.Close())
	}
	if s.stmts != nil {
		errs = append(errs, s.stmts.close())
	}
	if s.wdb != nil {
		errs = append(errs, s.wdb.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// Origin is this replica's origin id: the Origin of every event it accepts.
func (s *Store) Origin() string { return s.origin }

// Vector returns, per origin, the highest seq up to which every event of
// that origin is stored. It reads memory only.
func (s *Store) Vector() map[string]uint64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	v := make(map[string]uint64, len(s.heads))
	for o, h := range s.heads {
		v[o] = h.Seq
	}
	return v
}

// Heads returns, per origin, the vector's seq and the hash of that event:
// two replicas with the same head of an origin hold the same events of it.
// It reads memory only.
func (s *Store) Heads() map[string]zchat.Head {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return maps.Clone(s.heads)
}

// Head is Heads()[origin], zchat.GenesisHead if nothing of it is held.
func (s *Store) Head(origin string) zchat.Head {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if h, ok := s.heads[origin]; ok {
		return h
	}
	return zchat.GenesisHead
}

// HasUser reports whether name ever logged in (here or on a replicated event).
func (s *Store) HasUser(name string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, ok := s.users[name]
	return ok
}

// HasChannel reports whether channel name exists.
func (s *Store) HasChannel(name string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, ok := s.channels[name]
	return ok
}

// Stats returns the writer's counters.
func (s *Store) Stats() Stats {
	return Stats{Commits: s.commits.Load(), Events: s.written.Load(), MaxBatch: s.maxBatch.Load()}
}

func (s *Store) sumVector() uint64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var n uint64
	for _, h := range s.heads {
		n += h.Seq
	}
	return n
}
