package auth

import (
	"bytes"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteNewKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secrets", "cluster.key")
	k, err := WriteNewKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v (%v), want 0600", info.Mode(), err)
	}
	if dir, _ := os.Stat(filepath.Dir(path)); dir.Mode().Perm() != 0o700 {
		t.Errorf("created directory mode %v, want 0700", dir.Mode())
	}
	back, err := LoadKeyFile(path, nil)
	if err != nil || back != k {
		t.Fatalf("loaded %+v (%v), want %+v", back, err, k)
	}
	if _, err := WriteNewKeyFile(path); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("overwrote an existing key file: %v", err)
	}
	if again, _ := LoadKeyFile(path, nil); again != k {
		t.Fatal("the refused write changed the file")
	}
}

func TestLoadKeyFileErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "nope.key")
	if _, err := LoadKeyFile(missing, nil); !errors.Is(err, ErrNoKeyFile) || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing file: %v", err)
	}
	bad := filepath.Join(dir, "bad.key")
	os.WriteFile(bad, []byte("not a key\n"), 0o600)
	if _, err := LoadKeyFile(bad, nil); err == nil || errors.Is(err, ErrNoKeyFile) || !strings.Contains(err.Error(), bad) {
		t.Errorf("bad content: %v", err)
	}
	if _, err := LoadKeyFile(dir, nil); err == nil {
		t.Error("a directory was loaded as a key")
	}
	huge := filepath.Join(dir, "huge.key")
	os.WriteFile(huge, bytes.Repeat([]byte("#"), maxKeyFile+1), 0o600)
	if _, err := LoadKeyFile(huge, nil); err == nil {
		t.Error("a huge file was loaded as a key")
	}
}

func TestLoadKeyFileWarnsWhenOthersCanRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cluster.key")
	k, _ := WriteNewKeyFile(path)
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	if _, err := LoadKeyFile(path, log); err != nil || logs.Len() != 0 {
		t.Fatalf("mode 0600: err %v, logs %q", err, logs.String())
	}
	os.Chmod(path, 0o644)
	got, err := LoadKeyFile(path, log)
	if err != nil || got != k {
		t.Fatalf("mode 0644 must still load: %v", err)
	}
	if !strings.Contains(logs.String(), "chmod 600") || !strings.Contains(logs.String(), "0644") {
		t.Fatalf("no warning: %q", logs.String())
	}
}

func TestLoadOrCreateKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cluster.key")
	k, created, err := LoadOrCreateKeyFile(path, nil)
	if err != nil || !created {
		t.Fatalf("first call: created %v, err %v", created, err)
	}
	again, created, err := LoadOrCreateKeyFile(path, nil)
	if err != nil || created || again != k {
		t.Fatalf("second call: created %v, err %v, same key %v", created, err, again == k)
	}
	bad := filepath.Join(t.TempDir(), "bad.key")
	os.WriteFile(bad, []byte("x"), 0o600)
	if _, _, err := LoadOrCreateKeyFile(bad, nil); err == nil {
		t.Fatal("a bad key file was replaced or accepted")
	}
}
