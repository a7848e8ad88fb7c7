package bench

import (
	"log/slog"

	"zchat/internal/auth"
)

// members is how a spawned cluster secures its member links: with a key
// made for the run (in its directory), or open.
type members struct {
	cluster auth.Cluster
	keyFile string // "" when open
}

// newMembers loads the key at keyFile, creating it if missing (a kept
// --data directory reuses its key), unless insecure.
func newMembers(insecure bool, keyFile string) (members, error) {
	if insecure {
		return members{cluster: auth.Open()}, nil
	}
	k, _, err := auth.LoadOrCreateKeyFile(keyFile, nil)
	if err != nil {
		return members{}, err
	}
	return members{cluster: auth.WithKey(k, slog.New(slog.DiscardHandler)), keyFile: keyFile}, nil
}

// secure tells whether the member links have a key, and so the broker and
// the proxy their authenticated client ports.
func (m members) secure() bool { return m.keyFile != "" }

// accessKey is the public key of the authenticated client ports, "" when
// there are none.
func (m members) accessKey() string {
	users, ok := m.cluster.Users()
	if !ok {
		return ""
	}
	return users.AccessKey().Public
}

// args are the flags that make a child a member (reference, broker,
// proxy, server).
func (m members) args() []string {
	if m.keyFile == "" {
		return []string{"--insecure-cluster"}
	}
	return []string{"--cluster-key", m.keyFile}
}

// echoArgs are an echo worker's (`zchat bench --echo-worker`).
func (m members) echoArgs() []string {
	if m.keyFile == "" {
		return nil
	}
	return []string{"--echo-key", m.keyFile}
}

// inProcessMembers secures an in-process echo target: a key in memory.
func inProcessMembers(insecure bool) (auth.Cluster, error) {
	if insecure {
		return auth.Open(), nil
	}
	k, err := auth.GenerateKey()
	if err != nil {
		return auth.Cluster{}, err
	}
	return auth.WithKey(k, slog.New(slog.DiscardHandler)), nil
}
