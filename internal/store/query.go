package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"zchat"
)

// Limits of History and Since.
const (
	DefaultHistoryLimit = 100
	MaxHistoryLimit     = 1000
	DefaultSinceLimit   = 1000
)

// Since returns the events of origin with seq > after, ascending, at most
// limit of them (limit <= 0 means DefaultSinceLimit). Hidden events are
// included: they are part of the log that peers replicate.
func (s *Store) Since(origin string, after uint64, limit int) ([]zchat.Event, error) {
	if limit <= 0 {
		limit = DefaultSinceLimit
	}
	if after >= math.MaxInt64 {
		return nil, nil
	}
	rows, err := s.rdb.Query(`SELECT `+eventColumns+` FROM events
		WHERE origin = ? AND seq > ? ORDER BY seq LIMIT ?`, origin, int64(after), limit)
	if err != nil {
		return nil, fmt.Errorf("store: since %s:%d: %w", origin, after, err)
	}
	events, err := scanEvents(rows)
	if err != nil {
		return nil, fmt.Errorf("store: since %s:%d: %w", origin, after, err)
	}
	return events, nil
}

// Users returns the names of every user that ever logged in, sorted.
func (s *Store) Users() ([]string, error) {
	names, err := s.names(`SELECT name FROM users ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("store: users: %w", err)
	}
	return names, nil
}

// Channels returns the names of every channel, sorted.
func (s *Store) Channels() ([]string, error) {
	names, err := s.names(`SELECT name FROM channels ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("store: channels: %w", err)
	}
	return names, nil
}

// Count returns the number of stored events (hidden ones included). It
// counts rows, so it costs a scan of an index: for tests and status, not for
// every request.
func (s *Store) Count() (int64, error) {
	var n int64
	if err := s.rdb.QueryRow(`SELECT count(*) FROM events`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count: %w", err)
	}
	return n, nil
}

// Hidden returns the IDs of the events hidden as duplicate retries, sorted
// by origin and seq. It scans the log: for tests and diagnostics.
func (s *Store) Hidden() ([]string, error) {
	rows, err := s.rdb.Query(`SELECT origin, seq FROM events WHERE hidden = 1 ORDER BY origin, seq`)
	if err != nil {
		return nil, fmt.Errorf("store: hidden: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var e zchat.Event
		var seq int64
		if err := rows.Scan(&e.Origin, &seq); err != nil {
			return nil, fmt.Errorf("store: hidden: %w", err)
		}
		e.Seq = uint64(seq)
		ids = append(ids, e.ID())
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: hidden: %w", err)
	}
	return ids, nil
}

func (s *Store) names(query string) ([]string, error) {
	rows, err := s.rdb.Query(query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	names := []string{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		names = append(names, name)
	}
	return names, rows.Err()
}

// History returns visible posts of q.Channel, or private messages sent or
// received by q.User (only those exchanged with q.Peer when set), ordered by
// (Clock, Origin, Seq), oldest first. Limit defaults to DefaultHistoryLimit
// and is capped at MaxHistoryLimit. Before and After are event IDs used as
// exclusive cursors: with After, the oldest Limit events after it (and
// before Before, if also set); otherwise the newest Limit events before
// Before (or of all). A cursor that names no stored event yields
// zchat.ErrBadCursor. A channel or user without messages yields no events.
func (s *Store) History(ctx context.Context, q zchat.HistoryQuery) ([]zchat.Event, error) {
	if (q.Channel == "") == (q.User == "") {
		return nil, errors.New("store: history: set exactly one of channel or user")
	}
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultHistoryLimit
	}
	limit = min(limit, MaxHistoryLimit)
	var bounds []bound
	for _, c := range []struct {
		id string
		op string
	}{{q.After, ">"}, {q.Before, "<"}} {
		if c.id == "" {
			continue
		}
		k, err := s.cursor(ctx, c.id)
		if err != nil {
			return nil, err
		}
		bounds = append(bounds, bound{op: c.op, key: k})
	}
	// Without After the page ends at the newest events: read them newest
	// first and reverse.
	newest := q.After == ""
	query, args := historySQL(branches(q), bounds, newest, limit)
	rows, err := s.rdb.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: history: %w", err)
	}
	events, err := scanEvents(rows)
	if err != nil {
		return nil, fmt.Errorf("store: history: %w", err)
	}
	if newest {
		slices.Reverse(events)
	}
	return events, nil
}

// key is an event's position in history order.
type key struct {
	clock  int64
	origin string
	seq    int64
}

// bound is an exclusive cursor: rows whose key is op ("<" or ">") key.
type bound struct {
	op  string
	key key
}

// cursor resolves an event ID to its history position.
func (s *Store) cursor(ctx context.Context, id string) (key, error) {
	i := strings.LastIndexByte(id, ':')
	if i <= 0 {
		return key{}, zchat.ErrBadCursor
	}
	seq, err := strconv.ParseInt(id[i+1:], 10, 64)
	if err != nil || seq <= 0 {
		return key{}, zchat.ErrBadCursor
	}
	k := key{origin: id[:i], seq: seq}
	err = s.rdb.QueryRowContext(ctx, `SELECT clock FROM events WHERE origin = ? AND seq = ?`,
		k.origin, k.seq).Scan(&k.clock)
	if errors.Is(err, sql.ErrNoRows) {
		return key{}, zchat.ErrBadCursor
	}
	if err != nil {
		return key{}, fmt.Errorf("store: history cursor %q: %w", id, err)
	}
	return k, nil
}

// branch is one indexed selection of events: a WHERE clause and its args.
type branch struct {
	where string
	args  []any
}

// branches splits a history query into selections that each follow one
// index in history order. A user's conversation is two of them (sent and
// received), merged by UNION ALL; a message to oneself is taken only from
// the first.
func branches(q zchat.HistoryQuery) []branch {
	post, private := int(zchat.KindPost), int(zchat.KindPrivate)
	switch {
	case q.Channel != "":
		return []branch{{`kind = ? AND target = ?`, []any{post, q.Channel}}}
	case q.Peer == "":
		return []branch{
			{`kind = ? AND user = ?`, []any{private, q.User}},
			{`kind = ? AND target = ? AND user != target`, []any{private, q.User}},
		}
	default:
		return []branch{
			{`kind = ? AND user = ? AND target = ?`, []any{private, q.User, q.Peer}},
			{`kind = ? AND target = ? AND user = ? AND user != target`, []any{private, q.User, q.Peer}},
		}
	}
}

// historySQL builds the query: each branch limited on its own index, then
// merged, ordered and limited again.
func historySQL(bs []branch, bounds []bound, newest bool, limit int) (string, []any) {
	order := `clock, origin, seq`
	if newest {
		order = `clock DESC, origin DESC, seq DESC`
	}
	var parts []string
	var args []any
	for _, b := range bs {
		where := b.where + ` AND hidden = 0`
		args = append(args, b.args...)
		for _, c := range bounds {
			where += ` AND (clock, origin, seq) ` + c.op + ` (?, ?, ?)`
			args = append(args, c.key.clock, c.key.origin, c.key.seq)
		}
		parts = append(parts, `SELECT `+eventColumns+` FROM events WHERE `+where+
			` ORDER BY `+order+` LIMIT ?`)
		args = append(args, limit)
	}
	if len(parts) == 1 {
		return parts[0], args
	}
	for i, p := range parts {
		parts[i] = `SELECT * FROM (` + p + `)`
	}
	args = append(args, limit)
	return strings.Join(parts, ` UNION ALL `) + ` ORDER BY ` + order + ` LIMIT ?`, args
}

// scanEvents reads and closes rows of eventColumns.
func scanEvents(rows *sql.Rows) ([]zchat.Event, error) {
	defer rows.Close()
	events := []zchat.Event{}
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		events = append(events, e)
	}
	return events, rows.Err()
}
