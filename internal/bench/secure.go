package bench

import (
	"fmt"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/auth"
	zclient "zchat/internal/client"
)

// access is how the load reaches a cluster's authenticated ports (the
// broker's secure frontend, the proxy's secure XPUB): their endpoints and
// the cluster's access public key. Every client and subscriber socket on
// them proves an ephemeral key of its own, as zchat's bots do.
type access struct {
	frontend, xpub string
	key            string // the access public key (Z85)
}

// curve is one socket's CURVE client side; nil on the open ports.
type curve struct {
	server string
	key    auth.Key
}

// socketKey makes the CURVE side of one socket: a fresh ephemeral key.
func (a *access) socketKey() (*curve, error) {
	if a == nil {
		return nil, nil
	}
	k, err := auth.GenerateKey()
	if err != nil {
		return nil, err
	}
	return &curve{server: a.key, key: k}, nil
}

// apply makes s, not connected yet, a CURVE client (nothing when open).
func (c *curve) apply(s *zmq.Socket) error {
	if c == nil {
		return nil
	}
	return zclient.CurveClient(s, c.server, c.key)
}

// externalAccess finds the authenticated ports of a running cluster: the
// endpoints given, else those of the standard layout next to the open
// ones, and the access key given, else the one the open frontend names
// (asked every run: a measurement has nothing to protect).
func externalAccess(cfg *Config) (*access, error) {
	a := &access{frontend: cfg.SecureBroker, xpub: cfg.SecureProxy, key: cfg.ServerKey}
	var err error
	if a.frontend == "" {
		if a.frontend, err = zclient.OffsetEndpoint(cfg.Broker, zclient.SecureBrokerOffset); err != nil {
			return nil, err
		}
	}
	if a.xpub == "" && cfg.Proxy != "" {
		if a.xpub, err = zclient.OffsetEndpoint(cfg.Proxy, zclient.SecureProxyOffset); err != nil {
			return nil, err
		}
	}
	if a.key == "" {
		m, err := ask(cfg.Broker, zclient.AuthKeyService, nil, cfg.Timeout)
		if err != nil {
			return nil, fmt.Errorf("ask %s for the access key (or give --server-key, or --open): %w", cfg.Broker, err)
		}
		a.key, _ = m.OptString("key")
	}
	if !zclient.ValidPublicKey(a.key) {
		return nil, fmt.Errorf("access key %q: not a Z85 CURVE public key", a.key)
	}
	return a, nil
}

// loadPorts are where the load goes: the target's authenticated ports,
// unless cfg.Open or the target has none (an echo target, a cluster
// without a key); then the open ports.
func loadPorts(cfg *Config, t target) (frontend, xpub string, a *access) {
	if a = t.secure(); a == nil || cfg.Open {
		return t.frontend(), t.xpub(), nil
	}
	return a.frontend, a.xpub, a
}
