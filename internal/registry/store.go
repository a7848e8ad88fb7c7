package registry

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"

	_ "github.com/mattn/go-sqlite3" // database/sql driver "sqlite3"
)

// rankStore persists the name -> rank assignment, durably (fsync at
// commit) before the reference answers with a new rank.
type rankStore struct {
	db *sql.DB
}

// openRankStore opens (creating it if needed) dir/reference.db. An empty
// dir keeps ranks in memory only.
func openRankStore(dir string) (*rankStore, error) {
	dsn := "file::memory:?_journal_mode=WAL&_synchronous=FULL"
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("data dir: %w", err)
		}
		dsn = "file:" + filepath.Join(dir, "reference.db") + "?_journal_mode=WAL&_synchronous=FULL&_busy_timeout=5000"
	}
	db, err := sql.Open("sqlite3", dsn)
	if err != nil {
		return nil, fmt.Errorf("open rank store: %w", err)
	}
	db.SetMaxOpenConns(1) // one writer; also keeps an in-memory db alive
	const schema = `CREATE TABLE IF NOT EXISTS ranks (
		name TEXT PRIMARY KEY,
		rank INTEGER NOT NULL UNIQUE
	)`
	if _, err := db.Exec(schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("create rank table: %w", err)
	}
	return &rankStore{db: db}, nil
}

// Load returns every persisted rank.
func (s *rankStore) Load() (map[string]int, error) {
	rows, err := s.db.Query(`SELECT name, rank FROM ranks`)
	if err != nil {
		return nil, fmt.Errorf("load ranks: %w", err)
	}
	defer rows.Close()
	ranks := map[string]int{}
	for rows.Next() {
		var name string
		var rank int
		if err := rows.Scan(&name, &rank); err != nil {
			return nil, fmt.Errorf("load ranks: %w", err)
		}
		ranks[name] = rank
	}
	return ranks, rows.Err()
}

// Save persists a new assignment.
func (s *rankStore) Save(name string, rank int) error {
	if _, err := s.db.Exec(`INSERT INTO ranks (name, rank) VALUES (?, ?)`, name, rank); err != nil {
		return fmt.Errorf("save rank of %q: %w", name, err)
	}
	return nil
}

func (s *rankStore) Close() error { return s.db.Close() }
