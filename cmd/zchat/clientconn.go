package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"zchat/internal/account"
	"zchat/internal/auth"
	"zchat/internal/client"
	"zchat/internal/credential"
)

// identity names the user whose key a command proves on the secure ports.
type identity struct {
	name   string // "": an ephemeral key, which acts only as unclaimed names
	create bool   // the user named it (--as): make its key on first use
}

// as is the identity the user named: its key is made on first use.
func as(name string) identity { return identity{name: name, create: true} }

// maybe is the key of name if this device has one, else an ephemeral key
// (tail @bob, history @bob: bob may be someone else).
func maybe(name string) identity { return identity{name: name} }

// dialAs returns a client for the flags: on the open ports, or on the
// secure ports proving id's key.
func (f *ClientFlags) dialAs(ctx context.Context, g *Globals, id identity) (*client.Client, error) {
	log := g.Logger("client")
	cfg, err := f.clientConfig(ctx, log)
	if err != nil || cfg.Secure == nil || id.name == "" {
		return client.New(cfg), err
	}
	if cfg.Secure.Key, err = f.userKey(log, id); err != nil {
		return nil, err
	}
	return client.New(cfg), nil
}

// userKey loads id's key, or makes it when id.create and it has none; a
// zero key (ephemeral) when it has none and may not be made.
func (f *ClientFlags) userKey(log *slog.Logger, id identity) (auth.Key, error) {
	keys, err := f.keys()
	if err != nil {
		return auth.Key{}, err
	}
	if !id.create {
		key, _, err := keys.Load(id.name)
		return key, keyError(id.name, err)
	}
	key, created, err := keys.LoadOrCreate(id.name)
	if created {
		f.madeKey = keys.Path(id.name)
		log.Info(fmt.Sprintf("created a key for '%s' (zchat login %s claims the name for it)", id.name, id.name), "file", f.madeKey)
	}
	return key, keyError(id.name, err)
}

func keyError(name string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, credential.ErrPassphrase):
		return fmt.Errorf("the key of '%s' is sealed: give --passphrase, or its passphrase in ZCHAT_PASSPHRASE (%w)", name, err)
	}
	return fmt.Errorf("the key of '%s': %w", name, err)
}

// keys is the key directory of the flags, with their passphrase.
func (f *ClientFlags) keys() (account.Keys, error) {
	dir := f.Keys
	if dir == "" {
		var err error
		if dir, err = credential.DefaultDir(); err != nil {
			return account.Keys{}, err
		}
	}
	return account.Keys{Dir: dir, Ask: f.passphrase()}, nil
}

// clientConfig is the client configuration of the flags: the open ports
// with --open, else the secure ports with the cluster's access key
// (pinned, known, or learned now) and no user key yet (ephemeral unless
// the caller sets one).
func (f *ClientFlags) clientConfig(ctx context.Context, log *slog.Logger) (client.Config, error) {
	if f.Open {
		return f.config(ctx, log, client.KnownServers{})
	}
	known, err := f.knownServers()
	if err != nil {
		return client.Config{}, err
	}
	return f.config(ctx, log, known)
}

// ephemeralConfig is clientConfig for clients with throwaway identities
// (bots): without --server-key the access key is asked every time and
// recorded nowhere. They have nothing to protect, and a cluster started
// anew (zchat up with a fresh data directory: a new cluster key) must not
// leave them refusing it.
func (f *ClientFlags) ephemeralConfig(ctx context.Context, log *slog.Logger) (client.Config, error) {
	return f.config(ctx, log, client.KnownServers{})
}

func (f *ClientFlags) config(ctx context.Context, log *slog.Logger, known client.KnownServers) (client.Config, error) {
	retries := f.Retries
	if retries == 0 {
		retries = -1 // the library reads 0 as its default
	}
	cfg := client.Config{Broker: f.Broker, Proxy: f.Proxy, Timeout: f.Timeout, Retries: retries, Logger: log}
	if f.Open {
		return cfg, nil
	}
	cfg.Secure = &client.Secure{Broker: f.SecureBroker, Proxy: f.SecureProxy}
	key, src, err := client.ResolveServerKey(ctx, cfg, known, f.ServerKey)
	if err != nil {
		return cfg, fmt.Errorf("%w (--open uses the open ports without a key)", err)
	}
	if src == client.KeyLearned && known.Path != "" {
		log.Info("learned the cluster's access key on first use and recorded it: a different key later will be refused",
			"key", key, "file", known.Path)
	}
	cfg.Secure.ServerKey = key
	return cfg, nil
}

func (f *ClientFlags) knownServers() (client.KnownServers, error) {
	if f.KnownServers != "" {
		return client.KnownServers{Path: f.KnownServers}, nil
	}
	path, err := client.DefaultKnownServers()
	return client.KnownServers{Path: path}, err
}
