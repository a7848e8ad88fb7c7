package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"zchat"
)

// loadHeads reads, per origin, the vector's seq and the hash of that event.
func loadHeads(ctx context.Context, db *sql.DB, into map[string]zchat.Head) error {
	rows, err := db.QueryContext(ctx, `SELECT v.origin, v.seq, e.hash FROM vector v
		LEFT JOIN events e ON e.origin = v.origin AND e.seq = v.seq`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var origin string
		var seq int64
		var hash []byte
		if err := rows.Scan(&origin, &seq, &hash); err != nil {
			return err
		}
		if len(hash) != len(zchat.Hash{}) {
			return fmt.Errorf("head %s:%d has no hash", origin, seq)
		}
		into[origin] = zchat.Head{Seq: uint64(seq), Hash: zchat.Hash(hash)}
	}
	return rows.Err()
}

// chainChunk is how many events one transaction of computeChains hashes.
const chainChunk = 10000

// computeChains hashes the events that have none: the whole log of a data
// directory written before events were chained (once, at the first Open
// that knows the chain), and the tail written by an older version run on a
// chained directory. Events are appended in seq order, so an origin whose
// head has a hash has them all, and the check costs one lookup per origin.
func computeChains(ctx context.Context, db *sql.DB, log *slog.Logger) error {
	origins, err := unchainedOrigins(ctx, db)
	if err != nil {
		return fmt.Errorf("find unchained origins: %w", err)
	}
	start, total := time.Now(), 0
	for _, origin := range origins {
		n, err := chainOrigin(ctx, db, origin)
		if err != nil {
			return fmt.Errorf("chain the events of %s: %w", origin, err)
		}
		total += n
	}
	if total > 0 {
		log.Info("computed event hashes", "events", total, "origins", len(origins),
			"took", time.Since(start).Round(time.Millisecond))
	}
	return nil
}

func unchainedOrigins(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT v.origin FROM vector v
		JOIN events e ON e.origin = v.origin AND e.seq = v.seq WHERE e.hash IS NULL`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var origins []string
	for rows.Next() {
		var o string
		if err := rows.Scan(&o); err != nil {
			return nil, err
		}
		origins = append(origins, o)
	}
	return origins, rows.Err()
}

// chainOrigin hashes origin's events from its first one without a hash
// on, a transaction per chainChunk events (an interrupted run resumes
// where it stopped).
func chainOrigin(ctx context.Context, db *sql.DB, origin string) (int, error) {
	var first sql.NullInt64
	err := db.QueryRowContext(ctx, `SELECT min(seq) FROM events WHERE origin = ? AND hash IS NULL`, origin).Scan(&first)
	if err != nil || !first.Valid {
		return 0, err
	}
	prev, err := hashBefore(ctx, db, origin, first.Int64)
	if err != nil {
		return 0, err
	}
	total := 0
	for from := first.Int64; ; {
		rows, err := db.QueryContext(ctx, `SELECT `+eventColumns+` FROM events
			WHERE origin = ? AND seq >= ? ORDER BY seq LIMIT ?`, origin, from, chainChunk)
		if err != nil {
			return total, err
		}
		events, err := scanEvents(rows)
		if err != nil || len(events) == 0 {
			return total, err
		}
		if prev, err = storeHashes(ctx, db, prev, uint64(from), events); err != nil {
			return total, err
		}
		total += len(events)
		from = int64(events[len(events)-1].Seq) + 1
	}
}

// queryRower is *sql.DB or *sql.Tx.
type queryRower interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// hashBefore is the hash of origin's event seq-1, Genesis before seq 1.
func hashBefore(ctx context.Context, db queryRower, origin string, seq int64) (zchat.Hash, error) {
	if seq <= 1 {
		return zchat.Genesis, nil
	}
	var b []byte
	err := db.QueryRowContext(ctx, `SELECT hash FROM events WHERE origin = ? AND seq = ?`, origin, seq-1).Scan(&b)
	if err != nil {
		return zchat.Hash{}, fmt.Errorf("hash of %s:%d: %w", origin, seq-1, err)
	}
	if len(b) != len(zchat.Hash{}) {
		return zchat.Hash{}, fmt.Errorf("hash of %s:%d is missing", origin, seq-1)
	}
	return zchat.Hash(b), nil
}

// storeHashes chains events (of one origin, seqs from on) onto prev and
// stores their hashes in one transaction; it returns the last hash.
func storeHashes(ctx context.Context, db *sql.DB, prev zchat.Hash, from uint64, events []zchat.Event) (zchat.Hash, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return prev, err
	}
	stmt, err := tx.PrepareContext(ctx, `UPDATE events SET hash = ? WHERE origin = ? AND seq = ?`)
	if err != nil {
		return prev, errors.Join(err, tx.Rollback())
	}
	for i, e := range events {
		if e.Seq != from+uint64(i) {
			return prev, errors.Join(fmt.Errorf("gap before %s", e.ID()), tx.Rollback())
		}
		prev = zchat.ChainHash(prev, e)
		if _, err := stmt.ExecContext(ctx, prev[:], e.Origin, int64(e.Seq)); err != nil {
			return prev, errors.Join(err, tx.Rollback())
		}
	}
	return prev, tx.Commit()
}

// maxHashesAt bounds one HashesAt call (and the peer service behind it).
const maxHashesAt = 64

// HashesAt returns the hashes of origin's events at seqs, in the same
// order; a zero hash for a seq not held. At most 64 seqs.
func (s *Store) HashesAt(ctx context.Context, origin string, seqs []uint64) ([]zchat.Hash, error) {
	if len(seqs) > maxHashesAt {
		return nil, fmt.Errorf("store: hashes: %d seqs, at most %d", len(seqs), maxHashesAt)
	}
	out := make([]zchat.Hash, len(seqs))
	if len(seqs) == 0 {
		return out, nil
	}
	args := []any{origin}
	for _, seq := range seqs {
		args = append(args, int64(min(seq, 1<<63-1)))
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT seq, hash FROM events WHERE origin = ? AND seq IN (?`+
		strings.Repeat(`, ?`, len(seqs)-1)+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: hashes of %s: %w", origin, err)
	}
	defer rows.Close()
	found := map[uint64]zchat.Hash{}
	for rows.Next() {
		var seq int64
		var b []byte
		if err := rows.Scan(&seq, &b); err != nil {
			return nil, fmt.Errorf("store: hashes of %s: %w", origin, err)
		}
		var h zchat.Hash
		copy(h[:], b)
		found[uint64(seq)] = h
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: hashes of %s: %w", origin, err)
	}
	for i, seq := range seqs {
		out[i] = found[seq]
	}
	return out, nil
}
