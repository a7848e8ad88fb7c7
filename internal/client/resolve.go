package client

import (
	"context"
	"fmt"
)

// KeySource says where ResolveServerKey found the access key.
type KeySource int

const (
	KeyPinned  KeySource = iota // given by the user (--server-key)
	KeyKnown                    // from the known servers file
	KeyLearned                  // named by the open frontend and recorded: trust on first use
)

// ResolveServerKey finds the access key of the secure broker frontend of
// cfg (cfg.Secure.Broker, or the standard one next to cfg.Broker):
//   - pin, when given, checked and recorded in known (replacing the key
//     known for the endpoint: pinning anew is how a changed cluster key is
//     accepted);
//   - else the key known for the endpoint;
//   - else the key the cluster names on its open frontend (cfg.Broker,
//     service auth_key), recorded: trust on first use. Afterwards a cluster
//     naming another key is refused (ServerKeyError).
//
// A known with an empty Path is neither read nor written.
func ResolveServerKey(ctx context.Context, cfg Config, known KnownServers, pin string) (string, KeySource, error) {
	secure := Secure{}
	if cfg.Secure != nil {
		secure = *cfg.Secure
	}
	cfg.Secure = &secure
	cfg = cfg.withDefaults()
	endpoint := cfg.Secure.Broker
	if endpoint == "" {
		return "", 0, fmt.Errorf("no secure broker endpoint: %q has no port to derive it from", cfg.Broker)
	}
	if pin != "" {
		return pinKey(known, endpoint, pin)
	}
	if known.Path != "" {
		key, err := known.Lookup(endpoint)
		if err != nil || key != "" {
			return key, KeyKnown, err
		}
	}
	key, err := askAccessKey(ctx, cfg)
	if err != nil {
		return "", 0, fmt.Errorf("learn the access key of %s from %s: %w", endpoint, cfg.Broker, err)
	}
	if known.Path != "" {
		if err := known.Remember(endpoint, key); err != nil {
			return "", 0, err
		}
	}
	return key, KeyLearned, nil
}

func pinKey(known KnownServers, endpoint, pin string) (string, KeySource, error) {
	if !ValidPublicKey(pin) {
		return "", 0, fmt.Errorf("server key %q: want the 40 characters of a Z85 CURVE public key", clip(pin, 60))
	}
	if known.Path == "" {
		return pin, KeyPinned, nil
	}
	old, err := known.Lookup(endpoint)
	if err == nil && old != pin {
		err = known.Remember(endpoint, pin)
	}
	return pin, KeyPinned, err
}

// askAccessKey asks the open frontend with a client of its own.
func askAccessKey(ctx context.Context, cfg Config) (string, error) {
	open := cfg
	open.Secure = nil
	c := New(open)
	defer c.Close()
	return c.AccessKey(ctx)
}
