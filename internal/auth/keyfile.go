package auth

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
)

// maxKeyFile bounds what LoadKeyFile reads: a key file is one short line
// and a few comment lines.
const maxKeyFile = 4096

// ErrNoKeyFile is LoadKeyFile's error when the file does not exist.
var ErrNoKeyFile = errors.New("no cluster key file")

// keyFileText is what WriteNewKeyFile writes: comments saying what the
// file is, then the secret key. LoadKeyFile skips the comments.
func keyFileText(k Key) []byte {
	return fmt.Appendf(nil, "# zchat cluster key: the CURVE secret key every member of one cluster\n"+
		"# (reference, broker, proxy, servers, zchat status) holds. Keep it secret.\n"+
		"# public key: %s\n%s\n", k.Public, k.Secret)
}

// WriteNewKeyFile generates a key and writes it to path with mode 0600,
// creating missing parent directories (mode 0700). It refuses to replace
// an existing file: a cluster's members must all keep the same key.
func WriteNewKeyFile(path string) (Key, error) {
	k, err := GenerateKey()
	if err != nil {
		return Key{}, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return Key{}, fmt.Errorf("cluster key: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return Key{}, fmt.Errorf("cluster key: %w", err)
	}
	_, err = f.Write(keyFileText(k))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return Key{}, fmt.Errorf("cluster key %s: %w", path, err)
	}
	return k, nil
}

// LoadKeyFile reads the cluster key from path. A file that others may read
// is used anyway, with a warning on log (nil: slog.Default()).
func LoadKeyFile(path string, log *slog.Logger) (Key, error) {
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Key{}, fmt.Errorf("%w: %s does not exist", ErrNoKeyFile, path)
	}
	if err != nil {
		return Key{}, fmt.Errorf("cluster key: %w", err)
	}
	if !info.Mode().IsRegular() {
		return Key{}, fmt.Errorf("cluster key %s: not a regular file", path)
	}
	if info.Size() > maxKeyFile {
		return Key{}, fmt.Errorf("cluster key %s: %d bytes, not a key file", path, info.Size())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return Key{}, fmt.Errorf("cluster key: %w", err)
	}
	k, err := parseKeyFile(b)
	if err != nil {
		return Key{}, fmt.Errorf("cluster key %s: %w", path, err)
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		orDefault(log).Warn("the cluster key file can be read by others; chmod 600 it",
			"path", path, "mode", fmt.Sprintf("%#o", perm))
	}
	return k, nil
}

// parseKeyFile takes the one line that is neither blank nor a comment.
func parseKeyFile(b []byte) (Key, error) {
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" && !strings.HasPrefix(line, "#") {
			lines = append(lines, line)
		}
	}
	if err := sc.Err(); err != nil {
		return Key{}, err
	}
	if len(lines) != 1 {
		return Key{}, fmt.Errorf("want one line with the Z85 secret key (and # comments), found %d", len(lines))
	}
	return KeyFromSecret(lines[0])
}

// LoadOrCreateKeyFile loads the key at path, or writes a new one there if
// there is none (created is then true).
func LoadOrCreateKeyFile(path string, log *slog.Logger) (k Key, created bool, err error) {
	k, err = LoadKeyFile(path, log)
	if !errors.Is(err, ErrNoKeyFile) {
		return k, false, err
	}
	k, err = WriteNewKeyFile(path)
	if errors.Is(err, fs.ErrExist) { // another process created it just now
		k, err = LoadKeyFile(path, log)
		return k, false, err
	}
	return k, err == nil, err
}

func orDefault(log *slog.Logger) *slog.Logger {
	if log == nil {
		return slog.Default()
	}
	return log
}
