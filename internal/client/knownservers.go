package client

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// KnownServers is the file of the access keys a user's clients learned or
// were told, one line per secure broker endpoint: "ENDPOINT KEY". Like
// SSH's known_hosts it turns trust on first use into a pin: later runs
// connect only to a cluster holding the same key.
type KnownServers struct{ Path string }

// maxKnownServers bounds what is read of the file: it is the user's own,
// but a damaged one must not take the memory.
const maxKnownServers = 1 << 20

// DefaultKnownServers is "zchat/known_servers" under the user's
// configuration directory (~/.config on Linux).
func DefaultKnownServers() (string, error) {
	base, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find the configuration directory: %w", err)
	}
	return filepath.Join(base, "zchat", "known_servers"), nil
}

// Lookup is the key known for endpoint, "" when none.
func (k KnownServers) Lookup(endpoint string) (string, error) {
	lines, err := k.read()
	if err != nil {
		return "", err
	}
	for _, l := range lines {
		if ep, key, ok := parseKnown(l); ok && ep == endpoint {
			return key, nil
		}
	}
	return "", nil
}

// Remember records key for endpoint, replacing the key known for it. The
// file is rewritten whole (a new file renamed over the old one), so that a
// reader never sees half of it.
func (k KnownServers) Remember(endpoint, key string) error {
	if strings.ContainsAny(endpoint, " \t\r\n") || !ValidPublicKey(key) {
		return fmt.Errorf("known servers: will not record %q %q", endpoint, key)
	}
	lines, err := k.read()
	if err != nil {
		return err
	}
	var out bytes.Buffer
	for _, l := range lines {
		if ep, _, ok := parseKnown(l); !ok || ep != endpoint {
			out.WriteString(l + "\n")
		}
	}
	fmt.Fprintf(&out, "%s %s\n", endpoint, key)
	return k.write(out.Bytes())
}

// parseKnown reads one line; comments, blank and damaged lines are kept
// as they are but name nothing.
func parseKnown(line string) (endpoint, key string, ok bool) {
	fields := strings.Fields(line)
	if len(fields) != 2 || strings.HasPrefix(fields[0], "#") || !ValidPublicKey(fields[1]) {
		return "", "", false
	}
	return fields[0], fields[1], true
}

func (k KnownServers) read() ([]string, error) {
	f, err := os.Open(k.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("known servers: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxKnownServers+1))
	if err != nil {
		return nil, fmt.Errorf("known servers: %w", err)
	}
	if len(b) > maxKnownServers {
		return nil, fmt.Errorf("known servers: %s is over %d bytes", k.Path, maxKnownServers)
	}
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, maxKnownServers)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines, sc.Err()
}

func (k KnownServers) write(content []byte) error {
	dir := filepath.Dir(k.Path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("known servers: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".known_servers-*")
	if err != nil {
		return fmt.Errorf("known servers: %w", err)
	}
	defer os.Remove(tmp.Name()) // after the rename, there is nothing to remove
	_, err = tmp.Write(content)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), k.Path)
	}
	if err != nil {
		return fmt.Errorf("known servers: %w", err)
	}
	return nil
}
