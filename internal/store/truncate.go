package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"zchat"
)

// truncation asks the writer to remove an origin's events from a seq on.
type truncation struct {
	origin string
	from   uint64
}

// truncated is what a committed truncation changed, for memory.
type truncated struct {
	removed      int
	head         zchat.Head       // the origin's new head; seq 0: nothing left
	goneUsers    []string         // users without any login left
	goneChannels []string         // channels without any creation left
	goneClaims   []string         // names without any claim left
	claims       map[string]claim // names whose claim changed: the new winner
}

// Truncate removes the events of origin with seq >= from, in one
// transaction, and repairs what was derived from them: a user or channel
// or claimed name whose row came from a removed event takes its row from
// the smallest remaining login, creation or claim (or disappears), the duplicate-request
// hiding is recomputed for the request ids of removed posts and private
// messages, and the vector and head of origin go back to from-1.
//
// Replication calls it when a replica's log of an origin diverged from
// that origin's own log (the origin's own log wins), so that fetching from
// the origin brings the right events. Events already published to
// subscribers stay published. A store never truncates its own origin.
// It returns how many events were removed.
func (s *Store) Truncate(ctx context.Context, origin string, from uint64) (int, error) {
	switch {
	case origin == s.origin:
		return 0, fmt.Errorf("store: truncate: %s is this store's own origin", origin)
	case from == 0 || from > 1<<63-1:
		return 0, fmt.Errorf("store: truncate %s: seq %d out of range", origin, from)
	}
	res, err := s.do(ctx, &request{ctx: ctx, truncate: &truncation{origin: origin, from: from}})
	return res.removed, err
}

// runTruncate executes one truncation in its own transaction, then
// updates memory and answers.
func (s *Store) runTruncate(r *request) {
	if err := r.ctx.Err(); err != nil {
		r.reply <- result{err: err}
		return
	}
	t, err := s.execTruncate(r.truncate)
	if err != nil {
		s.log.Error("truncate failed", "origin", r.truncate.origin, "from", r.truncate.from, "err", err)
		r.reply <- result{err: fmt.Errorf("store: truncate: %w", err)}
		return
	}
	if t.removed > 0 {
		s.publishTruncation(r.truncate.origin, t)
		s.log.Warn("truncated a diverged origin", "origin", r.truncate.origin, "from", r.truncate.from,
			"removed", t.removed, "head", t.head.Seq, "users_gone", t.goneUsers, "channels_gone", t.goneChannels, "claims_gone", t.goneClaims)
	}
	r.reply <- result{removed: t.removed}
}

func (s *Store) execTruncate(tr *truncation) (truncated, error) {
	ctx := context.Background()
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return truncated{}, fmt.Errorf("begin: %w", err)
	}
	t, err := truncateIn(ctx, tx, tr)
	if err != nil {
		return truncated{}, errors.Join(err, tx.Rollback())
	}
	if t.removed == 0 {
		return t, tx.Rollback()
	}
	if err := tx.Commit(); err != nil {
		return truncated{}, fmt.Errorf("commit: %w", err)
	}
	return t, nil
}

// truncateIn deletes the events and repairs the read models within tx.
func truncateIn(ctx context.Context, tx *sql.Tx, tr *truncation) (truncated, error) {
	var t truncated
	from := int64(tr.from)
	requests, err := removedRequests(ctx, tx, tr.origin, from)
	if err != nil {
		return t, err
	}
	users, err1 := queryNames(ctx, tx, `SELECT name FROM users WHERE origin = ? AND seq >= ?`, tr.origin, from)
	channels, err2 := queryNames(ctx, tx, `SELECT name FROM channels WHERE origin = ? AND seq >= ?`, tr.origin, from)
	claims, err3 := queryNames(ctx, tx, `SELECT name FROM claims WHERE origin = ? AND seq >= ?`, tr.origin, from)
	if err := errors.Join(err1, err2, err3); err != nil {
		return t, fmt.Errorf("find affected users, channels and claims: %w", err)
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM events WHERE origin = ? AND seq >= ?`, tr.origin, from)
	if err != nil {
		return t, fmt.Errorf("delete events: %w", err)
	}
	n, _ := res.RowsAffected()
	if t.removed = int(n); n == 0 {
		return t, nil
	}
	if t.goneUsers, err = usersModel.recompute(ctx, tx, users); err != nil {
		return t, fmt.Errorf("recompute users: %w", err)
	}
	if t.goneChannels, err = channelsModel.recompute(ctx, tx, channels); err != nil {
		return t, fmt.Errorf("recompute channels: %w", err)
	}
	if t.goneClaims, err = claimsModel.recompute(ctx, tx, claims); err != nil {
		return t, fmt.Errorf("recompute claims: %w", err)
	}
	if t.claims, err = loadClaims(ctx, tx, claims); err != nil {
		return t, fmt.Errorf("read recomputed claims: %w", err)
	}
	for _, k := range requests {
		if _, err := tx.ExecContext(ctx, sqlRehide, k.kind, k.user, k.reqID, k.kind, k.user, k.reqID); err != nil {
			return t, fmt.Errorf("recompute hidden duplicates of %q: %w", k.reqID, err)
		}
	}
	return t, truncateVector(ctx, tx, tr, &t)
}

// truncateVector moves origin's vector entry back to from-1 (removes it
// at 0) and reads the new head.
func truncateVector(ctx context.Context, tx *sql.Tx, tr *truncation, t *truncated) error {
	var err error
	if tr.from == 1 {
		_, err = tx.ExecContext(ctx, `DELETE FROM vector WHERE origin = ?`, tr.origin)
	} else {
		_, err = tx.ExecContext(ctx, `UPDATE vector SET seq = ? WHERE origin = ?`, int64(tr.from-1), tr.origin)
	}
	if err != nil {
		return fmt.Errorf("move vector back: %w", err)
	}
	hash, err := hashBefore(ctx, tx, tr.origin, int64(tr.from))
	t.head = zchat.Head{Seq: tr.from - 1, Hash: hash}
	return err
}

// publishTruncation applies a committed truncation to memory.
func (s *Store) publishTruncation(origin string, t truncated) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range t.goneUsers {
		delete(s.users, u)
		s.userNames.remove(u)
	}
	for _, c := range t.goneChannels {
		delete(s.channels, c)
		s.channelNames.remove(c)
	}
	for _, n := range t.goneClaims {
		delete(s.claims, n)
	}
	for n, c := range t.claims {
		s.claims[n] = c
	}
	if t.head.Seq == 0 {
		delete(s.heads, origin)
	} else {
		s.heads[origin] = t.head
	}
}

// requestKey is what duplicate-request hiding groups by.
type requestKey struct {
	kind        int
	user, reqID string
}

// removedRequests lists the request keys of the posts and private
// messages about to be removed: their group may need another visible one.
func removedRequests(ctx context.Context, tx *sql.Tx, origin string, from int64) ([]requestKey, error) {
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT kind, user, reqid FROM events
		WHERE origin = ? AND seq >= ? AND kind IN (?, ?) AND reqid != ''`,
		origin, from, int(zchat.KindPost), int(zchat.KindPrivate))
	if err != nil {
		return nil, fmt.Errorf("find removed requests: %w", err)
	}
	defer rows.Close()
	var keys []requestKey
	for rows.Next() {
		var k requestKey
		if err := rows.Scan(&k.kind, &k.user, &k.reqID); err != nil {
			return nil, fmt.Errorf("find removed requests: %w", err)
		}
		keys = append(keys, k)
	}
	return keys, rows.Err()
}

func queryNames(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]string, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	return names, rows.Err()
}

// readModel is how to repair the rows of one read model. A users,
// channels or claims row keeps the smallest (clock, origin, seq) event that
// produced it (see sqlUpsertUser), so the repaired row is the smallest
// remaining one, read along the index that is already in that order.
type readModel struct {
	first string // the first remaining event producing a name: value, clock, time, origin, seq
	set   string // update the row from it: [value,] clock, time, origin, seq, name
	del   string // delete the row of a name
	value bool   // the row stores the value too (a channel's creator, a claim's key)
}

var (
	usersModel = readModel{
		first: `SELECT user, clock, time, origin, seq FROM events
			WHERE kind = 1 AND user = ? ORDER BY clock, origin, seq LIMIT 1`,
		set: `UPDATE users SET clock = ?, time = ?, origin = ?, seq = ? WHERE name = ?`,
		del: `DELETE FROM users WHERE name = ?`,
	}
	channelsModel = readModel{
		first: `SELECT user, clock, time, origin, seq FROM events
			WHERE kind = 2 AND target = ? ORDER BY clock, origin, seq LIMIT 1`,
		set:   `UPDATE channels SET creator = ?, clock = ?, time = ?, origin = ?, seq = ? WHERE name = ?`,
		del:   `DELETE FROM channels WHERE name = ?`,
		value: true,
	}
	claimsModel = readModel{
		first: `SELECT text, clock, time, origin, seq FROM events
			WHERE kind = 5 AND user = ? ORDER BY clock, origin, seq LIMIT 1`,
		set:   `UPDATE claims SET key = ?, clock = ?, time = ?, origin = ?, seq = ? WHERE name = ?`,
		del:   `DELETE FROM claims WHERE name = ?`,
		value: true,
	}
)

const (
	// Of the events sharing (kind, user, request id), the smallest in
	// (clock, origin, seq) is visible and the others hidden: the state
	// resolveDuplicate reaches whatever the arrival order.
	sqlRehide = `UPDATE events SET hidden = ((origin, seq) != (
			SELECT origin, seq FROM events INDEXED BY events_by_reqid
			WHERE kind = ? AND user = ? AND reqid = ? AND reqid != ''
			ORDER BY clock, origin, seq LIMIT 1))
		WHERE kind = ? AND user = ? AND reqid = ? AND reqid != ''`
)

// recompute repairs the rows of names: each takes the first remaining
// event that produces it, or is deleted if none remains. It returns the
// deleted names.
func (m readModel) recompute(ctx context.Context, tx *sql.Tx, names []string) ([]string, error) {
	var gone []string
	for _, name := range names {
		var value, origin string
		var clock, seq int64
		var at float64
		err := tx.QueryRowContext(ctx, m.first, name).Scan(&value, &clock, &at, &origin, &seq)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if _, err := tx.ExecContext(ctx, m.del, name); err != nil {
				return nil, err
			}
			gone = append(gone, name)
			continue
		case err != nil:
			return nil, err
		}
		args := []any{clock, at, origin, seq, name}
		if m.value {
			args = append([]any{value}, args...)
		}
		if _, err := tx.ExecContext(ctx, m.set, args...); err != nil {
			return nil, err
		}
	}
	return gone, nil
}
