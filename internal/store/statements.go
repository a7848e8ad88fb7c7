package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"zchat"
)

// statements are the writer's SQL, prepared once on the write connection and
// bound to each batch's transaction with tx.Stmt.
type statements struct {
	insertEvent   *sql.Stmt
	findVisible   *sql.Stmt
	hideEvent     *sql.Stmt
	upsertUser    *sql.Stmt
	upsertChannel *sql.Stmt
	upsertClaim   *sql.Stmt
	upsertVector  *sql.Stmt
	hashAt        *sql.Stmt
	eventAt       *sql.Stmt
}

// eventColumns is the column list that scanEvent reads.
const eventColumns = `origin, seq, clock, time, kind, user, target, text, reqid, hash`

const (
	sqlInsertEvent = `INSERT INTO events (` + eventColumns + `, hidden)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

	// The literal reqid != '' lets SQLite use the partial index, and
	// INDEXED BY makes it: left to itself it picks events_by_user, which
	// yields the order without a sort but scans every post of the user.
	// There is no ORDER BY: at most a few rows match, and the caller picks
	// the first in history order cheaper than SQLite's sorter would.
	sqlFindVisible = `SELECT ` + eventColumns + ` FROM events INDEXED BY events_by_reqid
		WHERE kind = ? AND user = ? AND reqid = ? AND reqid != '' AND hidden = 0`

	sqlHideEvent = `UPDATE events SET hidden = 1 WHERE origin = ? AND seq = ?`

	// Keep the first login: the smallest (clock, origin, seq) wins on every
	// replica, whatever order the logins arrive in.
	sqlUpsertUser = `INSERT INTO users (name, clock, time, origin, seq)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET
			clock = excluded.clock, time = excluded.time,
			origin = excluded.origin, seq = excluded.seq
		WHERE (excluded.clock, excluded.origin, excluded.seq) < (users.clock, users.origin, users.seq)`

	// Concurrent creations of one channel on two replicas converge to the
	// creation that is smallest in (clock, origin, seq).
	sqlUpsertChannel = `INSERT INTO channels (name, creator, clock, time, origin, seq)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET
			creator = excluded.creator, clock = excluded.clock, time = excluded.time,
			origin = excluded.origin, seq = excluded.seq
		WHERE (excluded.clock, excluded.origin, excluded.seq) < (channels.clock, channels.origin, channels.seq)`

	// The first claim of a name wins, like the first creation of a channel.
	sqlUpsertClaim = `INSERT INTO claims (name, key, clock, time, origin, seq)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET
			key = excluded.key, clock = excluded.clock, time = excluded.time,
			origin = excluded.origin, seq = excluded.seq
		WHERE (excluded.clock, excluded.origin, excluded.seq) < (claims.clock, claims.origin, claims.seq)`

	sqlUpsertVector = `INSERT INTO vector (origin, seq) VALUES (?, ?)
		ON CONFLICT (origin) DO UPDATE SET seq = excluded.seq`

	sqlHashAt = `SELECT hash FROM events WHERE origin = ? AND seq = ?`

	sqlEventAt = `SELECT ` + eventColumns + ` FROM events WHERE origin = ? AND seq = ?`
)

func prepare(ctx context.Context, db *sql.DB) (*statements, error) {
	st := &statements{}
	for _, p := range []struct {
		dst **sql.Stmt
		sql string
	}{
		{&st.insertEvent, sqlInsertEvent},
		{&st.findVisible, sqlFindVisible},
		{&st.hideEvent, sqlHideEvent},
		{&st.upsertUser, sqlUpsertUser},
		{&st.upsertChannel, sqlUpsertChannel},
		{&st.upsertClaim, sqlUpsertClaim},
		{&st.upsertVector, sqlUpsertVector},
		{&st.hashAt, sqlHashAt},
		{&st.eventAt, sqlEventAt},
	} {
		stmt, err := db.PrepareContext(ctx, p.sql)
		if err != nil {
			_ = st.close()
			return nil, fmt.Errorf("prepare %q: %w", p.sql, err)
		}
		*p.dst = stmt
	}
	return st, nil
}

// bind returns the statements bound to tx.
func (st *statements) bind(ctx context.Context, tx *sql.Tx) *statements {
	return &statements{
		insertEvent:   tx.StmtContext(ctx, st.insertEvent),
		findVisible:   tx.StmtContext(ctx, st.findVisible),
		hideEvent:     tx.StmtContext(ctx, st.hideEvent),
		upsertUser:    tx.StmtContext(ctx, st.upsertUser),
		upsertChannel: tx.StmtContext(ctx, st.upsertChannel),
		upsertClaim:   tx.StmtContext(ctx, st.upsertClaim),
		upsertVector:  tx.StmtContext(ctx, st.upsertVector),
		hashAt:        tx.StmtContext(ctx, st.hashAt),
		eventAt:       tx.StmtContext(ctx, st.eventAt),
	}
}

func (st *statements) close() error {
	var errs []error
	for _, stmt := range []*sql.Stmt{st.insertEvent, st.findVisible, st.hideEvent,
		st.upsertUser, st.upsertChannel, st.upsertClaim, st.upsertVector, st.hashAt, st.eventAt} {
		if stmt != nil {
			errs = append(errs, stmt.Close())
		}
	}
	return errors.Join(errs...)
}

// scanEvent reads the eventColumns of one row. The hash is read as
// RawBytes (valid until the next row) and copied into the event: one copy
// per row, not two.
func scanEvent(r *sql.Rows) (zchat.Event, error) {
	var e zchat.Event
	var seq, clock int64
	var kind int
	var hash sql.RawBytes
	if err := r.Scan(&e.Origin, &seq, &clock, &e.Time, &kind, &e.User, &e.Target, &e.Text, &e.ReqID, &hash); err != nil {
		return zchat.Event{}, err
	}
	e.Seq, e.Clock, e.Kind = uint64(seq), uint64(clock), zchat.Kind(kind)
	copy(e.Hash[:], hash) // NULL (not chained yet, during the migration) stays zero
	return e, nil
}
