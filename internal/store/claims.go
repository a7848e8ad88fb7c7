package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"zchat"
)

// claim is the winning claim of a name: its owner's key and the position
// of its event in (Clock, Origin, Seq) order, which a later-arriving but
// earlier claim must beat.
type claim struct {
	key    string
	clock  uint64
	origin string
	seq    uint64
}

// claimOf is the claim that event e makes.
func claimOf(e zchat.Event) claim {
	return claim{key: e.Text, clock: e.Clock, origin: e.Origin, seq: e.Seq}
}

// before reports whether c comes before o in (Clock, Origin, Seq) order.
func (c claim) before(o claim) bool {
	return zchat.Event{Clock: c.clock, Origin: c.origin, Seq: c.seq}.Less(
		zchat.Event{Clock: o.clock, Origin: o.origin, Seq: o.seq})
}

// Owner returns the key that claimed name, if any. It reads memory only.
func (s *Store) Owner(name string) (key string, claimed bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, ok := s.claims[name]
	return c.key, ok
}

// Claims returns every claimed name with its owner's key, as stored.
func (s *Store) Claims() (map[string]string, error) {
	rows, err := s.rdb.Query(`SELECT name, key FROM claims`)
	if err != nil {
		return nil, fmt.Errorf("store: claims: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var name, key string
		if err := rows.Scan(&name, &key); err != nil {
			return nil, fmt.Errorf("store: claims: %w", err)
		}
		out[name] = key
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: claims: %w", err)
	}
	return out, nil
}

// loadClaims reads the claims of names (every claim if names is nil) from
// the read model; a name without a row is absent from the result.
func loadClaims(ctx context.Context, q querier, names []string) (map[string]claim, error) {
	const cols = `SELECT name, key, clock, origin, seq FROM claims`
	out := map[string]claim{}
	read := func(rows *sql.Rows, err error) error {
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var name string
			var c claim
			var clock, seq int64
			if err := rows.Scan(&name, &c.key, &clock, &c.origin, &seq); err != nil {
				return err
			}
			c.clock, c.seq = uint64(clock), uint64(seq)
			out[name] = c
		}
		return rows.Err()
	}
	if names == nil {
		return out, read(q.QueryContext(ctx, cols))
	}
	for _, n := range names {
		if err := read(q.QueryContext(ctx, cols+` WHERE name = ?`, n)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// querier is what loadClaims reads from: the database at Open, the
// transaction of a truncation.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// claim returns the winning claim of name, this batch included.
func (b *batch) claim(name string) (claim, bool) {
	if c, ok := b.claims[name]; ok {
		return c, true
	}
	c, ok := b.s.claims[name]
	return c, ok
}

// submitClaim decides a local claim before it is written: a name claimed
// by the same key gives the earlier claim back (done is set: a repeated
// claim is idempotent), a name claimed by another key is refused.
func (b *batch) submitClaim(cmd zchat.Command) (res result, done bool, err error) {
	c, ok := b.claim(cmd.User)
	switch {
	case !ok:
		return result{}, false, nil
	case c.key != cmd.Text:
		return result{err: zchat.ClaimedError{Name: cmd.User}}, true, nil
	}
	orig, err := b.eventAt(c.origin, c.seq)
	if err != nil {
		return result{}, true, err
	}
	return result{committed: zchat.Committed{Event: orig, Duplicate: true}}, true, nil
}

// eventAt reads one stored event, this transaction's included.
func (b *batch) eventAt(origin string, seq uint64) (zchat.Event, error) {
	rows, err := b.st.eventAt.QueryContext(b.ctx, origin, int64(seq))
	if err != nil {
		return zchat.Event{}, fmt.Errorf("read %s:%d: %w", origin, seq, err)
	}
	events, err := scanEvents(rows)
	if err == nil && len(events) == 0 {
		err = errors.New("not stored")
	}
	if err != nil {
		return zchat.Event{}, fmt.Errorf("read %s:%d: %w", origin, seq, err)
	}
	return events[0], nil
}

// writeClaim updates the claims read model and the batch's overlay with a
// claim event: it wins if it comes before the name's current claim.
func (b *batch) writeClaim(e zchat.Event) error {
	c := claimOf(e)
	if cur, ok := b.claim(e.User); !ok || c.before(cur) {
		b.claims[e.User] = c
	}
	_, err := b.st.upsertClaim.ExecContext(b.ctx, e.User, e.Text, int64(e.Clock), e.Time, e.Origin, int64(e.Seq))
	return err
}
