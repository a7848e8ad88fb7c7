package store

import (
	"database/sql"
	"fmt"
)

// MaxClock returns the highest Lamport clock of any stored event. A server
// restarts its Lamport clock from here, so that its new events sort after
// everything it already holds. It scans the log once: call it at start.
func (s *Store) MaxClock() (uint64, error) {
	var c sql.NullInt64
	if err := s.rdb.QueryRow(`SELECT max(clock) FROM events`).Scan(&c); err != nil {
		return 0, fmt.Errorf("store: max clock: %w", err)
	}
	return uint64(c.Int64), nil
}
