package bench

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// dbFile is the store's database inside a data directory.
const dbFile = "zchat.db"

// fillTemplate returns a database file holding posts filled posts, built
// once and kept under cache ("" keeps it in a temporary directory that
// cleanup removes). It is built on a RAM disk when there is one: a store
// fsyncs every transaction, and test data need not be durable.
func fillTemplate(ctx context.Context, cache string, posts int, n names, size int) (path string, cleanup func(), err error) {
	cleanup = func() {}
	if cache == "" {
		if cache, err = os.MkdirTemp("", "zchat-bench-fill-"); err != nil {
			return "", cleanup, err
		}
		dir := cache
		cleanup = func() { os.RemoveAll(dir) }
	}
	path = filepath.Join(cache, fmt.Sprintf("fill-%d-%du-%dc-%db.db", posts, len(n.users), len(n.channels), size))
	if _, err := os.Stat(path); err == nil {
		return path, cleanup, nil
	}
	build, err := os.MkdirTemp(ramDisk(), "zchat-bench-build-")
	if err != nil {
		return "", cleanup, err
	}
	defer os.RemoveAll(build)
	if err := fillStore(ctx, build, posts, n, size); err != nil {
		return "", cleanup, err
	}
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return "", cleanup, err
	}
	if err := copyFile(filepath.Join(build, dbFile), path+".tmp"); err != nil {
		return "", cleanup, err
	}
	return path, cleanup, os.Rename(path+".tmp", path)
}

// ramDisk is /dev/shm when it is a writable directory, else the temp dir.
func ramDisk() string {
	if f, err := os.CreateTemp("/dev/shm", "probe-"); err == nil {
		f.Close()
		os.Remove(f.Name())
		return "/dev/shm"
	}
	return os.TempDir()
}

// installFill copies the template into a server's data directory and
// removes the template's origin from it, so that the server takes an
// origin of its own at start, as on a fresh directory: every copy then
// holds the same filled events and a distinct origin, as replicas do.
func installFill(template, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	dst := filepath.Join(dir, dbFile)
	if err := copyFile(template, dst); err != nil {
		return err
	}
	db, err := sql.Open("sqlite3", "file:"+dst)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, `DELETE FROM meta WHERE key = 'origin'`); err != nil {
		return fmt.Errorf("reset origin of %s: %w", dst, err)
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
