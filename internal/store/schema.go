package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
)

// dbFile is the name of the database inside the data directory.
const dbFile = "zchat.db"

// schema creates every table and index. It is idempotent, so Open runs it on
// every start; later additions must stay additive (new tables, new indexes,
// new columns with defaults) so that old data directories keep working.
//
// Integers are stored as SQLite INTEGER (int64); sequence numbers and Lamport
// clocks stay far below 2^63.
const schema = `
CREATE TABLE IF NOT EXISTS meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

-- The log: every event ever accepted here or replicated from a peer.
-- hidden marks a duplicate retry that lost to an equal (kind, user, reqid)
-- event; it stays in the log for replication but not in history.
CREATE TABLE IF NOT EXISTS events (
	origin TEXT    NOT NULL,
	seq    INTEGER NOT NULL,
	clock  INTEGER NOT NULL,
	time   REAL    NOT NULL,
	kind   INTEGER NOT NULL,
	user   TEXT    NOT NULL,
	target TEXT    NOT NULL,
	text   TEXT    NOT NULL,
	reqid  TEXT    NOT NULL,
	hidden INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (origin, seq)
);

-- Posts of a channel (kind=3, target=channel) and private messages by
-- recipient (kind=4, target=recipient), both in history order.
CREATE INDEX IF NOT EXISTS events_by_target
	ON events (kind, target, clock, origin, seq);

-- Private messages by sender (kind=4, user=sender) in history order.
CREATE INDEX IF NOT EXISTS events_by_user
	ON events (kind, user, clock, origin, seq);

-- Retries carrying the same request id.
CREATE INDEX IF NOT EXISTS events_by_reqid
	ON events (kind, user, reqid) WHERE reqid != '';

-- Highest contiguous seq stored per origin.
CREATE TABLE IF NOT EXISTS vector (
	origin TEXT PRIMARY KEY,
	seq    INTEGER NOT NULL
);

-- Read models. Each row keeps the smallest (clock, origin, seq) event that
-- produced it, so replicas that see the same events in another order agree.
CREATE TABLE IF NOT EXISTS users (
	name   TEXT PRIMARY KEY,
	clock  INTEGER NOT NULL,
	time   REAL    NOT NULL,
	origin TEXT    NOT NULL,
	seq    INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS channels (
	name    TEXT PRIMARY KEY,
	creator TEXT    NOT NULL,
	clock   INTEGER NOT NULL,
	time    REAL    NOT NULL,
	origin  TEXT    NOT NULL,
	seq     INTEGER NOT NULL
);

-- Claimed names (kind=5 events): the owner's key of each, from the first
-- claim in (clock, origin, seq) order.
CREATE TABLE IF NOT EXISTS claims (
	name   TEXT PRIMARY KEY,
	key    TEXT    NOT NULL,
	clock  INTEGER NOT NULL,
	time   REAL    NOT NULL,
	origin TEXT    NOT NULL,
	seq    INTEGER NOT NULL
);
`

// writerDSN opens the single read-write connection. synchronous=FULL makes a
// WAL commit fsync, so an acknowledged event is on disk (NORMAL would not be:
// see MEASURED.md). _txlock=immediate takes the write lock at BEGIN, so a
// transaction never fails half-way on a lock upgrade.
func writerDSN(path string) string {
	v := url.Values{}
	v.Set("_journal_mode", "WAL")
	v.Set("_synchronous", "FULL")
	v.Set("_busy_timeout", "5000")
	v.Set("_txlock", "immediate")
	v.Set("mode", "rwc")
	return "file:" + escapePath(path) + "?" + v.Encode()
}

// readerDSN opens the read-only pool. Readers of a WAL database never block
// the writer and see the last committed state.
func readerDSN(path string) string {
	v := url.Values{}
	v.Set("mode", "ro")
	v.Set("_query_only", "1")
	v.Set("_busy_timeout", "5000")
	return "file:" + escapePath(path) + "?" + v.Encode()
}

// escapePath keeps '?' and '#' in a directory name from being read as URI
// syntax.
func escapePath(path string) string {
	return (&url.URL{Path: path}).EscapedPath()
}

// initSchema creates the schema and checks that the pragmas took effect: a
// silently ignored synchronous=FULL would turn acks into lies.
func initSchema(ctx context.Context, db *sql.DB) error {
	if _, err := db.ExecContext(ctx, schema); err != nil {
		return fmt.Errorf("create schema: %w", err)
	}
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return fmt.Errorf("read journal_mode: %w", err)
	}
	if mode != "wal" {
		return fmt.Errorf("journal_mode is %q, want wal", mode)
	}
	var sync int
	if err := db.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync); err != nil {
		return fmt.Errorf("read synchronous: %w", err)
	}
	if sync != 2 { // 2 = FULL
		return fmt.Errorf("synchronous is %d, want 2 (FULL)", sync)
	}
	return addColumn(ctx, db, "events", "hash", "BLOB")
}

// addColumn adds a column unless the table has it: SQLite has no ADD
// COLUMN IF NOT EXISTS. The events' hash (zchat.ChainHash, 32 bytes) came
// after the first data directories; their rows get it once, at Open
// (computeChains), and until then it is NULL.
func addColumn(ctx context.Context, db *sql.DB, table, column, decl string) error {
	var n int
	err := db.QueryRowContext(ctx, `SELECT count(*) FROM pragma_table_info(?) WHERE name = ?`, table, column).Scan(&n)
	if err != nil {
		return fmt.Errorf("inspect %s: %w", table, err)
	}
	if n > 0 {
		return nil
	}
	if _, err := db.ExecContext(ctx, `ALTER TABLE `+table+` ADD COLUMN `+column+` `+decl); err != nil {
		return fmt.Errorf("add %s.%s: %w", table, column, err)
	}
	return nil
}
